// Lambda for the auth routes (docs/protocol/http.md §5): register, login, logout, refresh, change-password.
import { z } from 'zod';
import { createGroupHandler, route, SUCCESS } from '../http/router.js';
import { jsonResponse } from '../http/response.js';
import { originOf } from '../http/origin.js';
import { securityRouteFunctions } from './security.js';

const registerBody = z.object({ username: z.string(), email: z.string(), password: z.string() });
// totp_code / recovery_code: the second factor after `totp_required` (docs/protocol/extensions.md §10).
const loginBody = z.object({
  identifier: z.string(),
  password: z.string(),
  totp_code: z.string().optional(),
  recovery_code: z.string().optional(),
});
const changePasswordBody = z.object({ current_password: z.string(), new_password: z.string() });

/** §5.1 201 `{user, session, token}`; creates a user and a 24 h session. */
const register = route({
  body: registerBody,
  handle: async ({ deps, body, event }) =>
    jsonResponse(201, await deps.services.auth.register(body, 'http', originOf(event, deps))),
});

/** §5.2 200 `{user, session, token}`; `invalid_credentials`, `totp_required`, `totp_invalid` 401; `account_locked` 429. */
const login = route({
  body: loginBody,
  handle: async ({ deps, body, event }) =>
    jsonResponse(200, await deps.services.auth.login(body, 'http', originOf(event, deps))),
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

/**
 * §5.5 200 `{"success":true,"revoked_sessions":n}`: every other session of the user is revoked (their
 * sockets close), this one stays (docs/upstream-differences.md); `incorrect_password` then `password_too_weak` (400).
 */
const changePassword = route({
  body: changePasswordBody,
  handle: async ({ deps, claims, body }) => {
    const { revoked_sessions } = await deps.services.auth.changePassword(
      claims.sub,
      body.current_password,
      body.new_password,
      claims.sid,
    );
    return jsonResponse(200, { ...SUCCESS, revoked_sessions });
  },
});

/** Entry of the `auth` group (routes: lambdas/http/routes.ts). */
export const handler = createGroupHandler('auth', {
  'POST /api/v1/auth/register': register,
  'POST /api/v1/auth/login': login,
  'POST /api/v1/auth/logout': logout,
  'POST /api/v1/auth/refresh': refresh,
  'POST /api/v1/auth/change-password': changePassword,
  ...securityRouteFunctions,
});
