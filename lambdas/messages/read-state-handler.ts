// Read-state routes of the `messages` Lambda (docs/protocol/extensions.md §2, §3, §7.1): mark read, unread, receipts of a message, preferences, sync.
import { z } from 'zod';
import type { Preferences, ReadTarget } from '../../shared/features/receipts/index.js';
import { route, type Route } from '../http/router.js';
import { requireUuid, type QueryParams } from '../http/request.js';
import { PAGE } from '../../shared/kernel/validation.js';
import { jsonResponse } from '../http/response.js';

/** HTTP target spelling (docs/protocol/domain.md §4.6): `direct_message` for DMs. */
const target = z.discriminatedUnion('type', [
  z.object({ type: z.literal('room'), room_id: z.string() }),
  z.object({ type: z.literal('direct_message'), recipient: z.string() }),
  z.object({ type: z.literal('conversation'), conversation_id: z.string() }), // extensions.md §7.2
]);
const markBody = z.object({ target, up_to: z.string() });

/** A wire target -> the service's: a malformed room id is `room_not_found`, a recipient `user_not_found`. */
function toTarget(t: z.output<typeof target>): ReadTarget {
  if (t.type === 'conversation')
    return {
      type: 'conversation',
      conversation_id: requireUuid(t.conversation_id, 'conversation_not_found'),
    };
  return t.type === 'room'
    ? { type: 'room', room_id: requireUuid(t.room_id, 'room_not_found') }
    : { type: 'dm', recipient: requireUuid(t.recipient, 'user_not_found') };
}

/** A PATCH of the §7.1 preferences: every key optional, unknown keys refused (validation_failed). */
const prefsPatch = z
  .object({
    notifications: z
      .object({ dm: z.boolean(), mentions: z.boolean(), rooms: z.enum(['all', 'mentions', 'none']) })
      .partial()
      .strict(),
    privacy: z
      .object({
        dm_from: z.enum(['everyone', 'friends']),
        show_online: z.boolean(),
        send_read_receipts: z.boolean(),
      })
      .partial()
      .strict(),
    theme: z.string().min(1).max(32),
  })
  .partial()
  .strict();

/** extensions.md §2: 200 `{unread_count, receipt}`; an older `up_to` is a no-op. A message of another target: `validation_failed`. */
const markRead = route({
  body: markBody,
  handle: async ({ deps, claims, body }) => {
    const upTo = requireUuid(body.up_to, 'validation_failed');
    return jsonResponse(200, await deps.services.receipts.markRead(claims.sub, toTarget(body.target), upTo));
  },
});

/** extensions.md §2: 200 `{unread: [{target, unread_count, mention_count, last_message_id, up_to}]}`. */
const unread = route({
  handle: async ({ deps, claims }) =>
    jsonResponse(200, { unread: await deps.services.receipts.unread(claims.sub) }),
});

/** extensions.md §2: 200 `{delivered, read}`; `message_not_found` for a message the caller may not see. */
const receipts = route({
  path: { message_id: 'message_not_found' },
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, await deps.services.receipts.receiptsOf(claims.sub, params.message_id)),
});

/** extensions.md §7.1: 200 the preferences object (defaults filled in). */
const getPreferences = route({
  handle: async ({ deps, claims }) => jsonResponse(200, await deps.services.receipts.preferences(claims.sub)),
});

/** extensions.md §7.1: merges the given keys over the stored preferences; 200 the result. */
const patchPreferences = route({
  body: prefsPatch,
  handle: async ({ deps, claims, body }) => {
    const current = await deps.services.receipts.preferences(claims.sub);
    const next: Preferences = {
      notifications: { ...current.notifications, ...body.notifications },
      privacy: { ...current.privacy, ...body.privacy },
      theme: body.theme ?? current.theme,
    };
    return jsonResponse(200, await deps.services.receipts.setPreferences(claims.sub, next));
  },
});

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

/** The read-state routes, merged into the `messages` group's handler (./handler.ts). */
export const readStateRoutes: Readonly<Record<string, Route>> = {
  'GET /api/v1/sync': sync,
  'POST /api/v1/messages/read': markRead,
  'GET /api/v1/unread': unread,
  'GET /api/v1/messages/{message_id}/receipts': receipts,
  'GET /api/v1/users/me/preferences': getPreferences,
  'PATCH /api/v1/users/me/preferences': patchPreferences,
};
