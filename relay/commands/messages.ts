// Message commands: send_message, edit_message, delete_message, get_messages (tcp.md §7.1–7.4) and typing (§7.17).
import { isDomainError } from '../../shared/domain/errors.js';
import { clampLimit, PAGE } from '../../shared/domain/validation.js';
import { okResponse, type ClientMessageOf, type CommandResponse } from '../protocol/index.js';
import { messageId, type CommandContext } from './context.js';

/** `send_message` -> `message` (tcp.md §7.1). Emits `message_received` (service). */
export async function sendMessage(
  msg: ClientMessageOf<'send_message'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  // Hot path (bench/README.md, docs/adr/005): within the connection's lease neither the session
  // nor the room membership is read again, so a send is one PutItem; otherwise the session
  // re-check (tcp.md §7) runs alongside the membership read. The author's name comes from the
  // authentication snapshot instead of a user read.
  const access = ctx.sendAccess;
  const roomId = msg.target.type === 'room' ? msg.target.room_id : undefined;
  const ticket = roomId !== undefined ? access?.begin(roomId) : undefined;
  const leased = ticket?.leased === true;
  try {
    const message = await ctx.services.messages.send(ctx.auth.user.id, msg.target, msg.content, {
      authorUsername: ctx.auth.user.username,
      precondition: access ? () => access.requireSession() : () => ctx.requireSession(),
      membershipVerified: leased,
    });
    if (roomId !== undefined && ticket !== undefined && !leased) access?.confirmMember(roomId, ticket);
    return okResponse('send_message_response', msg.request_id, { message });
  } catch (err) {
    if (roomId !== undefined && ticket !== undefined && isDomainError(err, 'not_room_member')) {
      access?.notMember(roomId, ticket);
    }
    throw err;
  }
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
    const roomId = msg.target.type === 'room' ? msg.target.room_id : undefined;
    // A room in the relay's index needs no membership read (registry upkeep, tcp.md §8).
    const indexed = roomId !== undefined && ctx.inRoomIndex?.(roomId) === true;
    await ctx.services.messages.typing(ctx.auth.user.id, msg.target, { membershipVerified: indexed });
  } catch (err) {
    ctx.logger.debug({ err }, 'typing failed (swallowed)');
  }
}
