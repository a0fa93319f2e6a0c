// Lambda for the user routes (docs/protocol/http.md §6): me, update me, list, get; plus lair.social's (./social.ts, ./conversations.ts).
import { z } from 'zod';
import { clampLimit, PAGE } from '../../shared/kernel/validation.js';
import { createGroupHandler, route } from '../http/router.js';
import type { QueryParams } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { parseProfile } from '../../shared/features/social/index.js';
import { socialRoutes } from './social.js';
import { conversationRoutes } from './conversations.js';

const profileField = z.string().nullish();
/** `email` (upstream) plus the docs/protocol/extensions.md §7.1 profile fields. */
const patchMeBody = z.object({
  email: z.string().nullish(),
  display_name: profileField,
  status_message: profileField,
  avatar_url: profileField,
  timezone: profileField,
  locale: profileField,
});

/** `limit`/`offset` u32, `search` string (username substring) and `online_only` bool (issue 17 finding 5). */
const listQuery = (q: QueryParams) => ({
  search: q.string('search') ?? null,
  onlineOnly: q.bool('online_only') ?? false,
  limit: q.u32('limit') ?? PAGE.defaultLimit,
  offset: q.u32('offset') ?? 0,
});

/** §6.1 200 `{user}` fresh from storage, plus `unread_counts` beside it (extensions.md §2). */
const me = route({
  handle: async ({ deps, claims }) => {
    const [user, unread_counts] = await Promise.all([
      deps.services.users.get(claims.sub),
      deps.services.receipts.unreadCounts(claims.sub),
    ]);
    return jsonResponse(200, { user, unread_counts });
  },
});

/**
 * §6.2 200 `{user}`; `email` omitted/null = unchanged; `email_invalid` 400, `email_taken` 409.
 * extensions.md §7.1: profile fields (omitted = unchanged, null = cleared) are validated before
 * anything is written (`validation_failed` 400), then set in one UpdateItem; contacts get `user_updated`.
 */
const patchMe = route({
  body: patchMeBody,
  handle: async ({ deps, claims, body }) => {
    const { email, ...profile } = body;
    parseProfile(profile); // bad input changes nothing, not even the email
    const emailed = await deps.services.users.updateMe(claims.sub, { email: email ?? null });
    const hasProfile = Object.values(profile).some((v) => v !== undefined);
    return jsonResponse(200, {
      user: hasProfile ? await deps.services.profiles.update(claims.sub, profile) : emailed,
    });
  },
});

/** §6.3 200 `{users: [{user, online}], has_more, total_count}`; has_more = page size == requested limit. */
const list = route({
  query: listQuery,
  handle: async ({ deps, query, claims }) => {
    const users = await deps.services.users.list(
      clampLimit(query.limit),
      query.offset,
      { search: query.search, onlineOnly: query.onlineOnly },
      claims.sub,
    );
    return jsonResponse(200, { users, has_more: users.length === query.limit, total_count: users.length });
  },
});

/** §6.4 200 `{user, online}`; `user_not_found` 404 for unknown or malformed ids. */
const get = route({
  path: { user_id: 'user_not_found' },
  handle: async ({ deps, params, claims }) =>
    jsonResponse(200, await deps.services.users.getWithPresence(params.user_id, claims.sub)),
});

/** extensions.md §1.6: 200 `{messages, next_cursor}` mentioning the caller, newest first. */
const mentions = route({
  query: (q: QueryParams) => ({
    limit: q.u32('limit') ?? PAGE.defaultLimit,
    cursor: q.string('cursor') ?? null,
  }),
  handle: async ({ deps, claims, query }) =>
    jsonResponse(
      200,
      await deps.services.messages.mentions(claims.sub, clampLimit(query.limit), query.cursor),
    ),
});

/** Entry of the `users` group (routes: lambdas/http/routes.ts). */
export const handler = createGroupHandler('users', {
  'GET /api/v1/users/me': me,
  'GET /api/v1/users/me/mentions': mentions,
  'PATCH /api/v1/users/me': patchMe,
  'GET /api/v1/users': list,
  'GET /api/v1/users/{user_id}': get,
  ...socialRoutes,
  ...conversationRoutes,
});
