// Lambda for the room and member routes (docs/protocol/http.md §7-8): create, list, get, update, delete, join, leave, members, role, kick.
import { z } from 'zod';
import { clampLimit, PAGE } from '../../shared/kernel/validation.js';
import { createGroupHandler, route, SUCCESS } from '../http/router.js';
import type { QueryParams } from '../http/request.js';
import { jsonResponse } from '../http/response.js';

const u32 = z.number().int().min(0).max(4294967295);
/** RoomSettingsRequest (docs/protocol/domain.md §4.2): `moderated`, `join_role`, … ignored. */
const settings = z
  .object({
    public: z.boolean().nullish(),
    max_members: u32.nullish(),
    // docs/protocol/extensions.md §5; range checked by the service (validation_failed)
    retention_days: z.number().int().nullable().optional(),
  })
  .nullish();
const createBody = z.object({ name: z.string(), description: z.string().nullish(), settings });
const patchBody = z.object({ name: z.string().nullish(), description: z.string().nullish(), settings });
const roleBody = z.object({ role: z.string() });

const ROOM = { room_id: 'room_not_found' } as const;
const MEMBER = { room_id: 'room_not_found', user_id: 'user_not_found' } as const;

/** `joined_only`/`public_only` bool, `search` string, `limit`/`offset` u32 (§7.2; filters: issue 17 finding 5). */
const listQuery = (q: QueryParams) => {
  return {
    search: q.string('search') ?? null,
    publicOnly: q.bool('public_only') ?? false,
    joinedOnly: q.bool('joined_only') ?? false,
    limit: q.u32('limit') ?? PAGE.defaultLimit,
    offset: q.u32('offset') ?? 0,
  };
};

/** §7.1 201 `{room}`; caller becomes owner. `room_name_invalid` 400, `room_name_taken` 409. */
const create = route({
  body: createBody,
  handle: async ({ deps, claims, body }) =>
    jsonResponse(201, { room: await deps.services.rooms.create(claims.sub, body) }),
});

/** §7.2 200 `{rooms, has_more, total_count}`; B+S (the session is checked before the handler runs). */
const list = route({
  query: listQuery,
  handle: async ({ deps, claims, query }) => {
    const limit = clampLimit(query.limit);
    const filter = { search: query.search, publicOnly: query.publicOnly };
    const rooms = query.joinedOnly
      ? await deps.services.rooms.listJoined(claims.sub, limit, query.offset, filter)
      : await deps.services.rooms.listPublic(claims.sub, limit, query.offset, filter);
    return jsonResponse(200, { rooms, has_more: rooms.length === query.limit, total_count: rooms.length });
  },
});

/** §7.3 200 `{room, membership | null, member_count}`; any user may read any room. */
const get = route({
  path: ROOM,
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, await deps.services.rooms.get(claims.sub, params.room_id)),
});

/** §7.4 200 `{room}`; moderator or owner; `settings` replaces privacy and capacity. */
const update = route({
  path: ROOM,
  body: patchBody,
  handle: async ({ deps, claims, params, body }) =>
    jsonResponse(200, { room: await deps.services.rooms.update(claims.sub, params.room_id, body) }),
});

/** §7.5 200 `{"success":true}`; owner only. */
const remove = route({
  path: ROOM,
  handle: async ({ deps, claims, params }) => {
    await deps.services.rooms.delete(claims.sub, params.room_id);
    return jsonResponse(200, SUCCESS);
  },
});

/** §7.6 200 `{room, membership}`; private rooms need a pending invitation. */
const join = route({
  path: ROOM,
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, await deps.services.rooms.join(claims.sub, params.room_id)),
});

/** §7.7 200 `{"success":true}`; `last_owner` 409 for the only owner. */
const leave = route({
  path: ROOM,
  handle: async ({ deps, claims, params }) => {
    await deps.services.rooms.leave(claims.sub, params.room_id);
    return jsonResponse(200, SUCCESS);
  },
});

/** §8.1 200 `{members, total}` by join time; no paging. */
const members = route({
  path: ROOM,
  handle: async ({ deps, claims, params }) => {
    const list = await deps.services.rooms.members(claims.sub, params.room_id);
    return jsonResponse(200, { members: list, total: list.length });
  },
});

/** §8.2 200 `{member}`; owner only; any role string (unknown ⇒ member). */
const changeRole = route({
  path: MEMBER,
  body: roleBody,
  handle: async ({ deps, claims, params, body }) =>
    jsonResponse(200, {
      member: await deps.services.rooms.changeRole(claims.sub, params.room_id, params.user_id, body.role),
    }),
});

/** §8.3 200 `{"success":true}`; self-kick is `permission_denied`. */
const kick = route({
  path: MEMBER,
  handle: async ({ deps, claims, params }) => {
    await deps.services.rooms.kick(claims.sub, params.room_id, params.user_id);
    return jsonResponse(200, SUCCESS);
  },
});

/** extensions.md §1.6: 200 `{messages}` pinned in the room, newest first (members only). */
const pins = route({
  path: { room_id: 'room_not_found' },
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, {
      messages: await deps.services.messages.pins(claims.sub, { type: 'room', room_id: params.room_id }),
    }),
});

/** Entry of the `rooms` group (routes: lambdas/http/routes.ts). */
export const handler = createGroupHandler('rooms', {
  'POST /api/v1/rooms': create,
  'GET /api/v1/rooms': list,
  'GET /api/v1/rooms/{room_id}': get,
  'PATCH /api/v1/rooms/{room_id}': update,
  'DELETE /api/v1/rooms/{room_id}': remove,
  'POST /api/v1/rooms/{room_id}/join': join,
  'POST /api/v1/rooms/{room_id}/leave': leave,
  'GET /api/v1/rooms/{room_id}/members': members,
  'PUT /api/v1/rooms/{room_id}/members/{user_id}/role': changeRole,
  'DELETE /api/v1/rooms/{room_id}/members/{user_id}': kick,
  'GET /api/v1/rooms/{room_id}/pins': pins,
});
