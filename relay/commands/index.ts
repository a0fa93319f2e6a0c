// Command dispatch for AUTHENTICATED connections: one handler per tcp.md §7 message type, errors mapped once.
import {
  failResponse,
  responseTypeFor,
  type ClientMessageOf,
  type ClientMessageType,
  type CommandResponse,
} from '../protocol/index.js';
import type { CommandContext } from './context.js';
import { toResponseError } from './errors.js';
import { acceptInvitation, declineInvitation, inviteToRoom, listInvitations } from './invitations.js';
import { deleteMessage, editMessage, getMessages, sendMessage } from './messages.js';
import { createRoom, getRoom, joinRoom, leaveRoom, listRooms } from './rooms.js';
import { getCurrentUser, getUser, listUsers } from './users.js';

export { runAuth, runLogout, type AuthMessage, type AuthOutcome } from './auth.js';
export { typing } from './messages.js';
export {
  commandContext,
  type AuthContext,
  type AuthSnapshot,
  type CommandContext,
  type SendLease,
} from './context.js';
export { TCP_ERROR_TABLE, toResponseError, INTERNAL_ERROR_TEXT } from './errors.js';

/** Request types answered by a `<type>_response` in AUTHENTICATED (tcp.md §7 table, minus typing/ping). */
export type CommandType = Exclude<
  ClientMessageType,
  'client_hello' | 'key_exchange' | 'authenticate' | 'login' | 'register' | 'logout' | 'typing' | 'ping'
>;

/** One handler: parse ids -> (re-validate session) -> one service call -> response. */
export type CommandHandler<K extends CommandType> = (
  msg: ClientMessageOf<K>,
  ctx: CommandContext,
) => Promise<CommandResponse>;

/** Handler per command type; deprecated ones (tcp.md §7 "Dep.") are served too. */
export const COMMANDS: { readonly [K in CommandType]: CommandHandler<K> } = {
  send_message: sendMessage,
  edit_message: editMessage,
  delete_message: deleteMessage,
  get_messages: getMessages,
  create_room: createRoom,
  get_room: getRoom,
  list_rooms: listRooms,
  join_room: joinRoom,
  leave_room: leaveRoom,
  invite_to_room: inviteToRoom,
  accept_invitation: acceptInvitation,
  decline_invitation: declineInvitation,
  list_invitations: listInvitations,
  get_user: getUser,
  list_users: listUsers,
  get_current_user: getCurrentUser,
};

/** Commands upstream marks deprecated (logged at debug level when used). */
const DEPRECATED: ReadonlySet<CommandType> = new Set<CommandType>([
  'get_messages',
  'create_room',
  'get_room',
  'list_rooms',
  'invite_to_room',
  'list_invitations',
  'get_user',
  'list_users',
  'get_current_user',
]);

/** True when `type` is answered through {@link COMMANDS}. */
export function isCommandType(type: ClientMessageType): type is CommandType {
  return Object.hasOwn(COMMANDS, type);
}

/**
 * Runs one command and always returns its response: `request_id` echoed, DomainErrors mapped by
 * the one code table, anything else `internal_error` "Internal error" (logged, never echoed).
 */
export async function runCommand(
  msg: ClientMessageOf<CommandType>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  if (DEPRECATED.has(msg.type)) ctx.logger.debug({ command: msg.type }, 'deprecated command used');
  const handler = COMMANDS[msg.type] as CommandHandler<CommandType>;
  try {
    return await handler(msg, ctx);
  } catch (err) {
    const e = toResponseError(err, ctx.logger, { command: msg.type, userId: ctx.auth.user.id });
    return failResponse(responseTypeFor(msg.type), msg.request_id, e.code, e.message) as CommandResponse;
  }
}
