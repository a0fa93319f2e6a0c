// Receipt commands (docs/protocol/extensions.md §2): mark_read, get_unread, and the response-less `delivered`.
import { z } from 'zod';
import type { MarkReadResult, UnreadEntry } from '../../shared/features/receipts/index.js';
import { MAX_DELIVERED_BATCH } from '../../shared/features/receipts/index.js';
import { parseUuid } from '../../shared/kernel/validation.js';
import {
  command,
  messageTargetSchema,
  okResponse,
  type CommandResponse,
  type CoreMessageOf,
} from '../protocol/index.js';
import { type CommandContext } from './context.js';
import { defineCommands } from './define.js';
import { ValidationError } from '../../shared/kernel/errors.js';

declare module '../protocol/server-messages.js' {
  interface ResponsePayloads {
    mark_read_response: MarkReadResult;
    get_unread_response: { unread: UnreadEntry[] };
  }
}

/** Client message schemas of the receipt commands (extensions.md §2). */
const schemas = {
  mark_read: command('mark_read', { target: messageTargetSchema, up_to: z.string() }),
  get_unread: command('get_unread', {}),
};
type Msg<K extends keyof typeof schemas> = z.output<(typeof schemas)[K]>;

/** `mark_read {target, up_to}` -> `{unread_count, receipt}`; a message of another target is `validation_failed`. */
async function markRead(msg: Msg<'mark_read'>, ctx: CommandContext): Promise<CommandResponse> {
  const upTo = parseUuid(msg.up_to);
  if (upTo === null)
    throw new ValidationError(
      'validation_failed',
      'Validation failed: up_to - no such message in this target',
    );
  await ctx.requireSession();
  const result = await ctx.services.receipts.markRead(ctx.auth.user.id, msg.target, upTo);
  return okResponse('mark_read_response', msg.request_id, result);
}

/** `get_unread` -> `{unread}` (one row per target with something unread or a mention). */
async function getUnread(msg: Msg<'get_unread'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const unread = await ctx.services.receipts.unread(ctx.auth.user.id);
  return okResponse('get_unread_response', msg.request_id, { unread });
}

/**
 * `delivered {message_ids}`: no response ever (extensions.md §2); records first deliveries of
 * DM messages to the caller and emits `delivery_receipt` to their authors. Failures are logged
 * at debug level and swallowed, like `typing`.
 */
export async function delivered(msg: CoreMessageOf<'delivered'>, ctx: CommandContext): Promise<void> {
  try {
    const ids = msg.message_ids.slice(0, MAX_DELIVERED_BATCH).flatMap((id) => parseUuid(id) ?? []);
    if (ids.length > 0) await ctx.services.receipts.delivered(ctx.auth.user.id, ids);
  } catch (err) {
    ctx.logger.debug({ err }, 'delivered failed (swallowed)');
  }
}

/** The receipt commands (registered in ./index.ts). */
export const receiptCommands = defineCommands({
  schemas,
  handlers: { mark_read: markRead, get_unread: getUnread },
});
