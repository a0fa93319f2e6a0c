// User commands: get_user, list_users, get_current_user (docs/protocol/tcp.md §7.14–7.16); none re-validates the session.
import { z } from 'zod';
import type { Uuid } from '../../shared/kernel/types.js';
import type { User } from '../../shared/features/users/index.js';
import type { UnreadCounts } from '../../shared/features/receipts/index.js';
import { clampLimit, PAGE } from '../../shared/kernel/validation.js';
import { command, okResponse, u32, type CommandResponse } from '../protocol/index.js';
import { renameError, userId, type CommandContext } from './context.js';
import { defineCommands } from './define.js';

declare module '../protocol/server-messages.js' {
  interface ResponsePayloads {
    get_user_response: { user: User };
    list_users_response: { users: User[]; online_user_ids: Uuid[] };
    get_current_user_response: { user: User; unread_counts: UnreadCounts };
  }
  interface ResponseCounters {
    list_users_response: { has_more: boolean; total_count: number };
  }
}

/** Client message schemas of the user commands (docs/protocol/tcp.md §7.14–7.16). */
const schemas = {
  get_user: command('get_user', { user_id: z.string() }),
  list_users: command('list_users', {
    filter: z.object({ search: z.string().nullish(), online_only: z.boolean().nullish() }).nullish(),
    limit: u32,
    offset: u32,
  }),
  get_current_user: command('get_current_user', {}),
};
type Msg<K extends keyof typeof schemas> = z.output<(typeof schemas)[K]>;

/** `get_user` (deprecated) -> `user` (docs/protocol/tcp.md §7.14). Errors: `validation_failed` "Invalid user ID", `not_found` "User not found". */
export async function getUser(msg: Msg<'get_user'>, ctx: CommandContext): Promise<CommandResponse> {
  const id = userId(msg.user_id);
  const user = await renameError(
    () => ctx.services.users.get(id),
    'user_not_found',
    'not_found',
    'User not found',
  );
  return okResponse('get_user_response', msg.request_id, { user });
}

/**
 * `list_users` (deprecated) -> `users` by username, `online_user_ids` (every online user, not
 * just this page), `has_more` (= page size == requested limit), `total_count` (page size)
 * (docs/protocol/tcp.md §7.15). `filter.search` keeps usernames containing it (case-insensitive),
 * `filter.online_only` keeps online users (issue 17 finding 5; upstream ignores both).
 */
export async function listUsers(msg: Msg<'list_users'>, ctx: CommandContext): Promise<CommandResponse> {
  const requested = msg.limit ?? PAGE.defaultLimit;
  const [rows, online] = await Promise.all([
    ctx.services.users.list(
      clampLimit(msg.limit),
      msg.offset ?? 0,
      { search: msg.filter?.search ?? null, onlineOnly: msg.filter?.online_only ?? false },
      ctx.auth.user.id,
    ),
    ctx.services.users.onlineUserIds(ctx.auth.user.id), // minus show_online: false (extensions.md §8)
  ]);
  const users = rows.map((r) => r.user);
  return okResponse('list_users_response', msg.request_id, {
    users,
    online_user_ids: online,
    has_more: users.length === requested,
    total_count: users.length,
  });
}

/** `get_current_user` (deprecated) -> the user snapshot taken at authentication; always succeeds (docs/protocol/tcp.md §7.16). */
export async function getCurrentUser(
  msg: Msg<'get_current_user'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  // extensions.md §2: `unread_counts` beside `user` (additive, everyone).
  // Still always succeeds: a failed count read answers zeros (logged).
  const unread_counts = await ctx.services.receipts.unreadCounts(ctx.auth.user.id).catch((err: unknown) => {
    ctx.logger.warn({ err }, 'unread counts failed');
    return { total: 0, by_room: {}, by_dm: {}, by_conversation: {} };
  });
  return okResponse('get_current_user_response', msg.request_id, { user: ctx.auth.user, unread_counts });
}

/** The user commands (registered in ./index.ts). */
export const userCommands = defineCommands({
  schemas,
  handlers: { get_user: getUser, list_users: listUsers, get_current_user: getCurrentUser },
  deprecated: ['get_user', 'list_users', 'get_current_user'],
  failureCounters: { list_users_response: { has_more: false, total_count: 0 } },
});
