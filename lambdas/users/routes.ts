// Route table of the `users` Lambda group: profile and user lists (docs/protocol/http.md §6); its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';

/** The `users` group's routes, in docs/protocol/http.md §4 order; upstream's bearer-only reads check the session too (docs/upstream-differences.md). */
export const routes = defineRoutes([
  ['GET', '/api/v1/users/me', 'session'],
  ['PATCH', '/api/v1/users/me', 'session'],
  ['GET', '/api/v1/users', 'session'],
  ['GET', '/api/v1/users/{user_id}', 'session'],
  // docs/protocol/extensions.md §1.6
  ['GET', '/api/v1/users/me/mentions', 'session'],
  // docs/protocol/extensions.md §7.3 (lair.social; lambdas/users/social.ts); §7.1 preferences are lambdas/messages/read-state-routes.ts
  ['PUT', '/api/v1/blocks/{user_id}', 'session'],
  ['DELETE', '/api/v1/blocks/{user_id}', 'session'],
  ['GET', '/api/v1/blocks', 'session'],
  ['POST', '/api/v1/friends/requests', 'session'],
  ['GET', '/api/v1/friends/requests', 'session'],
  ['POST', '/api/v1/friends/requests/{request_id}/accept', 'session'],
  ['POST', '/api/v1/friends/requests/{request_id}/decline', 'session'],
  ['DELETE', '/api/v1/friends/requests/{request_id}', 'session'],
  ['GET', '/api/v1/friends', 'session'],
  ['DELETE', '/api/v1/friends/{user_id}', 'session'],
  // docs/protocol/extensions.md §7.2 (lair.social group conversations; lambdas/users/conversations.ts)
  ['POST', '/api/v1/conversations', 'session'],
  ['GET', '/api/v1/conversations', 'session'],
  ['GET', '/api/v1/conversations/{conversation_id}', 'session'],
  ['PATCH', '/api/v1/conversations/{conversation_id}', 'session'],
  ['POST', '/api/v1/conversations/{conversation_id}/participants', 'session'],
  ['DELETE', '/api/v1/conversations/{conversation_id}/participants/me', 'session'],
]);
