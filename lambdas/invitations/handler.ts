// Lambda for the invitation routes: upstream's create/list/accept/decline (docs/protocol/http.md §10) plus the lifecycle of docs/protocol/extensions.md §6.2.
import { z } from 'zod';
import { createGroupHandler, route, SUCCESS } from '../http/router.js';
import { requireUuid, type QueryParams } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import * as lifecycle from './lifecycle.js';
import * as links from './links.js';

const createBody = z.object({ room_id: z.string(), user_id: z.string(), ...lifecycle.inviteFields });

const INVITATION = { invitation_id: 'invitation_not_found' } as const;

/** §10.1 201 `{invitation}`; moderator or owner; malformed ids ⇒ room/user_not_found; §6.1 fields. */
const create = route({
  body: createBody,
  handle: async ({ deps, claims, body }) => {
    const roomId = requireUuid(body.room_id, 'room_not_found');
    const inviteeId = requireUuid(body.user_id, 'user_not_found');
    const invitation = await deps.services.invitations.create(
      claims.sub,
      roomId,
      inviteeId,
      lifecycle.inviteOptions(body, true),
    );
    return jsonResponse(201, { invitation });
  },
});

/**
 * §10.2 200 `{invitations, has_more: false}` (pending, unexpired, newest first) without extension
 * parameters; with any of them (§6.2) `{invitations, next_cursor}`.
 */
const list = route({
  query: (q: QueryParams) => (lifecycle.isExtendedList(q) ? lifecycle.listQuery(q) : null),
  handle: async ({ deps, claims, query }) =>
    query === null
      ? jsonResponse(200, {
          invitations: await deps.services.invitations.listPending(claims.sub),
          has_more: false,
        })
      : jsonResponse(200, await deps.services.invitations.list(claims.sub, query)),
});

/** §10.3 200 `{membership, room}`. */
const accept = route({
  path: INVITATION,
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, await deps.services.invitations.accept(claims.sub, params.invitation_id)),
});

/** §10.4 200 `{"success":true}`. */
const decline = route({
  path: INVITATION,
  handle: async ({ deps, claims, params }) => {
    await deps.services.invitations.decline(claims.sub, params.invitation_id);
    return jsonResponse(200, SUCCESS);
  },
});

/** Entry of the `invitations` group (routes: lambdas/invitations/routes.ts). */
export const handler = createGroupHandler('invitations', {
  'POST /api/v1/invitations': create,
  'GET /api/v1/invitations': list,
  'POST /api/v1/invitations/{invitation_id}/accept': accept,
  'POST /api/v1/invitations/{invitation_id}/decline': decline,
  'POST /api/v1/invitations/bulk': lifecycle.bulk,
  'GET /api/v1/invitations/{invitation_id}': lifecycle.getOne,
  'POST /api/v1/invitations/{invitation_id}/revoke': lifecycle.revoke,
  'POST /api/v1/invitations/accept-all': lifecycle.acceptAll,
  'GET /api/v1/invitations/stats': lifecycle.stats,
  'GET /api/v1/invitations/summary': lifecycle.summary,
  'GET /api/v1/admin/invitations/stats': lifecycle.adminStats,
  'POST /api/v1/rooms/{room_id}/invitation-templates': links.createTemplate,
  'GET /api/v1/rooms/{room_id}/invitation-templates': links.listTemplates,
  'DELETE /api/v1/rooms/{room_id}/invitation-templates/{template_id}': links.deleteTemplate,
  'POST /api/v1/rooms/{room_id}/invite-links': links.createLink,
  'GET /api/v1/rooms/{room_id}/invite-links': links.listLinks,
  'DELETE /api/v1/rooms/{room_id}/invite-links/{code}': links.revokeLink,
  'POST /api/v1/invite-links/{code}/join': links.joinLink,
});
