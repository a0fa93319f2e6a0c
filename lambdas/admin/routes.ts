// Route table of the `admin` Lambda group: server statistics (docs/protocol/http.md §12) and message hard delete (extensions.md §1.3); its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';

/** The `admin` group's routes, in docs/protocol/http.md §4 order. */
export const routes = defineRoutes([
  ['GET', '/api/v1/admin/stats', 'admin'],
  // docs/protocol/extensions.md §1.3: hard delete
  ['DELETE', '/api/v1/admin/messages/{message_id}', 'admin'],
]);
