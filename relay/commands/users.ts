// User commands: get_user, list_users, get_current_user (tcp.md §7.14–7.16); none re-validates the session.
import { clampLimit, PAGE } from '../../shared/kernel/validation.js';
import { okResponse, type ClientMessageOf, type CommandResponse } from '../protocol/index.js';
import { renameError, userId, type CommandContext } from './context.js';

/** `get_user` (deprecated) -> `user` (tcp.md §7.14). Errors: `validation_failed` "Invalid user ID", `not_found` "User not found". */
export async function getUser(
  msg: ClientMessageOf<'get_user'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
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
 * (tcp.md §7.15). `filter` is ignored.
 */
export async function listUsers(
  msg: ClientMessageOf<'list_users'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const requested = msg.limit ?? PAGE.defaultLimit;
  const [rows, online] = await Promise.all([
    ctx.services.users.list(clampLimit(msg.limit), msg.offset ?? 0),
    ctx.services.users.onlineUserIds(),
  ]);
  const users = rows.map((r) => r.user);
  return okResponse('list_users_response', msg.request_id, {
    users,
    online_user_ids: online,
    has_more: users.length === requested,
    total_count: users.length,
  });
}

/** `get_current_user` (deprecated) -> the user snapshot taken at authentication; always succeeds (tcp.md §7.16). */
export function getCurrentUser(
  msg: ClientMessageOf<'get_current_user'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  return Promise.resolve(okResponse('get_current_user_response', msg.request_id, { user: ctx.auth.user }));
}
