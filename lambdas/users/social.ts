// Routes of lair.social in the `users` Lambda group: blocks, friends, friend requests (docs/protocol/extensions.md §7.3); preferences are served by lambdas/messages/read-state-handler.ts.
import { z } from 'zod';
import { ValidationError } from '../../shared/kernel/errors.js';
import { pageOf } from '../../shared/features/social/index.js';
import type { QueryParams } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { route, SUCCESS } from '../http/router.js';

const pageQuery = (q: QueryParams) => ({ cursor: q.string('cursor') ?? null, limit: q.u32('limit') ?? null });

/** §7.3 `PUT /blocks/{user_id}` 200 `{success}` (idempotent); `user_not_found` 404, yourself 400. */
const block = route({
  path: { user_id: 'user_not_found' },
  handle: async ({ deps, claims, params }) => {
    await deps.services.blocks.block(claims.sub, params.user_id);
    return jsonResponse(200, SUCCESS);
  },
});

/** §7.3 `DELETE /blocks/{user_id}` 200 `{success}`; `not_found` 404 when not blocked. */
const unblock = route({
  path: { user_id: 'not_found' },
  handle: async ({ deps, claims, params }) => {
    await deps.services.blocks.unblock(claims.sub, params.user_id);
    return jsonResponse(200, SUCCESS);
  },
});

/** §7.3 `GET /blocks` 200 `{blocks: [{user_id, username, created_at}], next_cursor}`. */
const listBlocks = route({
  query: pageQuery,
  handle: async ({ deps, claims, query }) => {
    const page = pageOf(await deps.services.blocks.list(claims.sub), query.cursor, query.limit);
    return jsonResponse(200, { blocks: page.items, next_cursor: page.next_cursor });
  },
});

const requestBody = z.object({
  user_id: z.string().nullish(),
  username: z.string().nullish(),
  message: z.string().nullish(),
});

/** §7.3 `POST /friends/requests` 201 `{request}`, or 200 `{friendship}` when they had asked already. */
const sendRequest = route({
  body: requestBody,
  handle: async ({ deps, claims, body }) => {
    const out = await deps.services.friends.send(claims.sub, body, body.message ?? null);
    return jsonResponse('request' in out ? 201 : 200, out);
  },
});

/** §7.3 `GET /friends/requests?direction=incoming|outgoing` (default incoming) 200 `{requests, next_cursor}`. */
const listRequests = route({
  query: (q: QueryParams) => ({ ...pageQuery(q), direction: q.string('direction') ?? 'incoming' }),
  handle: async ({ deps, claims, query }) => {
    if (query.direction !== 'incoming' && query.direction !== 'outgoing')
      throw new ValidationError('validation_failed', 'Validation failed: direction - incoming or outgoing');
    const all = await deps.services.friends.listRequests(claims.sub, query.direction);
    const page = pageOf(all, query.cursor, query.limit);
    return jsonResponse(200, { requests: page.items, next_cursor: page.next_cursor });
  },
});

/** §7.3 `POST /friends/requests/{request_id}/accept` 200 `{friendship}`; `not_found` 404. */
const accept = route({
  path: { request_id: 'not_found' },
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, await deps.services.friends.respond(claims.sub, params.request_id, true)),
});

/** §7.3 `POST /friends/requests/{request_id}/decline` 200 `{success}` (not announced); `not_found` 404. */
const decline = route({
  path: { request_id: 'not_found' },
  handle: async ({ deps, claims, params }) => {
    await deps.services.friends.respond(claims.sub, params.request_id, false);
    return jsonResponse(200, SUCCESS);
  },
});

/** §7.3 `DELETE /friends/requests/{request_id}` (cancel own) 200 `{success}`; `not_found` 404. */
const cancel = route({
  path: { request_id: 'not_found' },
  handle: async ({ deps, claims, params }) => {
    await deps.services.friends.cancel(claims.sub, params.request_id);
    return jsonResponse(200, SUCCESS);
  },
});

/** §7.3 `GET /friends` 200 `{friends: [{user, since, is_online}], next_cursor}` by username. */
const listFriends = route({
  query: pageQuery,
  handle: async ({ deps, claims, query }) => {
    const page = pageOf(await deps.services.friends.list(claims.sub), query.cursor, query.limit);
    return jsonResponse(200, { friends: page.items, next_cursor: page.next_cursor });
  },
});

/** §7.3 `DELETE /friends/{user_id}` 200 `{success}`; `not_found` 404 when not friends. */
const removeFriend = route({
  path: { user_id: 'not_found' },
  handle: async ({ deps, claims, params }) => {
    await deps.services.friends.remove(claims.sub, params.user_id);
    return jsonResponse(200, SUCCESS);
  },
});

/** The social routes by route key (served by the `users` group handler). */
export const socialRoutes = {
  'PUT /api/v1/blocks/{user_id}': block,
  'DELETE /api/v1/blocks/{user_id}': unblock,
  'GET /api/v1/blocks': listBlocks,
  'POST /api/v1/friends/requests': sendRequest,
  'GET /api/v1/friends/requests': listRequests,
  'POST /api/v1/friends/requests/{request_id}/accept': accept,
  'POST /api/v1/friends/requests/{request_id}/decline': decline,
  'DELETE /api/v1/friends/requests/{request_id}': cancel,
  'GET /api/v1/friends': listFriends,
  'DELETE /api/v1/friends/{user_id}': removeFriend,
};
