// Route table of the `users` Lambda group: profile and user lists (docs/protocol/http.md §6); its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';

/** The `users` group's routes, in docs/protocol/http.md §4 order. */
export const routes = defineRoutes([
  ['GET', '/api/v1/users/me', 'session'],
  ['PATCH', '/api/v1/users/me', 'session'],
  ['GET', '/api/v1/users', 'bearer'],
  ['GET', '/api/v1/users/{user_id}', 'bearer'],
  // docs/protocol/extensions.md §1.6
  ['GET', '/api/v1/users/me/mentions', 'session'],
]);
