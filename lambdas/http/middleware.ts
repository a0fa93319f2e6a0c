// middy middleware of every HTTP Lambda: edge (CORS, errors, metrics, logging), rate limits, bearer token (docs/protocol/http.md §1-3).
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, isDomainError } from '../../shared/kernel/errors.js';
import { createLogger, type Logger } from '../../shared/platform/logger.js';
import { enterRequestId, REQUEST_ID_HEADER, requestIdFrom } from '../../shared/platform/request-id.js';
import type { RateLimitDecision, TokenClaims } from '../../shared/kernel/ports.js';
import { getDeps, type HttpDeps } from '../deps.js';
import { RateLimitedError, toErrorResponse } from './errors.js';
import { recordRequest } from './metrics.js';
import { clientKey } from './request.js';
import { CORS_HEADERS, normaliseResult, preflightResponse, type HttpResult } from './response.js';
import { findRoute, type RouteDef, type RouteGroup } from './routes.js';

/** Per-request state shared by the middleware and the dispatcher, keyed by the event object. */
export interface RequestState {
  /** The matched route (from `event.routeKey`). */
  route: RouteDef;
  /** `process.hrtime.bigint()` at the start, ns. */
  startedNs: bigint;
  /** Verified claims, set by {@link bearerAuth} on routes with auth != none. */
  claims?: TokenClaims;
  /** The general bucket's decision when it allowed the request (drives X-RateLimit-* headers). */
  general?: RateLimitDecision;
  /** The process's deps, looked up once per request by {@link httpEdge}; `logger` is a child carrying `requestId`. */
  deps: HttpDeps;
  /** `x-request-id` of this request: the client's (if safe) or a new UUID (issue 17 finding 8). */
  requestId: string;
}

type HttpRequest = Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;
type HttpMiddleware = MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

const states = new WeakMap<APIGatewayProxyEventV2, RequestState>();

/** The state of a request that passed {@link httpEdge}. @throws Error when called outside the chain */
export function stateOf(event: APIGatewayProxyEventV2): RequestState {
  const state = states.get(event);
  if (state === undefined) throw new Error('request state missing: httpEdge middleware not applied');
  return state;
}

/** Rate-limit window length, seconds (docs/protocol/http.md §3). */
export const RATE_WINDOW_SECONDS = 60;

/** Budget of one rate-limiter call, ms: past it the request is allowed (fail open, issue 17 finding 3). */
export const RATE_LIMIT_BUDGET_MS = 500;

/** Routes the rate limiter never sees: `/health` must answer without any DynamoDB call (liveness). */
export const UNLIMITED_ROUTES: ReadonlySet<string> = new Set(['/health']);

/** Resolves with `work`, or rejects with a TimeoutError after `ms` (the timer never keeps the process alive). */
function withinBudget<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`rate limiter exceeded its ${ms} ms budget`);
      err.name = 'TimeoutError';
      reject(err);
    }, ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

let fallbackLogger: Logger | undefined;
async function loggerOf(): Promise<Logger> {
  try {
    return (await getDeps()).logger;
  } catch {
    fallbackLogger ??= createLogger('info', 'http');
    return fallbackLogger;
  }
}

/**
 * Outermost middleware. before: answers `OPTIONS` preflight (204, CORS layer), resolves the route
 * of `event.routeKey` (404 with an empty body when it is not one of `group`'s routes) and starts
 * the timer. after/onError: maps errors to the envelope ({@link toErrorResponse}), adds CORS and
 * `x-request-id` (the client's if safe, else a new UUID; every log line of the request carries it
 * as `requestId`), the general bucket's `X-RateLimit-*` headers, records `http_requests_total` /
 * `http_request_duration_seconds` and logs the request at debug.
 */
export function httpEdge(group: RouteGroup): HttpMiddleware {
  const finish = async (request: HttpRequest, result: HttpResult): Promise<HttpResult> => {
    const state = states.get(request.event);
    const headers: Record<string, string> = {
      ...result.headers,
      ...CORS_HEADERS,
      [REQUEST_ID_HEADER]: state?.requestId ?? requestIdFrom(request.event.headers[REQUEST_ID_HEADER]),
    };
    // A 429 already carries the refusing bucket's headers (errors.ts); never mask them with general's.
    if (state?.general?.allowed && headers['x-ratelimit-limit'] === undefined) {
      headers['x-ratelimit-limit'] = String(state.general.limit);
      headers['x-ratelimit-remaining'] = String(state.general.remaining);
      headers['x-ratelimit-reset'] = String(state.general.resetSeconds);
    }
    const method = request.event.requestContext.http.method;
    const route = state?.route.path ?? 'unknown';
    const seconds = state === undefined ? 0 : Number(process.hrtime.bigint() - state.startedNs) / 1e9;
    recordRequest(method, route, result.statusCode, seconds);
    (state?.deps.logger ?? (await loggerOf())).debug(
      { method, route, status: result.statusCode, ms: Math.round(seconds * 1000) },
      'http request',
    );
    return { ...result, headers };
  };
  return {
    name: 'httpEdge',
    before: async (request) => {
      const { event } = request;
      if (event.requestContext.http.method === 'OPTIONS') return preflightResponse();
      const requestId = requestIdFrom(event.headers[REQUEST_ID_HEADER]);
      const route = findRoute(event.routeKey);
      if (route?.group !== group)
        return { statusCode: 404, headers: { ...CORS_HEADERS, [REQUEST_ID_HEADER]: requestId }, body: '' };
      const startedNs = process.hrtime.bigint();
      const deps = await getDeps();
      enterRequestId(requestId); // services' relay posts carry it (shared/delivery/relay-publisher.ts)
      states.set(event, {
        route,
        startedNs,
        requestId,
        deps: { ...deps, logger: deps.logger.child({ requestId }) },
      });
      return undefined;
    },
    after: async (request) => {
      request.response = await finish(request, normaliseResult(request.response));
    },
    onError: async (request) => {
      const logger = states.get(request.event)?.deps.logger ?? (await loggerOf());
      request.response = await finish(request, toErrorResponse(request.error, logger));
    },
  };
}

/**
 * Fixed-window rate limits of docs/protocol/http.md §3 through the RateLimiter port: one unit from `general`
 * (limit `LAIR_RATE_LIMIT_GENERAL`), then one from each category bucket of the route (`auth`:
 * `LAIR_RATE_LIMIT_AUTH`, `messaging`: `LAIR_RATE_LIMIT_MESSAGING`), 60 s windows, keyed by
 * {@link clientKey}. A limit of 0 disables that bucket. Fails open (logged) when the limiter's
 * storage errs or takes longer than {@link RATE_LIMIT_BUDGET_MS}; {@link UNLIMITED_ROUTES}
 * (`/health`) skip it entirely, so liveness never touches DynamoDB.
 * @throws RateLimitedError (429) naming the refusing bucket's limit and its seconds to reset
 */
export function rateLimit(): HttpMiddleware {
  return {
    name: 'rateLimit',
    before: async ({ event }) => {
      const state = stateOf(event);
      if (UNLIMITED_ROUTES.has(state.route.path)) return;
      const { rateLimiter, settings, logger } = state.deps;
      const key = clientKey(event, settings.LAIR_TRUST_PROXY);
      const limits = {
        general: settings.LAIR_RATE_LIMIT_GENERAL,
        auth: settings.LAIR_RATE_LIMIT_AUTH,
        messaging: settings.LAIR_RATE_LIMIT_MESSAGING,
      };
      for (const bucket of ['general', ...state.route.buckets] as const) {
        const limit = limits[bucket];
        if (limit <= 0) continue;
        let decision: RateLimitDecision;
        try {
          decision = await withinBudget(
            rateLimiter.consume(key, bucket, limit, RATE_WINDOW_SECONDS),
            RATE_LIMIT_BUDGET_MS,
          );
        } catch (err) {
          // Fail open (error or timeout): a storage outage must not turn /ready or the API into hangs or 500s.
          logger.warn({ err, bucket }, 'rate limiter unavailable; request allowed');
          continue;
        }
        if (!decision.allowed) throw new RateLimitedError(Math.max(0, decision.resetSeconds), decision.limit);
        if (bucket === 'general') state.general = decision;
      }
    },
  };
}

const BEARER = 'Bearer ';

/**
 * The bearer extractor of docs/protocol/http.md §2.1 for routes whose auth is not `none`: `Authorization` must be
 * literally `Bearer <jwt>`; the token is verified (signature, `exp`, claims) by
 * `services.auth.verifyToken`. Sessions are loaded later, after path/body parsing (check order).
 * @throws DomainError `missing_token` | `invalid_format` | `invalid_token` | `token_expired` | `invalid_claims` (401)
 */
export function bearerAuth(): HttpMiddleware {
  return {
    name: 'bearerAuth',
    before: async ({ event }) => {
      const state = stateOf(event);
      if (state.route.auth === 'none') return;
      const header = event.headers.authorization;
      if (header === undefined) throw new DomainError('missing_token');
      if (!header.startsWith(BEARER)) throw new DomainError('invalid_format');
      try {
        state.claims = await state.deps.services.auth.verifyToken(header.slice(BEARER.length));
      } catch (e) {
        if (isDomainError(e, 'token_expired'))
          throw new DomainError('token_expired', 'Token has expired, please login again');
        throw e;
      }
    },
  };
}
