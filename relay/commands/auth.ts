// Auth messages: authenticate, login, register (AWAIT_AUTH, docs/protocol/tcp.md §6.1–6.3) and logout (§6.4).
import { LockedError, type AuthResult } from '../../shared/features/auth/index.js';
import {
  failResponse,
  okResponse,
  responseTypeFor,
  type CoreMessageOf,
  type CommandResponse,
} from '../protocol/index.js';
import type { AuthContext, AuthSnapshot } from './context.js';
import { toResponseError } from './errors.js';

/** Result of an auth message: the response to send and, on success, the caller snapshot. */
export interface AuthOutcome {
  response: CommandResponse;
  /** Present iff the attempt succeeded; the connection then becomes AUTHENTICATED. */
  auth?: AuthSnapshot;
}

/** The three messages accepted in AWAIT_AUTH. */
export type AuthMessage = CoreMessageOf<'authenticate'> | CoreMessageOf<'login'> | CoreMessageOf<'register'>;

/** Text of a throttled `login`/`register` (docs/protocol/tcp.md §9.3 `rate_limited`; the window is 60 s). */
export const AUTH_THROTTLED_TEXT = 'Rate limited, retry after 60 seconds';

/**
 * Runs `authenticate` (JWT -> session -> not expired -> user; no new session), `login` or
 * `register` (deprecated; each creates a 24 h session and returns its `token`) (docs/protocol/tcp.md §6).
 * Never throws: failures become `<type>_response` with `success:false` and the state stays
 * AWAIT_AUTH (docs/protocol/tcp.md §3). `request_id` is echoed (docs/protocol/tcp.md §2.2 says this is safe). `login` and
 * `register` first spend one attempt of `ctx.allowAttempt` (per peer address) and answer
 * `rate_limited` when it is refused.
 */
export async function runAuth(msg: AuthMessage, ctx: AuthContext): Promise<AuthOutcome> {
  if (msg.type !== 'authenticate' && ctx.allowAttempt !== undefined && !(await ctx.allowAttempt())) {
    const type = responseTypeFor(msg.type);
    return {
      response: failResponse(type, msg.request_id, 'rate_limited', AUTH_THROTTLED_TEXT) as CommandResponse,
    };
  }
  try {
    switch (msg.type) {
      case 'authenticate': {
        const { user, session, claims } = await ctx.services.auth.authenticate(msg.token);
        return {
          response: okResponse('authenticate_response', msg.request_id, { user, session }),
          auth: { user, session, claims },
        };
      }
      case 'login': {
        const result = await ctx.services.auth.login(
          {
            identifier: msg.identifier,
            password: msg.password,
            totp_code: msg.totp_code,
            recovery_code: msg.recovery_code,
          },
          ctx.protocol,
          ctx.origin,
        );
        return {
          response: okResponse('login_response', msg.request_id, result),
          auth: await snapshot(result, ctx),
        };
      }
      case 'register': {
        const input = { username: msg.username, email: msg.email, password: msg.password };
        const result = await ctx.services.auth.register(input, ctx.protocol, ctx.origin);
        return {
          response: okResponse('register_response', msg.request_id, result),
          auth: await snapshot(result, ctx),
        };
      }
    }
  } catch (err) {
    const e = toResponseError(err, ctx.logger, { command: msg.type });
    const response = failResponse(
      responseTypeFor(msg.type),
      msg.request_id,
      e.code,
      e.message,
    ) as CommandResponse;
    // A lockout tells when to retry inside `error` (docs/protocol/extensions.md §0.6, §10).
    if (err instanceof LockedError && response.error) {
      (response.error as { retry_after_ms?: number }).retry_after_ms = err.retryAfterMs;
    }
    return { response };
  }
}

/** Claims of a freshly issued token (login/register), needed to re-validate the session later. */
async function snapshot(result: AuthResult, ctx: AuthContext): Promise<AuthSnapshot> {
  const claims = await ctx.services.auth.verifyToken(result.token);
  return { user: result.user, session: result.session, claims };
}

/**
 * `logout`: deletes the session (errors ignored) and answers `logout_response` with
 * `success: true`; the caller then closes the connection (docs/protocol/tcp.md §6.4).
 */
export async function runLogout(
  msg: CoreMessageOf<'logout'>,
  ctx: AuthContext,
  auth: AuthSnapshot,
): Promise<CommandResponse> {
  try {
    await ctx.services.auth.logout(auth.user.id, auth.claims.sid);
  } catch (err) {
    ctx.logger.debug({ err }, 'logout: session already gone (ignored)');
  }
  return okResponse('logout_response', msg.request_id, {});
}
