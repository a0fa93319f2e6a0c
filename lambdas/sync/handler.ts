// Lambda for `GET /api/v1/sync` (docs/protocol/extensions.md §3): changes since an opaque token.
import { PAGE } from '../../shared/kernel/validation.js';
import { createGroupHandler, route } from '../http/router.js';
import type { QueryParams } from '../http/request.js';
import { jsonResponse } from '../http/response.js';

/** `since` (opaque, optional) and `limit` per target (u32, 1–100, default 50; the service checks the range). */
const syncQuery = (q: QueryParams) => ({
  since: q.string('since') ?? null,
  limit: q.u32('limit') ?? PAGE.defaultLimit,
});

/** extensions.md §3: 200 `{next_since, targets, memberships, invitations, notices, friend_requests}`; a bad `since` is `validation_failed` 400. */
const sync = route({
  query: syncQuery,
  handle: async ({ deps, claims, query }) =>
    jsonResponse(200, await deps.services.sync.sync(claims.sub, query.since, query.limit)),
});

/** Entry of the `sync` group (routes: lambdas/http/routes.ts). */
export const handler = createGroupHandler('sync', { 'GET /api/v1/sync': sync });
