// Read-state rows of the `messages` Lambda group (docs/protocol/extensions.md §2, §3): read markers, unread, receipts of a message, preferences, sync; served by ./read-state-handler.ts.
import type { RouteRow } from '../http/route-def.js';

/** Rows `[method, path, auth, extra buckets]`, appended to the `messages` group in ./routes.ts. */
export const readStateRows: readonly RouteRow[] = [
  ['POST', '/api/v1/messages/read', 'session', ['messaging']],
  ['GET', '/api/v1/unread', 'session'],
  ['GET', '/api/v1/messages/{message_id}/receipts', 'session', ['messaging']],
  // extensions.md §7.1 (receipts reads privacy.send_read_receipts)
  ['GET', '/api/v1/users/me/preferences', 'session'],
  ['PATCH', '/api/v1/users/me/preferences', 'session'],
  ['GET', '/api/v1/sync', 'session'],
];
