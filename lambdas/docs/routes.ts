// Route table of the `docs` Lambda group: the OpenAPI 3.1 document and Swagger UI (docs/protocol/extensions.md §10); its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';

/** The `docs` group's routes. */
export const routes = defineRoutes([
  ['GET', '/api/v1/openapi.json', 'none'],
  ['GET', '/docs', 'none'],
  ['GET', '/docs/{asset}', 'none'],
]);
