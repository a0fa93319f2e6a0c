// Room commands: create_room, get_room, list_rooms, join_room, leave_room (docs/protocol/tcp.md §7.5–7.9).
import { z } from 'zod';
import type { Room, RoomListItem, RoomMembership } from '../../shared/features/rooms/index.js';
import { clampLimit, PAGE } from '../../shared/kernel/validation.js';
import { command, okResponse, u32, type CommandResponse } from '../protocol/index.js';
import { renameError, roomId, type CommandContext } from './context.js';
import { defineCommands } from './define.js';

declare module '../protocol/server-messages.js' {
  interface ResponsePayloads {
    create_room_response: { room: Room };
    get_room_response: { room: Room; membership: RoomMembership | null };
    list_rooms_response: { rooms: RoomListItem[] };
    join_room_response: { room: Room; membership: RoomMembership };
    leave_room_response: NoFields;
  }
  interface ResponseCounters {
    get_room_response: { member_count: number };
    list_rooms_response: { has_more: boolean; total_count: number };
  }
}

/** Client message schemas of the room commands (docs/protocol/tcp.md §7.5–7.9). */
const schemas = {
  create_room: command('create_room', {
    name: z.string(),
    description: z.string().nullish(),
    settings: z.object({ public: z.boolean().nullish(), max_members: u32 }).nullish(),
  }),
  get_room: command('get_room', { room_id: z.string() }),
  list_rooms: command('list_rooms', {
    filter: z
      .object({
        search: z.string().nullish(),
        joined_only: z.boolean().nullish(),
        public_only: z.boolean().nullish(),
      })
      .nullish(),
    limit: u32,
    offset: u32,
  }),
  join_room: command('join_room', { room_id: z.string() }),
  leave_room: command('leave_room', { room_id: z.string() }),
};
type Msg<K extends keyof typeof schemas> = z.output<(typeof schemas)[K]>;

/** Rooms returned by `list_rooms` with `joined_only` (docs/protocol/tcp.md §7.7: "first 50 joined rooms"). */
export const JOINED_ROOMS_PAGE = 50;

/** `create_room` (deprecated) -> `room`; the caller becomes owner; no event (docs/protocol/tcp.md §7.5). */
export async function createRoom(msg: Msg<'create_room'>, ctx: CommandContext): Promise<CommandResponse> {
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
 * (docs/protocol/tcp.md §7.6). No session re-validation. Errors: `validation_failed` "Invalid room ID",
 * `not_found` "Room not found".
 */
export async function getRoom(msg: Msg<'get_room'>, ctx: CommandContext): Promise<CommandResponse> {
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
 * `list_rooms` (deprecated) (docs/protocol/tcp.md §7.7): with `filter.joined_only` the first 50 joined rooms
 * (session re-validated, `has_more: false`); otherwise a page of public rooms by name with
 * `is_member` for the caller (no re-validation). `total_count` = items in this page.
 * `filter.search` keeps names containing it (case-insensitive), `filter.public_only` drops private
 * joined rooms (issue 17 finding 5; upstream ignores both).
 */
export async function listRooms(msg: Msg<'list_rooms'>, ctx: CommandContext): Promise<CommandResponse> {
  const userId = ctx.auth.user.id;
  const filter = { search: msg.filter?.search ?? null, publicOnly: msg.filter?.public_only ?? false };
  if (msg.filter?.joined_only === true) {
    await ctx.requireSession();
    const rooms = await ctx.services.rooms.listJoined(userId, JOINED_ROOMS_PAGE, 0, filter);
    return okResponse('list_rooms_response', msg.request_id, {
      rooms,
      has_more: false,
      total_count: rooms.length,
    });
  }
  const requested = msg.limit ?? PAGE.defaultLimit;
  const rooms = await ctx.services.rooms.listPublic(userId, clampLimit(msg.limit), msg.offset ?? 0, filter);
  return okResponse('list_rooms_response', msg.request_id, {
    rooms,
    has_more: rooms.length === requested,
    total_count: rooms.length,
  });
}

/** `join_room` -> `room`, `membership` (docs/protocol/tcp.md §7.8). Emits `user_joined_room` (service). */
export async function joinRoom(msg: Msg<'join_room'>, ctx: CommandContext): Promise<CommandResponse> {
  const id = roomId(msg.room_id);
  await ctx.requireSession();
  const { room, membership } = await ctx.services.rooms.join(ctx.auth.user.id, id);
  return okResponse('join_room_response', msg.request_id, { room, membership });
}

/** `leave_room` -> no payload (docs/protocol/tcp.md §7.9). Emits `user_left_room` reason `left` (service). */
export async function leaveRoom(msg: Msg<'leave_room'>, ctx: CommandContext): Promise<CommandResponse> {
  const id = roomId(msg.room_id);
  await ctx.requireSession();
  await ctx.services.rooms.leave(ctx.auth.user.id, id);
  return okResponse('leave_room_response', msg.request_id, {});
}

/** The room commands (registered in ./index.ts). */
export const roomCommands = defineCommands({
  schemas,
  handlers: {
    create_room: createRoom,
    get_room: getRoom,
    list_rooms: listRooms,
    join_room: joinRoom,
    leave_room: leaveRoom,
  },
  deprecated: ['create_room', 'get_room', 'list_rooms'],
  failureCounters: {
    get_room_response: { member_count: 0 },
    list_rooms_response: { has_more: false, total_count: 0 },
  },
});
