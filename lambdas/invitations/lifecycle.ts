// Invitation lifecycle routes of docs/protocol/extensions.md §6.2: bulk, filtered lists, view, revoke, accept all, stats, summary.
import { z } from 'zod';
import type { InvitationListQuery, InvitationStatus } from '../../shared/features/invitations/index.js';
import { DomainError } from '../../shared/kernel/errors.js';
import { PAGE } from '../../shared/kernel/validation.js';
import { route } from '../http/router.js';
import { requireUuid, type QueryParams } from '../http/request.js';
import { jsonResponse } from '../http/response.js';

const INVITATION = { invitation_id: 'invitation_not_found' } as const;
const STATUSES = ['pending', 'accepted', 'declined', 'cancelled', 'expired', 'all'] as const;

/** Extension fields of an invite body (extensions.md §6.1); types checked here, ranges by the service. */
export const inviteFields = {
  message: z.string().nullish(),
  role: z.enum(['member', 'moderator']).optional(),
  ttl_hours: z.number().int().optional(),
  template_id: z.string().optional(),
};

/** The service's InviteOptions from a parsed body. @throws `not_found` for a malformed template id */
export function inviteOptions(
  body: {
    message?: string | null | undefined;
    role?: 'member' | 'moderator' | undefined;
    ttl_hours?: number | undefined;
    template_id?: string | undefined;
  },
  requireModerator: boolean,
) {
  return {
    requireModerator,
    ...(body.message !== undefined ? { message: body.message } : {}),
    ...(body.role !== undefined ? { role: body.role } : {}),
    ...(body.ttl_hours !== undefined ? { ttlHours: body.ttl_hours } : {}),
    ...(body.template_id !== undefined ? { templateId: requireUuid(body.template_id, 'not_found') } : {}),
  };
}

/**
 * True when the list request uses an extension parameter (§0.5: otherwise upstream's shape).
 * `limit` alone is not one: upstream accepts and ignores it on this route (http.md §10.2).
 */
export function isExtendedList(q: QueryParams): boolean {
  return ['direction', 'status', 'room_id', 'q', 'cursor'].some((k) => q.string(k) !== undefined);
}

/**
 * Parses the list parameters of extensions.md §6.2 (`direction`, `status`, `room_id`, `q`, `cursor`, `limit`).
 * @throws DomainError `validation_failed` on a bad value
 */
export function listQuery(q: QueryParams): InvitationListQuery {
  const bad = (f: string) => new DomainError('validation_failed', `Validation failed: ${f} - invalid`);
  const direction = q.string('direction') ?? 'received';
  if (direction !== 'received' && direction !== 'sent') throw bad('direction');
  const status = q.string('status') ?? 'pending';
  if (!(STATUSES as readonly string[]).includes(status)) throw bad('status');
  const limitRaw = q.string('limit');
  const limit = limitRaw === undefined ? PAGE.defaultLimit : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE.maxLimit) throw bad('limit');
  const room = q.string('room_id');
  const text = q.string('q');
  const cursor = q.string('cursor');
  return {
    direction,
    status: status as InvitationStatus | 'all',
    limit,
    ...(room !== undefined ? { roomId: requireUuid(room, 'room_not_found') } : {}),
    ...(text !== undefined ? { q: text } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  };
}

/** §6.2 bulk: 200 `{results, created, failed}`; HTTP needs moderator-or-above like a single invite. */
export const bulk = route({
  body: z.object({
    room_id: z.string(),
    user_ids: z.array(z.string()).optional(),
    usernames: z.array(z.string()).optional(),
    ...inviteFields,
  }),
  handle: async ({ deps, claims, body }) => {
    const roomId = requireUuid(body.room_id, 'room_not_found');
    const out = await deps.services.invitations.createBulk(
      claims.sub,
      roomId,
      {
        ...(body.user_ids ? { userIds: body.user_ids } : {}),
        ...(body.usernames ? { usernames: body.usernames } : {}),
      },
      inviteOptions(body, true),
    );
    return jsonResponse(200, out);
  },
});

/** §6.2 view one: inviter, invitee or room moderator+, else 404. */
export const getOne = route({
  path: INVITATION,
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, { invitation: await deps.services.invitations.get(claims.sub, params.invitation_id) }),
});

/** §6.2 revoke: 200 `{invitation}` (status `cancelled`). */
export const revoke = route({
  path: INVITATION,
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, {
      invitation: await deps.services.invitations.revoke(claims.sub, params.invitation_id),
    }),
});

/** §6.2 accept all: 200 `{results}`. */
export const acceptAll = route({
  handle: async ({ deps, claims }) =>
    jsonResponse(200, await deps.services.invitations.acceptAll(claims.sub)),
});

/** §6.2 stats: own, or a room's with `room_id` (moderator+). */
export const stats = route({
  query: (q) => q.string('room_id'),
  handle: async ({ deps, claims, query }) =>
    jsonResponse(200, {
      stats: await deps.services.inviteLinks.stats(
        claims.sub,
        query === undefined ? {} : { roomId: requireUuid(query, 'room_not_found') },
      ),
    }),
});

/** §6.2 all invitations' stats: system admin. */
export const adminStats = route({
  handle: async ({ deps, claims }) =>
    jsonResponse(200, { stats: await deps.services.inviteLinks.stats(claims.sub, { all: true }) }),
});

/** Login summary (§6.3): pending invitations and those expiring within 24 h. */
export const summary = route({
  handle: async ({ deps, claims }) => jsonResponse(200, await deps.services.invitations.summary(claims.sub)),
});
