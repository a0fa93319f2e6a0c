// Lambda for the moderation routes (docs/protocol/extensions.md §9): every route asks the permission table through its service.
import { z } from 'zod';
import type { AuditQuery } from '../../shared/features/audit/index.js';
import { auditContext } from '../http/audit-context.js';
import type { AdminListQuery } from '../../shared/features/admin/index.js';
import { createGroupHandler, route, SUCCESS } from '../http/router.js';
import type { QueryParams } from '../http/request.js';
import { jsonResponse, textResponse } from '../http/response.js';

const USER = { user_id: 'user_not_found' } as const;
const ROOM = { room_id: 'room_not_found' } as const;
const MEMBER = { room_id: 'room_not_found', user_id: 'user_not_found' } as const;

const roleBody = z.object({ role: z.string() });
const banBody = z.object({
  reason: z.string().nullish(),
  duration_minutes: z.number().nullish(),
});
const noticeBody = z.object({
  message: z.string(),
  severity: z.string().nullish(),
  room_id: z.string().nullish(),
  expires_at: z.string().nullish(),
});

/** `limit` must be 1–100 (docs/protocol/extensions.md §0.5); checked by the service. */
const listQuery = (q: QueryParams): AdminListQuery => {
  const out: AdminListQuery = {};
  const s = q.string('q');
  const role = q.string('role');
  const banned = q.bool('banned');
  const cursor = q.string('cursor');
  const limit = q.u32('limit');
  if (s) out.q = s;
  if (role) out.role = role;
  if (banned !== undefined) out.banned = banned;
  if (cursor) out.cursor = cursor;
  if (limit !== undefined) out.limit = limit;
  return out;
};

const auditQuery = (q: QueryParams): AuditQuery => {
  const out: AuditQuery = {};
  for (const k of ['actor', 'action', 'target_id', 'before', 'after', 'cursor'] as const) {
    const v = q.string(k);
    if (v !== undefined && v !== '') out[k] = v;
  }
  const limit = q.u32('limit');
  if (limit !== undefined) out.limit = limit;
  return out;
};

/** 200 `{user}`; admin; `last_admin` 409. */
const setRole = route({
  path: USER,
  body: roleBody,
  handle: async ({ deps, claims, params, body, event }) =>
    jsonResponse(200, {
      user: await deps.services.moderation.setRole(
        claims.sub,
        params.user_id,
        body.role,
        auditContext(event, deps),
      ),
    }),
});

/** 200 `{ban}`; moderator+, not on admins. */
const ban = route({
  path: USER,
  body: banBody,
  handle: async ({ deps, claims, params, body, event }) =>
    jsonResponse(200, {
      ban: await deps.services.moderation.ban(
        claims.sub,
        params.user_id,
        { reason: body.reason ?? '', duration_minutes: body.duration_minutes ?? null },
        auditContext(event, deps),
      ),
    }),
});

/** 200 `{"success":true}`; `user_not_found` when not banned. */
const unban = route({
  path: USER,
  handle: async ({ deps, claims, params, event }) => {
    await deps.services.moderation.unban(claims.sub, params.user_id, auditContext(event, deps));
    return jsonResponse(200, SUCCESS);
  },
});

/** 200 `{bans}`: live bans, newest first (at most 100). */
const bans = route({
  handle: async ({ deps, claims }) =>
    jsonResponse(200, { bans: await deps.services.moderation.listBans(claims.sub, 100) }),
});

/** 200 `{users:[{…user, ban}], next_cursor}`; `q`, `role`, `banned`. */
const users = route({
  query: listQuery,
  handle: async ({ deps, claims, query }) =>
    jsonResponse(200, await deps.services.adminManagement.listUsers(claims.sub, query)),
});

/** 200 `{"success":true}`; admin. */
const deleteUser = route({
  path: USER,
  handle: async ({ deps, claims, params, event }) => {
    await deps.services.adminManagement.deleteUser(claims.sub, params.user_id, auditContext(event, deps));
    return jsonResponse(200, SUCCESS);
  },
});

/** 200 `{rooms, next_cursor}`: public and private rooms; `q`. */
const rooms = route({
  query: listQuery,
  handle: async ({ deps, claims, query }) =>
    jsonResponse(200, await deps.services.adminManagement.listRooms(claims.sub, query)),
});

/** 200 `{room, members}`. */
const room = route({
  path: ROOM,
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, await deps.services.adminManagement.getRoom(claims.sub, params.room_id)),
});

/** 200 `{"success":true}`; admin; `room_deleted` to the members. */
const deleteRoom = route({
  path: ROOM,
  handle: async ({ deps, claims, params, event }) => {
    await deps.services.adminManagement.deleteRoom(claims.sub, params.room_id, auditContext(event, deps));
    return jsonResponse(200, SUCCESS);
  },
});

/** 200 `{entries, next_cursor}` newest first; bad date ⇒ `validation_failed` 400. */
const audit = route({
  query: auditQuery,
  handle: async ({ deps, claims, query }) =>
    jsonResponse(200, await deps.services.audit.list(claims.sub, query)),
});

/** 200 `application/x-ndjson`: one entry per line, newest first. */
const auditExport = route({
  query: auditQuery,
  handle: async ({ deps, claims, query }) => {
    const { cursor: _ignored, limit: _all, ...filters } = query;
    return textResponse(
      200,
      await deps.services.audit.exportJsonl(claims.sub, filters),
      'application/x-ndjson',
    );
  },
});

/** 201 `{notice}`; admin; pushed as `server_notice`. */
const createNotice = route({
  body: noticeBody,
  handle: async ({ deps, claims, body, event }) =>
    jsonResponse(201, {
      notice: await deps.services.notices.create(
        claims.sub,
        {
          message: body.message,
          ...(body.severity != null ? { severity: body.severity } : {}),
          room_id: body.room_id ?? null,
          expires_at: body.expires_at ?? null,
        },
        auditContext(event, deps),
      ),
    }),
});

/** 200 `{"success":true}`; ids are ULIDs, not UUIDs, so the path is read as is. */
const deleteNotice = route({
  handle: async ({ deps, claims, event }) => {
    const id = event.pathParameters?.notice_id ?? '';
    await deps.services.notices.delete(claims.sub, id, auditContext(event, deps));
    return jsonResponse(200, SUCCESS);
  },
});

/** 200 `{notices}`: the caller's active notices (everyone's plus its rooms'). */
const notices = route({
  handle: async ({ deps, claims }) =>
    jsonResponse(200, { notices: await deps.services.notices.listActive(claims.sub) }),
});

/** 200 `{relays, totals, at}`. */
const live = route({
  handle: async ({ deps, claims }) => jsonResponse(200, await deps.services.stats.live(claims.sub)),
});

/** 200 `{days}`; `from`/`to` `YYYY-MM-DD`. */
const usage = route({
  query: (q: QueryParams) => ({ from: q.string('from'), to: q.string('to') }),
  handle: async ({ deps, claims, query }) =>
    jsonResponse(200, { days: await deps.services.stats.usage(claims.sub, query.from, query.to) }),
});

const sanctionBody = z
  .object({ reason: z.string().nullish(), duration_minutes: z.number().nullish() })
  .nullish();

/** A room sanction route: 200 `{mute}` or `{ban}`; room moderator+ (never on the owner), audited. */
const sanction = (act: 'mute' | 'ban') =>
  route({
    path: MEMBER,
    body: sanctionBody,
    handle: async ({ deps, claims, params, body, event }) =>
      jsonResponse(200, {
        [act]: await deps.services.roomModeration[act](
          claims.sub,
          params.room_id,
          params.user_id,
          body ?? {},
          auditContext(event, deps),
        ),
      }),
  });

/** Lifting a sanction: 200 `{"success":true}`; `not_found` when there is none; audited. */
const lift = (act: 'unmute' | 'unban') =>
  route({
    path: MEMBER,
    handle: async ({ deps, claims, params, event }) => {
      await deps.services.roomModeration[act](
        claims.sub,
        params.room_id,
        params.user_id,
        auditContext(event, deps),
      );
      return jsonResponse(200, SUCCESS);
    },
  });

/** Mute: emits `member_muted`. Room ban: a member is removed (`user_left_room` reason `banned`). */
const mute = sanction('mute');
const unmute = lift('unmute'); // emits `member_unmuted`
const roomBan = sanction('ban');
const roomUnban = lift('unban');

/** 200 `{bans}`: the room's live bans. */
const roomBans = route({
  path: ROOM,
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, { bans: await deps.services.roomModeration.listBans(claims.sub, params.room_id) }),
});

/** Entry of the `moderation` group (routes: ./routes.ts). */
export const handler = createGroupHandler('moderation', {
  'PUT /api/v1/admin/users/{user_id}/role': setRole,
  'POST /api/v1/admin/users/{user_id}/ban': ban,
  'DELETE /api/v1/admin/users/{user_id}/ban': unban,
  'GET /api/v1/admin/bans': bans,
  'GET /api/v1/admin/users': users,
  'DELETE /api/v1/admin/users/{user_id}': deleteUser,
  'GET /api/v1/admin/rooms': rooms,
  'GET /api/v1/admin/rooms/{room_id}': room,
  'DELETE /api/v1/admin/rooms/{room_id}': deleteRoom,
  'GET /api/v1/admin/audit': audit,
  'GET /api/v1/admin/audit/export': auditExport,
  'POST /api/v1/admin/notices': createNotice,
  'DELETE /api/v1/admin/notices/{notice_id}': deleteNotice,
  'GET /api/v1/notices': notices,
  'GET /api/v1/admin/stats/live': live,
  'GET /api/v1/admin/stats/usage': usage,
  'POST /api/v1/rooms/{room_id}/members/{user_id}/mute': mute,
  'DELETE /api/v1/rooms/{room_id}/members/{user_id}/mute': unmute,
  'POST /api/v1/rooms/{room_id}/bans/{user_id}': roomBan,
  'DELETE /api/v1/rooms/{room_id}/bans/{user_id}': roomUnban,
  'GET /api/v1/rooms/{room_id}/bans': roomBans,
});
