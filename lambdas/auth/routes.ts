// Route table of the `auth` Lambda group: register, login, logout, refresh, change-password (docs/protocol/http.md §5) and the account-security routes (docs/protocol/extensions.md §10); its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';
import { securityRoutes } from './security-routes.js';

/** The `auth` group's routes, in docs/protocol/http.md §4 order. */
export const routes = defineRoutes([
  ['POST', '/api/v1/auth/register', 'none', ['auth']],
  ['POST', '/api/v1/auth/login', 'none', ['auth']],
  ['POST', '/api/v1/auth/logout', 'session', ['auth']],
  ['POST', '/api/v1/auth/refresh', 'session', ['auth']],
  ['POST', '/api/v1/auth/change-password', 'session', ['auth']],
  ...securityRoutes,
]);
