// Routes of lair.social group conversations in the `users` Lambda group (docs/protocol/extensions.md §7.2).
import { z } from 'zod';
import { pageOf } from '../../shared/features/social/index.js';
import type { QueryParams } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { route, SUCCESS } from '../http/router.js';

const createBody = z.object({
  participant_ids: z.array(z.string()).max(100),
  title: z.string().nullish(),
});
const patchBody = z.object({ title: z.string().nullish() });
const addBody = z.object({ user_ids: z.array(z.string()).max(100) });

/** §7.2 `POST /conversations` 201 `{conversation}`; 2–49 others (`validation_failed`), `user_not_found`, `recipient_unavailable`. */
const create = route({
  body: createBody,
  handle: async ({ deps, claims, body }) =>
    jsonResponse(201, { conversation: await deps.services.conversations.create(claims.sub, body) }),
});

/** §7.2 `GET /conversations` 200 `{conversations, next_cursor}`, most recent activity first (§0.5 cursor paging). */
const list = route({
  query: (q: QueryParams) => ({ cursor: q.string('cursor') ?? null, limit: q.u32('limit') ?? null }),
  handle: async ({ deps, claims, query }) => {
    const page = pageOf(await deps.services.conversations.list(claims.sub), query.cursor, query.limit);
    return jsonResponse(200, { conversations: page.items, next_cursor: page.next_cursor });
  },
});

/** §7.2 `GET /conversations/{id}` 200 `{conversation}`; `conversation_not_found` 404 for non-participants. */
const get = route({
  path: { conversation_id: 'conversation_not_found' },
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, {
      conversation: await deps.services.conversations.get(claims.sub, params.conversation_id),
    }),
});

/** §7.2 `PATCH /conversations/{id}` `{title}` 200 `{conversation}`; any participant. */
const patch = route({
  path: { conversation_id: 'conversation_not_found' },
  body: patchBody,
  handle: async ({ deps, claims, params, body }) =>
    jsonResponse(200, {
      conversation: await deps.services.conversations.update(claims.sub, params.conversation_id, body),
    }),
});

/** §7.2 `POST /conversations/{id}/participants {user_ids}` 200 `{conversation}`; any participant. */
const add = route({
  path: { conversation_id: 'conversation_not_found' },
  body: addBody,
  handle: async ({ deps, claims, params, body }) =>
    jsonResponse(200, {
      conversation: await deps.services.conversations.addParticipants(
        claims.sub,
        params.conversation_id,
        body.user_ids,
      ),
    }),
});

/** §7.2 `DELETE /conversations/{id}/participants/me` 200 `{success}` (leave). */
const leave = route({
  path: { conversation_id: 'conversation_not_found' },
  handle: async ({ deps, claims, params }) => {
    await deps.services.conversations.leave(claims.sub, params.conversation_id);
    return jsonResponse(200, SUCCESS);
  },
});

/** The conversation routes by route key (served by the `users` group handler). */
export const conversationRoutes = {
  'POST /api/v1/conversations': create,
  'GET /api/v1/conversations': list,
  'GET /api/v1/conversations/{conversation_id}': get,
  'PATCH /api/v1/conversations/{conversation_id}': patch,
  'POST /api/v1/conversations/{conversation_id}/participants': add,
  'DELETE /api/v1/conversations/{conversation_id}/participants/me': leave,
};
