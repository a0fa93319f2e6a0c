// Route table of the `moderation` Lambda group (docs/protocol/extensions.md §9): roles, bans, admin users/rooms, audit, notices, live and usage stats, room mutes and bans.
import { defineRoutes } from '../http/route-def.js';

/** The `moderation` group's routes; each admin route's permission is in shared/kernel/permissions.ts. */
export const routes = defineRoutes([
  ['PUT', '/api/v1/admin/users/{user_id}/role', 'admin'],
  ['POST', '/api/v1/admin/users/{user_id}/ban', 'admin'],
  ['DELETE', '/api/v1/admin/users/{user_id}/ban', 'admin'],
  ['GET', '/api/v1/admin/bans', 'admin'],
  ['GET', '/api/v1/admin/users', 'admin'],
  ['DELETE', '/api/v1/admin/users/{user_id}', 'admin'],
  ['GET', '/api/v1/admin/rooms', 'admin'],
  ['GET', '/api/v1/admin/rooms/{room_id}', 'admin'],
  ['DELETE', '/api/v1/admin/rooms/{room_id}', 'admin'],
  ['GET', '/api/v1/admin/audit', 'admin'],
  ['GET', '/api/v1/admin/audit/export', 'admin'],
  ['POST', '/api/v1/admin/notices', 'admin'],
  ['DELETE', '/api/v1/admin/notices/{notice_id}', 'admin'],
  ['GET', '/api/v1/notices', 'session'],
  ['GET', '/api/v1/admin/stats/live', 'admin'],
  ['GET', '/api/v1/admin/stats/usage', 'admin'],
  // Room moderation (room moderator+; system row `room.moderate` in shared/kernel/permissions.ts)
  ['POST', '/api/v1/rooms/{room_id}/members/{user_id}/mute', 'session'],
  ['DELETE', '/api/v1/rooms/{room_id}/members/{user_id}/mute', 'session'],
  ['POST', '/api/v1/rooms/{room_id}/bans/{user_id}', 'session'],
  ['DELETE', '/api/v1/rooms/{room_id}/bans/{user_id}', 'session'],
  ['GET', '/api/v1/rooms/{room_id}/bans', 'session'],
]);
