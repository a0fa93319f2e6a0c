// Lambda for the message routes (docs/protocol/http.md §9): send, history, edit, delete.
import { z } from 'zod';
import type { MessageTarget } from '../../shared/features/messages/index.js';
import { ValidationError } from '../../shared/kernel/errors.js';
import { createGroupHandler, route, SUCCESS } from '../http/router.js';
import { requireUuid, type QueryParams } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { readStateRoutes } from './read-state-handler.js';
import { clampLimit, PAGE, parseUuid } from '../../shared/kernel/validation.js';

/** HTTP spells the DM tag `direct_message` (docs/protocol/domain.md §4.6), plus `conversation` (extensions.md §7.2); other tags are 422. */
const target = z.discriminatedUnion('type', [
  z.object({ type: z.literal('room'), room_id: z.string() }),
  z.object({ type: z.literal('direct_message'), recipient: z.string() }),
  z.object({ type: z.literal('conversation'), conversation_id: z.string() }),
]);
const sendBody = z.object({
  target,
  content: z.string(),
  // extensions.md §1.1 optional inputs
  message_type: z.enum(['text', 'markdown', 'code', 'system', 'file', 'image']).nullish(),
  reply_to: z.string().nullish(),
  priority: z.enum(['normal', 'high']).nullish(),
  attachment_ids: z.array(z.string()).max(10).nullish(),
});
const reactionBody = z.object({ emoji: z.string() });
const editBody = z.object({ content: z.string() });

/**
 * Maps a wire target to the service's, ids checked: malformed room ⇒ `room_not_found`, recipient ⇒
 * `user_not_found`, conversation ⇒ `conversation_not_found`.
 */
function toTarget(kind: 'room' | 'direct_message' | 'conversation', id: string): MessageTarget {
  if (kind === 'conversation')
    return { type: 'conversation', conversation_id: requireUuid(id, 'conversation_not_found') };
  return kind === 'room'
    ? { type: 'room', room_id: requireUuid(id, 'room_not_found') }
    : { type: 'dm', recipient: requireUuid(id, 'user_not_found') };
}

/**
 * An optional message-id query parameter: a UUID anchors paging; anything else is ignored, as
 * upstream ignores `before`/`after` (docs/protocol/http.md §9.2), so upstream clients keep working.
 */
const messageIdParam = (q: QueryParams, name: string): string | undefined => {
  const raw = q.string(name);
  return raw === undefined ? undefined : (parseUuid(raw) ?? undefined);
};

/**
 * `target_type`/`target_id` required, `limit` u32; `before`/`after` (message ids, §9.2 prose),
 * `cursor`, `include_deleted`, `exclude_replies` (docs/protocol/extensions.md §0.5, §1.3, §1.5).
 */
const historyQuery = (q: QueryParams) => {
  const targetType = q.required('target_type');
  const targetId = q.required('target_id');
  const limit = q.u32('limit') ?? PAGE.defaultLimit;
  const before = messageIdParam(q, 'before');
  const after = messageIdParam(q, 'after');
  const cursor = q.string('cursor');
  const includeDeleted = q.bool('include_deleted') === true;
  const excludeReplies = q.bool('exclude_replies') === true;
  if (targetType !== 'room' && targetType !== 'direct_message' && targetType !== 'conversation') {
    throw new ValidationError(
      'validation_failed',
      // upstream's exact text (docs/protocol/http.md §9.2); `conversation` is our additive value
      "Validation failed: target_type - must be 'room' or 'direct_message'",
    );
  }
  // extensions.md §0.5: the upstream shape unless a new parameter is used.
  const extended =
    before !== undefined || after !== undefined || cursor !== undefined || includeDeleted || excludeReplies;
  return {
    target: toTarget(targetType, targetId),
    limit,
    extended,
    opts: { before, after, cursor, includeDeleted, excludeReplies },
  };
};

/** §9.1 201 `{message}` (DM targets come back as `"type":"dm"`). */
const send = route({
  body: sendBody,
  handle: async ({ deps, claims, body }) => {
    const b = body.target;
    const t =
      b.type === 'room'
        ? toTarget('room', b.room_id)
        : b.type === 'conversation'
          ? toTarget('conversation', b.conversation_id)
          : toTarget('direct_message', b.recipient);
    return jsonResponse(201, {
      message: await deps.services.messages.send(claims.sub, t, body.content, {
        authorUsername: claims.username,
        message_type: body.message_type ?? null,
        reply_to: body.reply_to == null ? null : requireUuid(body.reply_to, 'invalid_reply'),
        priority: body.priority ?? null,
        attachment_ids: body.attachment_ids?.map((id) => requireUuid(id, 'attachment_invalid')) ?? null,
      }),
    });
  },
});

/** §9.2 200 `{messages, has_more}` newest first. */
const history = route({
  query: historyQuery,
  handle: async ({ deps, claims, query }) => {
    const page = await deps.services.messages.history(
      claims.sub,
      query.target,
      clampLimit(query.limit),
      query.opts,
    );
    return jsonResponse(200, query.extended ? page : { messages: page.messages, has_more: page.has_more });
  },
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

/** §9.4 200 `{"success":true}`; a tombstone now (extensions.md §1.3), permissions per docs/protocol/domain.md §7. */
const remove = route({
  path: { message_id: 'message_not_found' },
  handle: async ({ deps, claims, params }) => {
    await deps.services.messages.delete(claims.sub, params.message_id);
    return jsonResponse(200, SUCCESS);
  },
});

/** extensions.md §1.2: 200 `{versions}` oldest first, the current content last. */
const versions = route({
  path: { message_id: 'message_not_found' },
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, { versions: await deps.services.messages.versions(claims.sub, params.message_id) }),
});

/** The `{emoji}` path parameter, percent-decoded (API Gateway passes it as sent). */
const emojiOf = (event: { pathParameters?: Record<string, string | undefined> }): string => {
  const raw = event.pathParameters?.emoji ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

/** extensions.md §1.4: 201 `{message}`, or 200 when the caller had already reacted so. */
const addReaction = route({
  path: { message_id: 'message_not_found' },
  body: reactionBody,
  handle: async ({ deps, claims, params, body }) => {
    const r = await deps.services.messages.react(claims.sub, params.message_id, body.emoji, true);
    return jsonResponse(r.changed ? 201 : 200, { message: r.message });
  },
});

/** extensions.md §1.4: 200 `{message}`; `reaction_not_found` 404 when it was not there. */
const removeReaction = route({
  path: { message_id: 'message_not_found' },
  handle: async ({ event, deps, claims, params }) =>
    jsonResponse(200, {
      message: (await deps.services.messages.react(claims.sub, params.message_id, emojiOf(event), false))
        .message,
    }),
});

/** extensions.md §1.5: 200 `{root, replies, next_cursor}`, replies oldest first. */
const thread = route({
  path: { message_id: 'message_not_found' },
  query: (q: QueryParams) => ({
    limit: q.u32('limit') ?? PAGE.defaultLimit,
    cursor: q.string('cursor') ?? null,
  }),
  handle: async ({ deps, claims, params, query }) =>
    jsonResponse(
      200,
      await deps.services.messages.thread(
        claims.sub,
        params.message_id,
        clampLimit(query.limit),
        query.cursor,
      ),
    ),
});

/** extensions.md §1.6: 200 `{message}`; room moderator+ or any DM participant; `pin_limit` 409. */
const pinRoute = (pin: boolean) =>
  route({
    path: { message_id: 'message_not_found' },
    handle: async ({ deps, claims, params }) =>
      jsonResponse(200, { message: await deps.services.messages.pin(claims.sub, params.message_id, pin) }),
  });

/** Entry of the `messages` group (routes: lambdas/http/routes.ts). */
export const handler = createGroupHandler('messages', {
  ...readStateRoutes,
  'POST /api/v1/messages': send,
  'GET /api/v1/messages': history,
  'PATCH /api/v1/messages/{message_id}': edit,
  'DELETE /api/v1/messages/{message_id}': remove,
  'GET /api/v1/messages/{message_id}/versions': versions,
  'POST /api/v1/messages/{message_id}/reactions': addReaction,
  'DELETE /api/v1/messages/{message_id}/reactions/{emoji}': removeReaction,
  'GET /api/v1/messages/{message_id}/thread': thread,
  'POST /api/v1/messages/{message_id}/pin': pinRoute(true),
  'DELETE /api/v1/messages/{message_id}/pin': pinRoute(false),
});
