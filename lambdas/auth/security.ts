// Route functions of the account-security rows of the `auth` group (docs/protocol/extensions.md §10): sessions list/revoke/logout-all, TOTP setup/enable/disable, admin unlock, config reload.
import { z } from 'zod';
import { DomainError } from '../../shared/kernel/errors.js';
import { route, SUCCESS, type Route } from '../http/router.js';
import { jsonResponse } from '../http/response.js';

const codeBody = z.object({ code: z.string() });
const success = z.object({ success: z.literal(true) });
const revoked = z.object({ success: z.literal(true), revoked_sessions: z.number().int() });
const sessionsResponse = z.object({
  sessions: z.array(
    z.object({
      id: z.uuid(),
      created_at: z.string(),
      last_used_at: z.string(),
      ip: z.string().nullable(),
      user_agent: z.string().nullable(),
      current: z.boolean(),
    }),
  ),
});
const disableBody = z.object({
  password: z.string(),
  code: z.string().optional(),
  recovery_code: z.string().optional(),
});

/** 200 `{sessions:[{id, created_at, last_used_at, ip, user_agent, current}]}`, oldest first. */
const listSessions = route({
  responses: { 200: sessionsResponse },
  handle: async ({ deps, claims }) =>
    jsonResponse(200, { sessions: await deps.services.auth.listSessions(claims.sub, claims.sid) }),
});

/** 200 `{"success":true}`; the session's sockets close on every relay. Unknown or another user's ⇒ `not_found` 404. */
const revokeSession = route({
  path: { session_id: 'not_found' },
  responses: { 200: success },
  handle: async ({ deps, claims, params }) => {
    await deps.services.auth.revokeSession(claims.sub, params.session_id);
    return jsonResponse(200, SUCCESS);
  },
});

/** 200 `{"success":true,"revoked_sessions":n}`: every session of the caller, this one included. */
const logoutAll = route({
  responses: { 200: revoked },
  handle: async ({ deps, claims }) =>
    jsonResponse(200, {
      ...SUCCESS,
      revoked_sessions: await deps.services.auth.revokeAllSessions(claims.sub),
    }),
});

/** 200 `{secret, otpauth_url}` (pending until enable); already enabled ⇒ `validation_failed` 400. */
const setup = route({
  responses: { 200: z.object({ secret: z.string(), otpauth_url: z.string() }) },
  handle: async ({ deps, claims }) => jsonResponse(200, await deps.services.twoFactor.setup(claims.sub)),
});

/** 200 `{recovery_codes:[10]}`; wrong code ⇒ `totp_invalid` 401. */
const enable = route({
  body: codeBody,
  responses: { 200: z.object({ recovery_codes: z.array(z.string()).length(10) }) },
  handle: async ({ deps, claims, body }) =>
    jsonResponse(200, await deps.services.twoFactor.enable(claims.sub, body.code)),
});

/** 200 `{"success":true}`; `incorrect_password` 400, `totp_invalid` 401. */
const disable = route({
  body: disableBody,
  responses: { 200: success },
  handle: async ({ deps, claims, body }) => {
    await deps.services.twoFactor.disable(claims.sub, body.password, {
      totp_code: body.code,
      recovery_code: body.recovery_code,
    });
    return jsonResponse(200, SUCCESS);
  },
});

/** 200 `{"success":true,"was_locked":bool}`; stored role admin only (`permission_denied` 403). */
const unlock = route({
  path: { user_id: 'user_not_found' },
  responses: { 200: z.object({ success: z.literal(true), was_locked: z.boolean() }) },
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, {
      ...SUCCESS,
      was_locked: await deps.services.auth.unlock(params.user_id, claims.sub),
    }),
});

/**
 * 200 `{applied, restart_required}` (key paths); an invalid document ⇒ 422 `validation_failed`
 * naming the key, the old config stays. No reloader in this process ⇒ `validation_failed`.
 */
const reloadConfig = route({
  responses: { 200: z.object({ applied: z.array(z.string()), restart_required: z.array(z.string()) }) },
  handle: async ({ deps, claims }) => {
    await deps.services.auth.requireAdmin(claims.sub);
    if (deps.reloadConfig === undefined) {
      throw new DomainError('validation_failed', 'This process has no reloadable configuration source');
    }
    return jsonResponse(200, await deps.reloadConfig(`admin:${claims.sub}`));
  },
});

/** The functions of ./security-routes.ts, by route key (spread into the `auth` group's handler). */
export const securityRouteFunctions: Readonly<Record<string, Route>> = {
  'GET /api/v1/auth/sessions': listSessions,
  'DELETE /api/v1/auth/sessions/{session_id}': revokeSession,
  'POST /api/v1/auth/logout-all': logoutAll,
  'POST /api/v1/auth/2fa/setup': setup,
  'POST /api/v1/auth/2fa/enable': enable,
  'POST /api/v1/auth/2fa/disable': disable,
  'POST /api/v1/admin/users/{user_id}/unlock': unlock,
  'POST /api/v1/admin/config/reload': reloadConfig,
};
