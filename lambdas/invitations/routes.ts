// Route table of the `invitations` Lambda group: invite, list, accept, decline (docs/protocol/http.md §10); its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';

/** The `invitations` group's routes, in docs/protocol/http.md §4 order. */
export const routes = defineRoutes([
  ['POST', '/api/v1/invitations', 'session'],
  ['GET', '/api/v1/invitations', 'session'],
  ['POST', '/api/v1/invitations/{invitation_id}/accept', 'session'],
  ['POST', '/api/v1/invitations/{invitation_id}/decline', 'session'],
]);
