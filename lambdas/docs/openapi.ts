// Builds the OpenAPI 3.1 document from THE route table (lambdas/http/routes.ts) and the zod schemas each route validates with (docs/protocol/extensions.md §10).
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import pkg from '../../package.json' with { type: 'json' };
import { ERROR_ROWS } from '../../shared/features/catalog.js';
import { routeDocOf } from '../http/route-docs.js';
import { discoverQueryParams, type QueryParamDoc } from './query-params.js';
import { ROUTES, routeKey, type RouteDef } from '../http/routes.js';
import './all-handlers.js';

/** The error envelope of docs/protocol/http.md §2.1 (`details` on 429; `retry_after_ms` on lockouts). */
export const errorEnvelope = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_ROWS) as [string, ...string[]]),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
    retry_after_ms: z.number().int().optional(),
  }),
});

/** Any JSON body: what a route without a declared response schema documents. */
const anyJson = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]);

const PARAM = /\{([^}]+)\}/g;

function pathParams(route: RouteDef): z.ZodObject | undefined {
  const names = [...route.path.matchAll(PARAM)].map((m) => m[1] as string);
  if (names.length === 0) return undefined;
  const ids = routeDocOf(routeKey(route))?.path ?? {};
  return z.object(Object.fromEntries(names.map((n) => [n, n in ids ? z.uuid() : z.string()])));
}

const U32_MAX = 4294967295;

/** The query parameters the route's reader reads (lambdas/docs/query-params.ts), as a zod object. */
function queryParams(route: RouteDef): z.ZodObject | undefined {
  const reader = routeDocOf(routeKey(route))?.query;
  if (reader === undefined) return undefined;
  const found = discoverQueryParams(reader);
  if (found.length === 0) return undefined;
  const schemaOf = (p: QueryParamDoc): z.ZodType => {
    const base =
      p.type === 'u32' ? z.int().min(0).max(U32_MAX) : p.type === 'boolean' ? z.boolean() : z.string();
    return p.required ? base : base.optional();
  };
  return z.object(Object.fromEntries(found.map((p) => [p.name, schemaOf(p)])));
}

function operation(route: RouteDef): RouteConfig {
  const doc = routeDocOf(routeKey(route));
  const params = pathParams(route);
  const query = queryParams(route);
  const json = (schema: z.ZodType, description: string) => ({
    description,
    content: { 'application/json': { schema } },
  });
  const responses: RouteConfig['responses'] = {};
  for (const [status, schema] of Object.entries(doc?.responses ?? { 200: anyJson })) {
    responses[status] = json(schema, 'Success');
  }
  responses['4XX'] = json(errorEnvelope, 'Error envelope (docs/protocol/http.md §2.1)');
  responses['5XX'] = json(errorEnvelope, 'internal_error / database_error');
  return {
    method: route.method.toLowerCase() as RouteConfig['method'],
    path: route.path,
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ?? '').toUpperCase())}`,
    tags: [route.group],
    summary: `${routeKey(route)} (auth: ${route.auth})`,
    ...(route.auth === 'none' ? {} : { security: [{ bearer: [] }] }),
    request: {
      ...(params ? { params } : {}),
      ...(query ? { query } : {}),
      ...(doc?.body
        ? { body: { required: true, content: { 'application/json': { schema: doc.body } } } }
        : {}),
    },
    responses,
  };
}

let cached: Record<string, unknown> | undefined;

/**
 * The OpenAPI 3.1 document of every route in the route table (built once per process). Request
 * bodies are the routes' own zod schemas; path parameters come from the path templates; routes
 * without a declared response schema document "any JSON" on 200; every route documents the error
 * envelope for 4XX/5XX. Query parameters are discovered from each route's query reader
 * (lambdas/docs/query-params.ts): name, type (string / integer 0..2^32-1 / boolean), required.
 */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  for (const route of ROUTES) registry.registerPath(operation(route));
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Lair Chat API',
      version: pkg.version,
      description: 'REST API of Lair Chat (docs/protocol/http.md, docs/protocol/extensions.md).',
    },
    servers: [{ url: '/' }],
  }) as unknown as Record<string, unknown>;
  return cached;
}
