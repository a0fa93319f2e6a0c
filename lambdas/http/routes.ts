// THE HTTP route table (protocol http.md §4): single source for the Lambda dispatch, the local server and the CDK stack.

/** One Lambda function per group; its entry is `lambdas/<group>/handler.ts` exporting `handler`. */
export type RouteGroup = 'system' | 'auth' | 'users' | 'rooms' | 'messages' | 'invitations' | 'admin';

/** HTTP methods used by the API (OPTIONS preflight is answered by the CORS layer, not routed). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Rate-limit categories applied on top of the general bucket (http.md §3). */
export type RateBucket = 'auth' | 'messaging';

/**
 * Auth level of a route (http.md §4 "Auth" column):
 * - `none`: no token;
 * - `bearer` (B): JWT signature/`exp`/claims only;
 * - `session` (B+S): bearer plus the session loaded from storage;
 * - `admin`: session plus stored system role `admin` (checked by the admin service).
 */
export type AuthLevel = 'none' | 'bearer' | 'session' | 'admin';

/** A route: method + API Gateway path template, its Lambda group, auth level and extra buckets. */
export interface RouteDef {
  method: HttpMethod;
  /** API Gateway HTTP API template, e.g. `/api/v1/rooms/{room_id}` (no trailing slash). */
  path: string;
  group: RouteGroup;
  auth: AuthLevel;
  /** Category buckets consumed after the general bucket (http.md §3). */
  buckets: readonly RateBucket[];
}

const r = (
  method: HttpMethod,
  path: string,
  group: RouteGroup,
  auth: AuthLevel,
  buckets: RateBucket[] = [],
): RouteDef => ({
  method,
  path,
  group,
  auth,
  buckets,
});

/**
 * Every route of http.md §4 except `GET /ws` (served by the relay's WebSocket adapter).
 * `GET /api/v1/rooms` is `bearer`; its handler additionally loads the session when
 * `joined_only=true` (http.md §7.2).
 */
export const ROUTES: readonly RouteDef[] = [
  r('GET', '/health', 'system', 'none'),
  r('GET', '/ready', 'system', 'none'),
  r('GET', '/metrics', 'system', 'none'),
  r('POST', '/api/v1/auth/register', 'auth', 'none', ['auth']),
  r('POST', '/api/v1/auth/login', 'auth', 'none', ['auth']),
  r('POST', '/api/v1/auth/logout', 'auth', 'session', ['auth']),
  r('POST', '/api/v1/auth/refresh', 'auth', 'session', ['auth']),
  r('POST', '/api/v1/auth/change-password', 'auth', 'session', ['auth']),
  r('GET', '/api/v1/users/me', 'users', 'session'),
  r('PATCH', '/api/v1/users/me', 'users', 'session'),
  r('GET', '/api/v1/users', 'users', 'bearer'),
  r('GET', '/api/v1/users/{user_id}', 'users', 'bearer'),
  r('POST', '/api/v1/rooms', 'rooms', 'session'),
  r('GET', '/api/v1/rooms', 'rooms', 'bearer'),
  r('GET', '/api/v1/rooms/{room_id}', 'rooms', 'bearer'),
  r('PATCH', '/api/v1/rooms/{room_id}', 'rooms', 'session'),
  r('DELETE', '/api/v1/rooms/{room_id}', 'rooms', 'session'),
  r('POST', '/api/v1/rooms/{room_id}/join', 'rooms', 'session'),
  r('POST', '/api/v1/rooms/{room_id}/leave', 'rooms', 'session'),
  r('GET', '/api/v1/rooms/{room_id}/members', 'rooms', 'session'),
  r('PUT', '/api/v1/rooms/{room_id}/members/{user_id}/role', 'rooms', 'session'),
  r('DELETE', '/api/v1/rooms/{room_id}/members/{user_id}', 'rooms', 'session'),
  r('POST', '/api/v1/messages', 'messages', 'session', ['messaging']),
  r('GET', '/api/v1/messages', 'messages', 'session', ['messaging']),
  r('PATCH', '/api/v1/messages/{message_id}', 'messages', 'session', ['messaging']),
  r('DELETE', '/api/v1/messages/{message_id}', 'messages', 'session', ['messaging']),
  r('POST', '/api/v1/invitations', 'invitations', 'session'),
  r('GET', '/api/v1/invitations', 'invitations', 'session'),
  r('POST', '/api/v1/invitations/{invitation_id}/accept', 'invitations', 'session'),
  r('POST', '/api/v1/invitations/{invitation_id}/decline', 'invitations', 'session'),
  r('GET', '/api/v1/admin/stats', 'admin', 'admin'),
];

/** Every group, in a stable order (one Lambda function each). */
export const ROUTE_GROUPS: readonly RouteGroup[] = [
  'system',
  'auth',
  'users',
  'rooms',
  'messages',
  'invitations',
  'admin',
];

/** The API Gateway route key of a route: `'<METHOD> <path template>'`, e.g. `'GET /api/v1/rooms/{room_id}'`. */
export function routeKey(route: Pick<RouteDef, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

const BY_KEY = new Map(ROUTES.map((route) => [routeKey(route), route]));

/** Looks a route up by its API Gateway route key; `undefined` for `$default` or unknown keys. */
export function findRoute(key: string): RouteDef | undefined {
  return BY_KEY.get(key);
}

/** The routes of one group, in table order. */
export function routesOf(group: RouteGroup): RouteDef[] {
  return ROUTES.filter((route) => route.group === group);
}
