// The shape of one HTTP route (method, path template, auth level, rate buckets) and the helper each group's routes.ts declares its table with.

/** HTTP methods used by the API (OPTIONS preflight is answered by the CORS layer, not routed). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Rate-limit categories applied on top of the general bucket (docs/protocol/http.md §3). */
export type RateBucket = 'auth' | 'messaging';

/**
 * Auth level of a route (docs/protocol/http.md §4 "Auth" column):
 * - `none`: no token;
 * - `bearer` (B): JWT signature/`exp`/claims only;
 * - `session` (B+S): bearer plus the session loaded from storage;
 * - `admin`: session plus stored system role `admin` (checked by the admin service).
 */
export type AuthLevel = 'none' | 'bearer' | 'session' | 'admin';

/** A route of one group: method + API Gateway path template, auth level and extra buckets. */
export interface GroupRoute {
  method: HttpMethod;
  /** API Gateway HTTP API template, e.g. `/api/v1/rooms/{room_id}` (no trailing slash). */
  path: string;
  auth: AuthLevel;
  /** Category buckets consumed after the general bucket (docs/protocol/http.md §3). */
  buckets: readonly RateBucket[];
}

/** `[method, path, auth, buckets?]`: one row of a group's route table. */
export type RouteRow = readonly [HttpMethod, string, AuthLevel, (readonly RateBucket[])?];

/** Turns a group's rows into {@link GroupRoute}s (buckets default to none). */
export function defineRoutes(rows: readonly RouteRow[]): readonly GroupRoute[] {
  return rows.map(([method, path, auth, buckets = []]) => ({ method, path, auth, buckets }));
}
