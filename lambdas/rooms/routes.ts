// Route table of the `rooms` Lambda group: rooms and memberships (docs/protocol/http.md §7–§8); its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';

/** The `rooms` group's routes, in docs/protocol/http.md §4 order; upstream's bearer-only reads check the session too (docs/upstream-differences.md). */
export const routes = defineRoutes([
  ['POST', '/api/v1/rooms', 'session'],
  ['GET', '/api/v1/rooms', 'session'],
  ['GET', '/api/v1/rooms/{room_id}', 'session'],
  ['PATCH', '/api/v1/rooms/{room_id}', 'session'],
  ['DELETE', '/api/v1/rooms/{room_id}', 'session'],
  ['POST', '/api/v1/rooms/{room_id}/join', 'session'],
  ['POST', '/api/v1/rooms/{room_id}/leave', 'session'],
  ['GET', '/api/v1/rooms/{room_id}/members', 'session'],
  ['PUT', '/api/v1/rooms/{room_id}/members/{user_id}/role', 'session'],
  ['DELETE', '/api/v1/rooms/{room_id}/members/{user_id}', 'session'],
  // docs/protocol/extensions.md §1.6
  ['GET', '/api/v1/rooms/{room_id}/pins', 'session'],
]);
