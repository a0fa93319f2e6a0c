// Lambda for the admin routes (docs/protocol/http.md §12): server statistics for stored-role admins.
import { createGroupHandler, route, SUCCESS } from '../http/router.js';
import { jsonResponse } from '../http/response.js';

/** §12 200 `{stats: {total_users, total_rooms, online_users}}`; non-admin ⇒ `permission_denied` 403. */
const stats = route({
  handle: async ({ deps, claims }) =>
    jsonResponse(200, { stats: await deps.services.admin.stats(claims.sub) }),
});

/** extensions.md §1.3: 200 `{"success":true}`; removes the item entirely (stored role `admin`). */
const hardDelete = route({
  path: { message_id: 'message_not_found' },
  handle: async ({ deps, claims, params }) => {
    await deps.services.messages.hardDelete(claims.sub, params.message_id);
    return jsonResponse(200, SUCCESS);
  },
});

/** Entry of the `admin` group (routes: lambdas/http/routes.ts). */
export const handler = createGroupHandler('admin', {
  'GET /api/v1/admin/stats': stats,
  'DELETE /api/v1/admin/messages/{message_id}': hardDelete,
});
