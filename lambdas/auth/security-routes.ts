// Account-security rows of the `auth` group's route table: sessions, TOTP 2FA, admin unlock, config reload (docs/protocol/extensions.md §10); served by ./security.ts.
import type { RouteRow } from '../http/route-def.js';

/** The account-security rows (docs/protocol/extensions.md §10), appended to the `auth` group. */
export const securityRoutes: readonly RouteRow[] = [
  ['GET', '/api/v1/auth/sessions', 'session', ['auth']],
  ['DELETE', '/api/v1/auth/sessions/{session_id}', 'session', ['auth']],
  ['POST', '/api/v1/auth/logout-all', 'session', ['auth']],
  ['POST', '/api/v1/auth/2fa/setup', 'session', ['auth']],
  ['POST', '/api/v1/auth/2fa/enable', 'session', ['auth']],
  ['POST', '/api/v1/auth/2fa/disable', 'session', ['auth']],
  ['POST', '/api/v1/admin/users/{user_id}/unlock', 'admin'],
  ['POST', '/api/v1/admin/config/reload', 'admin'],
];
