// Route table of the `invitations` Lambda group: upstream's invite/list/accept/decline (docs/protocol/http.md §10) and the lifecycle routes of docs/protocol/extensions.md §6.2; its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';

/** The `invitations` group's routes: docs/protocol/http.md §4 order, then extensions.md §6.2. */
export const routes = defineRoutes([
  ['POST', '/api/v1/invitations', 'session'],
  ['GET', '/api/v1/invitations', 'session'],
  ['POST', '/api/v1/invitations/{invitation_id}/accept', 'session'],
  ['POST', '/api/v1/invitations/{invitation_id}/decline', 'session'],
  ['POST', '/api/v1/invitations/bulk', 'session'],
  ['GET', '/api/v1/invitations/{invitation_id}', 'session'],
  ['POST', '/api/v1/invitations/{invitation_id}/revoke', 'session'],
  ['POST', '/api/v1/invitations/accept-all', 'session'],
  ['GET', '/api/v1/invitations/stats', 'session'],
  ['GET', '/api/v1/invitations/summary', 'session'],
  ['GET', '/api/v1/admin/invitations/stats', 'session'],
  ['POST', '/api/v1/rooms/{room_id}/invitation-templates', 'session'],
  ['GET', '/api/v1/rooms/{room_id}/invitation-templates', 'session'],
  ['DELETE', '/api/v1/rooms/{room_id}/invitation-templates/{template_id}', 'session'],
  ['POST', '/api/v1/rooms/{room_id}/invite-links', 'session'],
  ['GET', '/api/v1/rooms/{room_id}/invite-links', 'session'],
  ['DELETE', '/api/v1/rooms/{room_id}/invite-links/{code}', 'session'],
  ['POST', '/api/v1/invite-links/{code}/join', 'session'],
]);
