// API-description rows of the `system` group's route table: the OpenAPI 3.1 document and Swagger UI (docs/protocol/extensions.md §10); served by ./handler.ts.
import type { RouteRow } from '../http/route-def.js';

/** The API-description rows, appended to the `system` group. */
export const docsRoutes: readonly RouteRow[] = [
  ['GET', '/api/v1/openapi.json', 'none'],
  ['GET', '/docs', 'none'],
  ['GET', '/docs/{asset}', 'none'],
];
