// THE HTTP route table (docs/protocol/http.md §4), derived from one list of Lambda groups: single source for the Lambda dispatch, the local server and the CDK stack.
import { routes as admin } from '../admin/routes.js';
import { routes as attachments } from '../attachments/routes.js';
import { routes as auth } from '../auth/routes.js';
import { routes as history } from '../history/routes.js';
import { routes as invitations } from '../invitations/routes.js';
import { routes as messages } from '../messages/routes.js';
import { routes as moderation } from '../moderation/routes.js';
import { routes as rooms } from '../rooms/routes.js';
import { routes as system } from '../system/routes.js';
import { routes as users } from '../users/routes.js';
import type { GroupRoute } from './route-def.js';

export type { AuthLevel, HttpMethod, RateBucket } from './route-def.js';

/**
 * Every Lambda group and its route table, in a stable order (one Lambda function each; its entry
 * is `lambdas/<group>/handler.ts` exporting `handler`). Adding a group = one line here.
 */
const GROUPS = {
  system,
  auth,
  users,
  rooms,
  messages,
  history,
  attachments,
  invitations,
  admin,
  moderation,
} as const;

/** One Lambda function per group. */
export type RouteGroup = keyof typeof GROUPS;

/** A route: method + API Gateway path template, its Lambda group, auth level and extra buckets. */
export interface RouteDef extends GroupRoute {
  group: RouteGroup;
}

/** Every group, in a stable order (one Lambda function each). */
export const ROUTE_GROUPS = Object.keys(GROUPS) as readonly RouteGroup[];

/**
 * Every route of docs/protocol/http.md §4 except `GET /ws` (served by the relay's WebSocket adapter).
 * `GET /api/v1/rooms` is `bearer`; its handler additionally loads the session when
 * `joined_only=true` (docs/protocol/http.md §7.2).
 */
export const ROUTES: readonly RouteDef[] = ROUTE_GROUPS.flatMap((group) =>
  GROUPS[group].map((route) => ({ ...route, group })),
);

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
