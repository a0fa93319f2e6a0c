// Lambda for the message routes (docs/protocol/http.md §9): send, history, edit, delete.
import { z } from 'zod';
import type { MessageTarget } from '../../shared/features/messages/index.js';
import { ValidationError } from '../../shared/kernel/errors.js';
import { createGroupHandler, route, SUCCESS } from '../http/router.js';
import { requireUuid, type QueryParams } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { clampLimit, PAGE } from '../../shared/kernel/validation.js';

/** HTTP spells the DM tag `direct_message` (docs/protocol/domain.md §4.6); other tags are 422. */
const target = z.discriminatedUnion('type', [
  z.object({ type: z.literal('room'), room_id: z.string() }),
  z.object({ type: z.literal('direct_message'), recipient: z.string() }),
]);
const sendBody = z.object({ target, content: z.string() });
const editBody = z.object({ content: z.string() });

/** Maps a wire target to the service's, ids checked: malformed room ⇒ `room_not_found`, recipient ⇒ `user_not_found`. */
function toTarget(kind: 'room' | 'direct_message', id: string): MessageTarget {
  return kind === 'room'
    ? { type: 'room', room_id: requireUuid(id, 'room_not_found') }
    : { type: 'dm', recipient: requireUuid(id, 'user_not_found') };
}

/** `target_type`/`target_id` required, `limit` u32; `before`/`after` accepted, ignored (§9.2). */
const historyQuery = (q: QueryParams) => {
  const targetType = q.required('target_type');
  const targetId = q.required('target_id');
  const limit = q.u32('limit') ?? PAGE.defaultLimit;
  q.string('before');
  q.string('after');
  if (targetType !== 'room' && targetType !== 'direct_message') {
    throw new ValidationError(
      'validation_failed',
      "Validation failed: target_type - must be 'room' or 'direct_message'",
    );
  }
  return { target: toTarget(targetType, targetId), limit };
};

/** §9.1 201 `{message}` (DM targets come back as `"type":"dm"`). */
const send = route({
  body: sendBody,
  handle: async ({ deps, claims, body }) => {
    const t =
      body.target.type === 'room'
        ? toTarget('room', body.target.room_id)
        : toTarget('direct_message', body.target.recipient);
    return jsonResponse(201, {
      message: await deps.services.messages.send(claims.sub, t, body.content, {
        authorUsername: claims.username,
      }),
    });
  },
});

/** §9.2 200 `{messages, has_more}` newest first. */
const history = route({
  query: historyQuery,
  handle: async ({ deps, claims, query }) =>
    jsonResponse(
      200,
      await deps.services.messages.history(claims.sub, query.target, clampLimit(query.limit)),
    ),
});

/** §9.3 200 `{message}` with `edited: true`; author only. */
const edit = route({
  path: { message_id: 'message_not_found' },
  body: editBody,
  handle: async ({ deps, claims, params, body }) =>
    jsonResponse(200, {
      message: await deps.services.messages.edit(claims.sub, params.message_id, body.content),
    }),
});

/** §9.4 200 `{"success":true}`; hard delete per docs/protocol/domain.md §7. */
const remove = route({
  path: { message_id: 'message_not_found' },
  handle: async ({ deps, claims, params }) => {
    await deps.services.messages.delete(claims.sub, params.message_id);
    return jsonResponse(200, SUCCESS);
  },
});

/** Entry of the `messages` group (routes: lambdas/http/routes.ts). */
export const handler = createGroupHandler('messages', {
  'POST /api/v1/messages': send,
  'GET /api/v1/messages': history,
  'PATCH /api/v1/messages/{message_id}': edit,
  'DELETE /api/v1/messages/{message_id}': remove,
});
