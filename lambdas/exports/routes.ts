// Route table of the `exports` Lambda group: start an export job and read its status (docs/protocol/extensions.md §5); its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';

/** The `exports` group's routes. */
export const routes = defineRoutes([
  ['POST', '/api/v1/exports', 'session'],
  ['GET', '/api/v1/exports/{export_id}', 'session'],
]);
