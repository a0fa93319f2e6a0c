// Route table of the `messages` Lambda group: send, history, edit, delete (docs/protocol/http.md §9); its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';
import { readStateRows } from './read-state-routes.js';

/** The `messages` group's routes, in docs/protocol/http.md §4 order. */
export const routes = defineRoutes([
  ['POST', '/api/v1/messages', 'session', ['messaging']],
  ['GET', '/api/v1/messages', 'session', ['messaging']],
  ['PATCH', '/api/v1/messages/{message_id}', 'session', ['messaging']],
  ['DELETE', '/api/v1/messages/{message_id}', 'session', ['messaging']],
  // docs/protocol/extensions.md §1.2–§1.5
  ['GET', '/api/v1/messages/{message_id}/versions', 'session', ['messaging']],
  ['POST', '/api/v1/messages/{message_id}/reactions', 'session', ['messaging']],
  ['DELETE', '/api/v1/messages/{message_id}/reactions/{emoji}', 'session', ['messaging']],
  ['GET', '/api/v1/messages/{message_id}/thread', 'session', ['messaging']],
  ['POST', '/api/v1/messages/{message_id}/pin', 'session', ['messaging']],
  ['DELETE', '/api/v1/messages/{message_id}/pin', 'session', ['messaging']],
  // docs/protocol/extensions.md §2, §3 (read state and sync: one Lambda with the messages)
  ...readStateRows,
]);
