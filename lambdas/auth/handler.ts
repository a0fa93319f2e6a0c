// Lambda for the auth routes (docs/protocol/http.md §5): register, login, logout, refresh, change-password.
import { z } from 'zod';
import { createGroupHandler, route, SUCCESS } from '../http/router.js';
import { jsonResponse } from '../http/response.js';

const registerBody = z.object({ username: z.string(), email: z.string(), password: z.string() });
const loginBody = z.object({ identifier: z.string(), password: z.string() });
const changePasswordBody = z.object({ current_password: z.string(), new_password: z.string() });

/** §5.1 201 `{user, session, token}`; creates a user and a 24 h session. */
const register = route({
  body: registerBody,
  handle: async ({ deps, body }) => jsonResponse(201, await deps.services.auth.register(body, 'http')),
});

/** §5.2 200 `{user, session, token}`; `invalid_credentials` 401. */
const login = route({
  body: loginBody,
  handle: async ({ deps, body }) => jsonResponse(200, await deps.services.auth.login(body, 'http')),
});

/** §5.3 200 `{"success":true}`; deletes the token's session. */
const logout = route({
  handle: async ({ deps, claims }) => {
    await deps.services.auth.logout(claims.sub, claims.sid);
    return jsonResponse(200, SUCCESS);
  },
});

/** §5.4 200 `{token, expires_at}`: same session, same expiry. */
const refresh = route({
  handle: async ({ deps, claims }) => jsonResponse(200, await deps.services.auth.refresh(claims)),
});

/** §5.5 200 `{"success":true}`; `incorrect_password` then `password_too_weak` (400). */
const changePassword = route({
  body: changePasswordBody,
  handle: async ({ deps, claims, body }) => {
    await deps.services.auth.changePassword(claims.sub, body.current_password, body.new_password);
    return jsonResponse(200, SUCCESS);
  },
});

/** Entry of the `auth` group (routes: lambdas/http/routes.ts). */
export const handler = createGroupHandler('auth', {
  'POST /api/v1/auth/register': register,
  'POST /api/v1/auth/login': login,
  'POST /api/v1/auth/logout': logout,
  'POST /api/v1/auth/refresh': refresh,
  'POST /api/v1/auth/change-password': changePassword,
});
