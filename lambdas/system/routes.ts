// Route table of the `system` Lambda group: health, readiness and metrics (docs/protocol/http.md §11); its handler (./handler.ts) serves exactly these.
import { docsRoutes } from '../docs/docs-routes.js';
import { defineRoutes } from '../http/route-def.js';

/** The `system` group's routes, in docs/protocol/http.md §4 order. */
export const routes = defineRoutes([
  ['GET', '/health', 'none'],
  ['GET', '/ready', 'none'],
  ['GET', '/metrics', 'none'],
  ...docsRoutes,
]);
