// Route table of the `history` Lambda group: message search and export jobs (docs/protocol/extensions.md §4, §5); its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';

/** The `history` group's routes (writing: POST /exports creates a job). */
export const routes = defineRoutes([
  ['GET', '/api/v1/search/messages', 'session'],
  ['POST', '/api/v1/exports', 'session'],
  ['GET', '/api/v1/exports/{export_id}', 'session'],
  // extensions.md §4 last bullet: admin search (permission search.all, audited: writes the audit log)
  ['GET', '/api/v1/admin/search/messages', 'admin'],
]);
