// Lambda for the admin routes (docs/protocol/http.md §12): server statistics for stored-role admins.
import { createGroupHandler, route } from '../http/router.js';
import { jsonResponse } from '../http/response.js';

/** §12 200 `{stats: {total_users, total_rooms, online_users}}`; non-admin ⇒ `permission_denied` 403. */
const stats = route({
  handle: async ({ deps, claims }) =>
    jsonResponse(200, { stats: await deps.services.admin.stats(claims.sub) }),
});

/** Entry of the `admin` group (routes: lambdas/http/routes.ts). */
export const handler = createGroupHandler('admin', {
  'GET /api/v1/admin/stats': stats,
});
