// Per-group Lambda handler factory: middy chain + dispatch on event.routeKey to small route functions (path -> body/query -> session -> handler).
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import type { ErrorCode } from '../../shared/kernel/errors.js';
import { isDomainError } from '../../shared/kernel/errors.js';
import type { TokenClaims } from '../../shared/kernel/ports.js';
import type { HttpDeps } from '../deps.js';
import { bearerAuth, httpEdge, rateLimit, stateOf } from './middleware.js';
import { parseJsonBody, parsePathIds, QueryParams } from './request.js';
import { userRateLimit } from './user-rate-limit.js';
import type { HttpResult } from './response.js';
import { registerRouteDocs, type RouteDoc } from './route-docs.js';
import { routeKey, routesOf, type RouteGroup } from './routes.js';

/** What a route function receives once path, body and query parsed and the session (if any) checked. */
export interface RouteInput<P extends string, B, Q> {
  event: APIGatewayProxyEventV2;
  deps: HttpDeps;
  /** Canonical ids of the path parameters named in the spec. */
  params: Record<P, string>;
  body: B;
  query: Q;
  /** Verified token claims. @throws Error on routes with auth `none` (programming error) */
  readonly claims: TokenClaims;
  /** Loads the session (for `bearer` routes that need it conditionally). @throws `session_not_found` | `session_expired` */
  requireSession: () => Promise<void>;
  /** True when the token's session is live (`bearer` routes that degrade without it). */
  hasSession: () => Promise<boolean>;
}

/** One route's parsing recipe and its function (~ a screen: parse -> one service call -> DTO). */
export interface RouteSpec<P extends string, B, Q> {
  /** Path parameter -> *not found* code for malformed ids (docs/protocol/http.md §1 "Path ids"). */
  path?: Readonly<Record<P, ErrorCode>>;
  /** Body schema; presence makes this a JSON-body route (415/400/422/413 per docs/protocol/http.md §2.2). */
  body?: z.ZodType<B>;
  /** Query reader (400 on malformed values); absent = query ignored. */
  query?: (q: QueryParams) => Q;
  /** Documented success bodies by status, for the OpenAPI document (lambdas/docs/openapi.ts); optional. */
  responses?: Readonly<Record<number, z.ZodType>>;
  handle(input: RouteInput<P, B, Q>): Promise<HttpResult>;
}

/** A route with its types erased, ready for dispatch; `doc` is what the OpenAPI generator reads. */
export interface Route {
  run(event: APIGatewayProxyEventV2): Promise<HttpResult>;
  doc: RouteDoc;
}

/** Declares a route; infers parameter names, body and query types from the spec. */
export function route<P extends string = never, B = undefined, Q = undefined>(
  spec: RouteSpec<P, B, Q>,
): Route {
  return {
    doc: {
      ...(spec.path ? { path: spec.path } : {}),
      ...(spec.body ? { body: spec.body } : {}),
      ...(spec.responses ? { responses: spec.responses } : {}),
      ...(spec.query ? { query: spec.query } : {}),
    },
    async run(event) {
      const state = stateOf(event);
      const { deps } = state;
      // Check order (docs/protocol/http.md §1): rate limits and bearer already ran; now path -> body/query -> session.
      const params = spec.path === undefined ? ({} as Record<P, string>) : parsePathIds(event, spec.path);
      const body = (spec.body === undefined ? undefined : parseJsonBody(event, spec.body)) as B;
      const query = (
        spec.query === undefined ? undefined : spec.query(new QueryParams(event.rawQueryString))
      ) as Q;
      const claims = (): TokenClaims => {
        if (state.claims === undefined) throw new Error(`route ${state.route.path} has no bearer claims`);
        return state.claims;
      };
      // One session read per request at most (cached for this request only, never across requests).
      let session: Promise<void> | undefined;
      const requireSession = (): Promise<void> => {
        session ??= deps.services.auth.requireSession(claims()).then(() => undefined);
        return session;
      };
      if (state.route.auth === 'session' || state.route.auth === 'admin') await requireSession();
      return spec.handle({
        event,
        deps,
        params,
        body,
        query,
        get claims() {
          return claims();
        },
        requireSession,
        async hasSession() {
          try {
            await requireSession();
            return true;
          } catch (e) {
            if (isDomainError(e, 'session_not_found') || isDomainError(e, 'session_expired')) return false;
            throw e;
          }
        },
      });
    },
  };
}

/** The Lambda handler signature of every group (also called directly by the local server). */
export type GroupHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Builds a group's Lambda handler: middy with {@link httpEdge} -> {@link rateLimit} ->
 * {@link bearerAuth} -> {@link userRateLimit} (sends only), then dispatch on `event.routeKey`.
 * @param routes - one {@link Route} per route key of `group` in the route table, no more, no less
 * @throws Error at module load when `routes` does not match the table (fail at cold start, not per request)
 */
export function createGroupHandler(group: RouteGroup, routes: Readonly<Record<string, Route>>): GroupHandler {
  const expected = routesOf(group).map(routeKey).sort();
  const actual = Object.keys(routes).sort();
  if (expected.join('\n') !== actual.join('\n')) {
    throw new Error(
      `group ${group}: routes ${actual.join(', ')} do not match the table's ${expected.join(', ')}`,
    );
  }
  registerRouteDocs(routes);
  const dispatch = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const target = routes[event.routeKey];
    if (target === undefined) throw new Error(`no route function for ${event.routeKey}`);
    return target.run(event);
  };
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpEdge(group))
    .use(rateLimit())
    .use(bearerAuth())
    .use(userRateLimit())
    .handler(dispatch);
}

/** `{"success":true}` with status 200: the common "no payload" body (docs/protocol/http.md §4). */
export const SUCCESS = { success: true } as const;
