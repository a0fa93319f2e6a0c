// Route table of the `security` Lambda group: sessions, TOTP 2FA, admin unlock and config reload (docs/protocol/extensions.md §10); its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';

/** The `security` group's routes (docs/protocol/extensions.md §10). */
export const routes = defineRoutes([
  ['GET', '/api/v1/auth/sessions', 'session'],
  ['DELETE', '/api/v1/auth/sessions/{session_id}', 'session'],
  ['POST', '/api/v1/auth/logout-all', 'session', ['auth']],
  ['POST', '/api/v1/auth/2fa/setup', 'session', ['auth']],
  ['POST', '/api/v1/auth/2fa/enable', 'session', ['auth']],
  ['POST', '/api/v1/auth/2fa/disable', 'session', ['auth']],
  ['POST', '/api/v1/admin/users/{user_id}/unlock', 'admin'],
  ['POST', '/api/v1/admin/config/reload', 'admin'],
]);
