// Local stand-in for API Gateway HTTP API (payload v2): route matching, request -> event, structured result -> response.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { ROUTES, routeKey, type HttpMethod, type RouteDef } from '../lambdas/http/routes.js';

/** Outcome of matching a method + raw path against the route table. */
export type RouteMatch =
  | { kind: 'route'; route: RouteDef; pathParameters: Record<string, string> }
  /** The path exists for other methods: answer 405 with `Allow` (docs/protocol/http.md §2.2). */
  | { kind: 'method_not_allowed'; allow: HttpMethod[] }
  /** No template matches: answer 404 with an empty body. */
  | { kind: 'not_found' };

interface Template {
  path: string;
  /** Literal segment, or `null` for a `{param}` segment. */
  segments: (string | null)[];
  params: string[];
  routes: RouteDef[];
}

const TEMPLATES: Template[] = [...new Set(ROUTES.map((r) => r.path))].map((path) => {
  const parts = path.split('/').slice(1);
  return {
    path,
    segments: parts.map((p) => (p.startsWith('{') ? null : p)),
    params: parts.filter((p) => p.startsWith('{')).map((p) => p.slice(1, -1)),
    routes: ROUTES.filter((r) => r.path === path),
  };
});

/** True when `a` is more specific than `b`: literal beats `{param}` at the first differing segment (API Gateway rule). */
function moreSpecific(a: Template, b: Template): boolean {
  for (let i = 0; i < a.segments.length; i++) {
    const la = a.segments[i] !== null;
    const lb = b.segments[i] !== null;
    if (la !== lb) return la;
  }
  return false;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Matches like API Gateway: exact segment count, literals case-sensitive, `{param}` = one
 * non-empty segment, the most specific template wins (`/users/me` before `/users/{user_id}`),
 * then the method is looked up on that template. No trailing-slash tolerance (docs/protocol/http.md §1).
 * @param rawPath - the path without query string, still percent-encoded
 */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  const parts = rawPath.split('/').slice(1);
  let best: Template | undefined;
  for (const t of TEMPLATES) {
    if (t.segments.length !== parts.length) continue;
    const ok = t.segments.every((s, i) => (s === null ? (parts[i] ?? '') !== '' : s === parts[i]));
    if (ok && (best === undefined || moreSpecific(t, best))) best = t;
  }
  if (best === undefined) return { kind: 'not_found' };
  const route = best.routes.find((r) => r.method === method);
  if (route === undefined) return { kind: 'method_not_allowed', allow: best.routes.map((r) => r.method) };
  const pathParameters: Record<string, string> = {};
  let p = 0;
  best.segments.forEach((s, i) => {
    if (s === null) pathParameters[best.params[p++] ?? ''] = decode(parts[i] ?? '');
  });
  return { kind: 'route', route, pathParameters };
}

/** Splits `req.url` into the raw path and the raw query string (without `?`). */
export function splitUrl(url: string | undefined): { rawPath: string; rawQueryString: string } {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q < 0
    ? { rawPath: u, rawQueryString: '' }
    : { rawPath: u.slice(0, q), rawQueryString: u.slice(q + 1) };
}

/** API Gateway's `requestContext.time` format, e.g. `21/Nov/2025:09:00:00 +0000`. */
function clf(date: Date): string {
  const m =
    ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
      date.getUTCMonth()
    ] ?? 'Jan';
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(date.getUTCDate())}/${m}/${date.getUTCFullYear()}:${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

/**
 * Builds the payload-v2 event API Gateway would send for `req`: `routeKey` of the matched route,
 * `pathParameters` (decoded), `rawQueryString`, `queryStringParameters` (duplicates comma-joined),
 * lowercased `headers` (Cookie moved to `cookies`), `requestContext.http` with the socket's peer
 * address as `sourceIp`, the body as UTF-8 text, `isBase64Encoded: false`.
 */
export function toApiGatewayEvent(
  req: IncomingMessage,
  body: Buffer,
  match: { route: RouteDef; pathParameters: Record<string, string> },
): APIGatewayProxyEventV2 {
  const { rawPath, rawQueryString } = splitUrl(req.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const cookieHeader = headers.cookie;
  delete headers.cookie;
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString))
    query[k] = k in query ? `${query[k] ?? ''},${v}` : v;
  const now = new Date();
  const key = routeKey(match.route);
  return {
    version: '2.0',
    routeKey: key,
    rawPath,
    rawQueryString,
    ...(cookieHeader === undefined ? {} : { cookies: cookieHeader.split(';').map((c) => c.trim()) }),
    headers,
    ...(rawQueryString === '' ? {} : { queryStringParameters: query }),
    ...(match.route.path.includes('{') ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: clf(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length === 0 ? {} : { body: body.toString('utf8') }),
    isBase64Encoded: false,
  };
}

/** A minimal Lambda context for a local invocation; `getRemainingTimeInMillis` counts down from `timeoutMs`. */
export function localContext(functionName: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  // `done`/`fail`/`succeed` are deprecated callbacks middy never calls; they are left out.
  const context: Omit<Context, 'done' | 'fail' | 'succeed'> = {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  return context as Context;
}

/**
 * Writes a handler's result like API Gateway does: a structured result's status, headers,
 * `cookies` (as Set-Cookie) and body (base64-decoded when flagged); a bare string or object
 * result becomes a 200 JSON body.
 */
export function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result !== 'object' || !('statusCode' in result || 'body' in result || 'headers' in result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  const body =
    result.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(result.body, result.isBase64Encoded === true ? 'base64' : 'utf8');
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (result.cookies !== undefined && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}
