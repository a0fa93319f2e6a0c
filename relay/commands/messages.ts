// Message commands: send_message, edit_message, delete_message, get_messages (docs/protocol/tcp.md §7.1–7.4) and typing (§7.17).
import { z } from 'zod';
import type { Message } from '../../shared/features/messages/index.js';
import { clampLimit, PAGE, parseUuid } from '../../shared/kernel/validation.js';
import {
  command,
  messageTargetSchema,
  okResponse,
  u32,
  type CommandResponse,
  type CoreMessageOf,
} from '../protocol/index.js';
import { messageId, requireId, type CommandContext } from './context.js';
import { defineCommands } from './define.js';

declare module '../protocol/server-messages.js' {
  interface ResponsePayloads {
    send_message_response: { message: Message };
    edit_message_response: { message: Message };
    delete_message_response: NoFields;
    get_messages_response: { messages: Message[]; next_cursor?: string | null };
  }
  interface ResponseCounters {
    get_messages_response: { has_more: boolean };
  }
}

/** Client message schemas of the message commands (docs/protocol/tcp.md §7.1–7.4; `typing` is connection-level). */
const schemas = {
  send_message: command('send_message', {
    target: messageTargetSchema,
    content: z.string(),
    // docs/protocol/extensions.md §1.1 optional inputs
    message_type: z.enum(['text', 'markdown', 'code', 'system', 'file', 'image']).nullish(),
    reply_to: z.string().nullish(),
    priority: z.enum(['normal', 'high']).nullish(),
    attachment_ids: z.array(z.string()).max(10).nullish(),
  }),
  edit_message: command('edit_message', { message_id: z.string(), content: z.string() }),
  delete_message: command('delete_message', { message_id: z.string() }),
  get_messages: command('get_messages', {
    target: messageTargetSchema,
    limit: u32,
    before: z.string().nullish(),
    // docs/protocol/extensions.md §0.5, §1.3, §1.5
    after: z.string().nullish(),
    cursor: z.string().nullish(),
    include_deleted: z.boolean().nullish(),
    exclude_replies: z.boolean().nullish(),
  }),
};
type Msg<K extends keyof typeof schemas> = z.output<(typeof schemas)[K]>;

/** `send_message` -> `message` (docs/protocol/tcp.md §7.1). Emits `message_received` (service). */
export async function sendMessage(msg: Msg<'send_message'>, ctx: CommandContext): Promise<CommandResponse> {
  // Hot path (bench/README.md, docs/adr/005): the connection's leased room-access policy answers
  // the session re-check and the membership from memory while the lease holds, so a room send is
  // one PutItem; the author's name comes from the authentication snapshot instead of a user read.
  if (msg.target.type !== 'room') await ctx.requireSessionLeased();
  const message = await ctx.services.messages.send(ctx.auth.user.id, msg.target, msg.content, {
    authorUsername: ctx.auth.user.username,
    access: ctx.sendAccess,
    message_type: msg.message_type ?? null,
    reply_to: msg.reply_to == null ? null : requireId(msg.reply_to, 'invalid_reply', 'Invalid reply target'),
    priority: msg.priority ?? null,
    attachment_ids:
      msg.attachment_ids?.map((id) => requireId(id, 'attachment_invalid', 'Attachment invalid')) ?? null,
  });
  return okResponse('send_message_response', msg.request_id, { message });
}

/** `edit_message` -> `message` (docs/protocol/tcp.md §7.2). @throws `invalid_id` "Invalid message ID" first */
export async function editMessage(msg: Msg<'edit_message'>, ctx: CommandContext): Promise<CommandResponse> {
  const id = messageId(msg.message_id);
  await ctx.requireSession();
  const message = await ctx.services.messages.edit(ctx.auth.user.id, id, msg.content);
  return okResponse('edit_message_response', msg.request_id, { message });
}

/** `delete_message` -> no payload (docs/protocol/tcp.md §7.3). A tombstone (extensions.md §1.3); emits `message_deleted` (service). */
export async function deleteMessage(
  msg: Msg<'delete_message'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const id = messageId(msg.message_id);
  await ctx.requireSession();
  await ctx.services.messages.delete(ctx.auth.user.id, id);
  return okResponse('delete_message_response', msg.request_id, {});
}

/**
 * `get_messages` (deprecated) -> `messages` newest first (oldest first with `after`), `has_more` =
 * (returned == requested limit, before the 100 cap) (docs/protocol/tcp.md §7.4, domain.md §9);
 * `before`/`after` are message ids, `cursor`/`next_cursor` continue a page (extensions.md §0.5).
 * @throws `validation_failed` for a bad cursor or an anchor id from another conversation
 */
export async function getMessages(msg: Msg<'get_messages'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const requested = msg.limit ?? PAGE.defaultLimit;
  // A non-UUID `before` is ignored, as upstream ignores it (tcp.md §7.4).
  const anchor = (raw: string | null | undefined): string | null => (raw == null ? null : parseUuid(raw));
  const before = anchor(msg.before);
  const after = anchor(msg.after);
  const extended =
    before !== null ||
    after !== null ||
    msg.cursor != null ||
    msg.include_deleted != null ||
    msg.exclude_replies != null;
  const page = await ctx.services.messages.history(ctx.auth.user.id, msg.target, clampLimit(msg.limit), {
    before,
    after,
    cursor: msg.cursor ?? null,
    includeDeleted: msg.include_deleted === true,
    excludeReplies: msg.exclude_replies === true,
  });
  return okResponse('get_messages_response', msg.request_id, {
    messages: page.messages,
    next_cursor: extended ? page.next_cursor : null, // upstream shape unless a new parameter is used (§0.5)
    has_more: page.messages.length === requested,
  });
}

/**
 * `typing`: no response ever; failures are swallowed (docs/protocol/tcp.md §7.17). Emits `user_typing` (service),
 * only for members when the target is a room.
 */
export async function typing(msg: CoreMessageOf<'typing'>, ctx: CommandContext): Promise<void> {
  try {
    // A room in the relay's index needs no membership read (registry upkeep, docs/protocol/tcp.md §8).
    await ctx.services.messages.typing(ctx.auth.user.id, msg.target, { access: ctx.typingAccess });
  } catch (err) {
    ctx.logger.debug({ err }, 'typing failed (swallowed)');
  }
}

/** The message commands (registered in ./index.ts). */
export const messageCommands = defineCommands({
  schemas,
  handlers: {
    send_message: sendMessage,
    edit_message: editMessage,
    delete_message: deleteMessage,
    get_messages: getMessages,
  },
  deprecated: ['get_messages'],
  failureCounters: { get_messages_response: { has_more: false } },
});
