// What each route function declares about itself (path ids, body schema, query reader, response schemas), collected by route key when its group handler is built; read by the OpenAPI generator.
import type { z } from 'zod';
import type { ErrorCode } from '../../shared/kernel/errors.js';
import type { QueryParams } from './request.js';

/** The documentation view of one route (its zod schemas, never its handler). */
export interface RouteDoc {
  /** Path parameter -> not-found code (docs/protocol/http.md §1 "Path ids"). */
  path?: Readonly<Record<string, ErrorCode>>;
  /** The JSON body schema that validates requests. */
  body?: z.ZodType;
  /** Success bodies by status. */
  responses?: Readonly<Record<number, z.ZodType>>;
  /** The route's query reader; its parameters are discovered from it (lambdas/docs/query-params.ts). */
  query?: (q: QueryParams) => unknown;
}

const DOCS = new Map<string, RouteDoc>();

/** Records the docs of a group's routes (called by `createGroupHandler`). @param routes - route key -> route */
export function registerRouteDocs(routes: Readonly<Record<string, { doc: RouteDoc }>>): void {
  for (const [key, route] of Object.entries(routes)) DOCS.set(key, route.doc);
}

/** The docs of a route key (`'POST /api/v1/auth/login'`), if its group handler was loaded. */
export function routeDocOf(key: string): RouteDoc | undefined {
  return DOCS.get(key);
}
