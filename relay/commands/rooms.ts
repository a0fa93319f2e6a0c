// Room commands: create_room, get_room, list_rooms, join_room, leave_room (tcp.md §7.5–7.9).
import { clampLimit, PAGE } from '../../shared/kernel/validation.js';
import { okResponse, type ClientMessageOf, type CommandResponse } from '../protocol/index.js';
import { renameError, roomId, type CommandContext } from './context.js';

/** Rooms returned by `list_rooms` with `joined_only` (tcp.md §7.7: "first 50 joined rooms"). */
export const JOINED_ROOMS_PAGE = 50;

/** `create_room` (deprecated) -> `room`; the caller becomes owner; no event (tcp.md §7.5). */
export async function createRoom(
  msg: ClientMessageOf<'create_room'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  await ctx.requireSession();
  const room = await ctx.services.rooms.create(ctx.auth.user.id, {
    name: msg.name,
    description: msg.description ?? null,
    settings: msg.settings ?? null,
  });
  return okResponse('create_room_response', msg.request_id, { room });
}

/**
 * `get_room` (deprecated) -> `room`, `membership` (omitted when not a member), `member_count`
 * (tcp.md §7.6). No session re-validation. Errors: `validation_failed` "Invalid room ID",
 * `not_found` "Room not found".
 */
export async function getRoom(
  msg: ClientMessageOf<'get_room'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const id = roomId(msg.room_id);
  const result = await renameError(
    () => ctx.services.rooms.get(ctx.auth.user.id, id),
    'room_not_found',
    'not_found',
    'Room not found',
  );
  return okResponse('get_room_response', msg.request_id, result);
}

/**
 * `list_rooms` (deprecated) (tcp.md §7.7): with `filter.joined_only` the first 50 joined rooms
 * (session re-validated, `has_more: false`); otherwise a page of public rooms by name with
 * `is_member` for the caller (no re-validation). `total_count` = items in this page.
 */
export async function listRooms(
  msg: ClientMessageOf<'list_rooms'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const userId = ctx.auth.user.id;
  if (msg.filter?.joined_only === true) {
    await ctx.requireSession();
    const rooms = await ctx.services.rooms.listJoined(userId, JOINED_ROOMS_PAGE, 0);
    return okResponse('list_rooms_response', msg.request_id, {
      rooms,
      has_more: false,
      total_count: rooms.length,
    });
  }
  const requested = msg.limit ?? PAGE.defaultLimit;
  const rooms = await ctx.services.rooms.listPublic(userId, clampLimit(msg.limit), msg.offset ?? 0);
  return okResponse('list_rooms_response', msg.request_id, {
    rooms,
    has_more: rooms.length === requested,
    total_count: rooms.length,
  });
}

/** `join_room` -> `room`, `membership` (tcp.md §7.8). Emits `user_joined_room` (service). */
export async function joinRoom(
  msg: ClientMessageOf<'join_room'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const id = roomId(msg.room_id);
  await ctx.requireSession();
  const { room, membership } = await ctx.services.rooms.join(ctx.auth.user.id, id);
  return okResponse('join_room_response', msg.request_id, { room, membership });
}

/** `leave_room` -> no payload (tcp.md §7.9). Emits `user_left_room` reason `left` (service). */
export async function leaveRoom(
  msg: ClientMessageOf<'leave_room'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const id = roomId(msg.room_id);
  await ctx.requireSession();
  await ctx.services.rooms.leave(ctx.auth.user.id, id);
  return okResponse('leave_room_response', msg.request_id, {});
}
