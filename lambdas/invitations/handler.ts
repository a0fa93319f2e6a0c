// Lambda for the invitation routes (docs/protocol/http.md §10): create, list pending, accept, decline.
import { z } from 'zod';
import { createGroupHandler, route, SUCCESS } from '../http/router.js';
import { requireUuid } from '../http/request.js';
import { jsonResponse } from '../http/response.js';

/** `message` is accepted and discarded (invitation `message` is always null). */
const createBody = z.object({ room_id: z.string(), user_id: z.string(), message: z.string().nullish() });

const INVITATION = { invitation_id: 'invitation_not_found' } as const;

/** §10.1 201 `{invitation}`; moderator or owner (`requireModerator: true`); malformed ids ⇒ room/user_not_found. */
const create = route({
  body: createBody,
  handle: async ({ deps, claims, body }) => {
    const roomId = requireUuid(body.room_id, 'room_not_found');
    const inviteeId = requireUuid(body.user_id, 'user_not_found');
    const invitation = await deps.services.invitations.create(claims.sub, roomId, inviteeId, {
      requireModerator: true,
    });
    return jsonResponse(201, { invitation });
  },
});

/** §10.2 200 `{invitations, has_more: false}`: pending, unexpired, newest first; query ignored. */
const list = route({
  handle: async ({ deps, claims }) =>
    jsonResponse(200, {
      invitations: await deps.services.invitations.listPending(claims.sub),
      has_more: false,
    }),
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

/** Entry of the `invitations` group (routes: lambdas/http/routes.ts). */
export const handler = createGroupHandler('invitations', {
  'POST /api/v1/invitations': create,
  'GET /api/v1/invitations': list,
  'POST /api/v1/invitations/{invitation_id}/accept': accept,
  'POST /api/v1/invitations/{invitation_id}/decline': decline,
});
