// Message commands: send_message, edit_message, delete_message, get_messages (tcp.md §7.1–7.4) and typing (§7.17).
import { clampLimit, PAGE } from '../../shared/kernel/validation.js';
import { okResponse, type ClientMessageOf, type CommandResponse } from '../protocol/index.js';
import { messageId, type CommandContext } from './context.js';

/** `send_message` -> `message` (tcp.md §7.1). Emits `message_received` (service). */
export async function sendMessage(
  msg: ClientMessageOf<'send_message'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  // Hot path (bench/README.md, docs/adr/005): the connection's leased room-access policy answers
  // the session re-check and the membership from memory while the lease holds, so a room send is
  // one PutItem; the author's name comes from the authentication snapshot instead of a user read.
  if (msg.target.type === 'dm') await ctx.requireSessionLeased();
  const message = await ctx.services.messages.send(ctx.auth.user.id, msg.target, msg.content, {
    authorUsername: ctx.auth.user.username,
    access: ctx.sendAccess,
  });
  return okResponse('send_message_response', msg.request_id, { message });
}

/** `edit_message` -> `message` (tcp.md §7.2). @throws `invalid_id` "Invalid message ID" first */
export async function editMessage(
  msg: ClientMessageOf<'edit_message'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const id = messageId(msg.message_id);
  await ctx.requireSession();
  const message = await ctx.services.messages.edit(ctx.auth.user.id, id, msg.content);
  return okResponse('edit_message_response', msg.request_id, { message });
}

/** `delete_message` -> no payload (tcp.md §7.3). Hard delete; emits `message_deleted` (service). */
export async function deleteMessage(
  msg: ClientMessageOf<'delete_message'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const id = messageId(msg.message_id);
  await ctx.requireSession();
  await ctx.services.messages.delete(ctx.auth.user.id, id);
  return okResponse('delete_message_response', msg.request_id, {});
}

/**
 * `get_messages` (deprecated) -> `messages` newest first, `has_more` = (returned == requested
 * limit, before the 100 cap) (tcp.md §7.4, domain.md §9). `before` is ignored.
 */
export async function getMessages(
  msg: ClientMessageOf<'get_messages'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  await ctx.requireSession();
  const requested = msg.limit ?? PAGE.defaultLimit;
  const { messages } = await ctx.services.messages.history(
    ctx.auth.user.id,
    msg.target,
    clampLimit(msg.limit),
  );
  return okResponse('get_messages_response', msg.request_id, {
    messages,
    has_more: messages.length === requested,
  });
}

/**
 * `typing`: no response ever; failures are swallowed (tcp.md §7.17). Emits `user_typing` (service),
 * only for members when the target is a room.
 */
export async function typing(msg: ClientMessageOf<'typing'>, ctx: CommandContext): Promise<void> {
  try {
    // A room in the relay's index needs no membership read (registry upkeep, tcp.md §8).
    await ctx.services.messages.typing(ctx.auth.user.id, msg.target, { access: ctx.typingAccess });
  } catch (err) {
    ctx.logger.debug({ err }, 'typing failed (swallowed)');
  }
}
