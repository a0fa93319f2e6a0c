// Route table of the `receipts` Lambda group (docs/protocol/extensions.md §2): read markers, unread, receipts of a message, preferences; its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';

/** The `receipts` group's routes. */
export const routes = defineRoutes([
  ['POST', '/api/v1/messages/read', 'session', ['messaging']],
  ['GET', '/api/v1/unread', 'session'],
  ['GET', '/api/v1/messages/{message_id}/receipts', 'session'],
  // extensions.md §7.1 (receipts reads privacy.send_read_receipts)
  ['GET', '/api/v1/users/me/preferences', 'session'],
  ['PATCH', '/api/v1/users/me/preferences', 'session'],
]);
