// Auth use cases: register, login, sessions, token verification, logout, refresh, password change.
import { emit, type EmitDeps } from '../../kernel/events.js';
import { ConflictError, DomainError, isDomainError } from '../../kernel/errors.js';
import type { BanCheck, PasswordHasher, TokenClaims, TokenService } from '../../kernel/ports.js';
import {
  isExpired,
  parseTimestamp,
  toEpochSeconds,
  toRfc3339Offset,
  toTimestamp,
} from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { validateEmail, validateUsername } from '../../kernel/validation.js';
import { toUser, type User, type UserRecord, type UserRepository } from '../users/index.js';
import type { LockoutRepository } from './lockout-store.js';
import { checkPasswordPolicy } from './password-policy.js';
import { DEFAULT_AUTH_POLICY, type AuthPolicy, type SecurityAudit } from './policy.js';
import type { TotpRepository } from './totp-store.js';
import { createTwoFactorService, type SecondFactor } from './two-factor.js';
import { lockoutGuard } from './lockout.js';
import {
  SESSION_TTL_MS,
  type ClientOrigin,
  type SessionListEntry,
  type AuthResult,
  type Session,
  type SessionInfo,
  type SessionProtocol,
  type SessionRepository,
} from './model.js';

/** What the AuthService needs. */
export interface AuthServiceDeps extends EmitDeps {
  users: UserRepository;
  sessions: SessionRepository;
  hasher: PasswordHasher;
  tokens: TokenService;
  lockouts: LockoutRepository;
  totp: TotpRepository;
  /** Current policy values (read per call, so a config reload applies at once); default the contract's. */
  authPolicy?: () => AuthPolicy;
  /** Security events (lockouts, 2FA changes, revocations); default dropped. */
  securityAudit?: SecurityAudit;
  /** Ban lookups (docs/protocol/extensions.md §9; the moderation store); absent = no bans. */
  moderation?: BanCheck;
}

/** Registration, login, sessions and tokens (docs/protocol/http.md §5, docs/protocol/tcp.md §6, docs/protocol/domain.md §8.1). */
export interface AuthService {
  /**
   * Creates a user (role `user`) and a 24 h session. Check order: username format, email format,
   * password, username taken, email taken (docs/protocol/domain.md §5).
   * @throws `username_invalid` | `email_invalid` | `password_too_weak` | `username_taken` | `email_taken`
   */
  register(
    input: { username: string; email: string; password: string },
    protocol: SessionProtocol,
    origin?: ClientOrigin,
  ): Promise<AuthResult>;
  /**
   * Logs in by username, then email (case-insensitive); new 24 h session per login. Lockout and
   * the second factor of docs/protocol/extensions.md §10 apply: a locked account or address is
   * refused before the password is checked; a wrong password or code counts one failure for the
   * account (unknown identifiers alike) and the address.
   * @throws `invalid_credentials` (unknown identifier and wrong password alike) | `account_locked` /
   *   `rate_limited` (LockedError of ./lockout.ts, with `retryAfterMs`) | `totp_required` | `totp_invalid`
   */
  login(
    input: { identifier: string; password: string } & SecondFactor,
    protocol: SessionProtocol,
    origin?: ClientOrigin,
  ): Promise<AuthResult>;
  /** Verifies a JWT only (the "B" level of docs/protocol/http.md §4). @throws `invalid_token` | `token_expired` | `invalid_claims` */
  verifyToken(token: string): Promise<TokenClaims>;
  /**
   * Loads the token's session (the "S" level). An expired row is deleted.
   * @throws `session_not_found` | `session_expired`
   */
  requireSession(claims: TokenClaims): Promise<Session>;
  /**
   * TCP/WS `authenticate`: token -> session -> not expired -> user exists; no new session
   * (docs/protocol/tcp.md §6.1). The session's `last_used_at` refresh (at most once a minute) is
   * started, not awaited (docs/adr/029). @throws `invalid_token` | `token_expired` | `session_not_found` | `session_expired` | `user_not_found`
   */
  authenticate(token: string): Promise<{ user: User; session: SessionInfo; claims: TokenClaims }>;
  /**
   * Deletes the session and publishes the relay notice `session_revoked` (docs/adr/005), so relays
   * stop trusting it at once. @throws `session_not_found` when it is already gone
   */
  logout(userId: Uuid, sessionId: Uuid): Promise<void>;
  /** New JWT for the same session and the same expiry (docs/protocol/http.md §5.4). @returns `expires_at` in +00:00 form */
  refresh(claims: TokenClaims): Promise<{ token: string; expires_at: string }>;
  /**
   * Changes the password and revokes every other session of the user (their sockets close on
   * every relay); `keepSessionId` survives.
   * @returns how many other sessions were revoked
   * @throws `incorrect_password` (checked first) | `password_too_weak`
   */
  changePassword(
    userId: Uuid,
    currentPassword: string,
    newPassword: string,
    keepSessionId?: Uuid,
  ): Promise<{ revoked_sessions: number }>;
  /** The user's live sessions, oldest first; `current` marks `currentSessionId` (docs/protocol/extensions.md §10). */
  listSessions(userId: Uuid, currentSessionId: Uuid): Promise<SessionListEntry[]>;
  /** Revokes one of the caller's own sessions. @throws `not_found` (unknown or someone else's) */
  revokeSession(userId: Uuid, sessionId: Uuid): Promise<void>;
  /**
   * Revokes every session of the user (`except` survives when given).
   * @returns how many were revoked
   */
  revokeAllSessions(userId: Uuid, except?: Uuid): Promise<number>;
  /**
   * Admin unlock: clears the account's failed-login counter (docs/protocol/extensions.md §10).
   * @returns whether it was locked or counting
   * @throws `permission_denied` (caller's stored role is not admin) | `user_not_found`
   */
  unlock(userId: Uuid, adminId: Uuid): Promise<boolean>;
  /** @throws `permission_denied` unless the stored role of `userId` is `admin` */
  requireAdmin(userId: Uuid): Promise<void>;
}

/** Minimum spacing of `last_used_at` writes, ms. */
const TOUCH_INTERVAL_MS = 60_000;

/** Password hashed once per service instance to keep "unknown user" logins as slow as real ones. */
const DUMMY_PASSWORD = 'lair-chat-timing-equaliser';

/**
 * Builds the AuthService (docs/protocol/http.md §5, docs/protocol/tcp.md §6, docs/protocol/domain.md §8.1).
 *
 * Sessions last 24 h (`SESSION_TTL_MS`); the stored `expires_at` is `toTimestamp` (…Z), the
 * exposed `SessionInfo.expires_at` is `toRfc3339Offset` (…+00:00) and the JWT `exp` is the same
 * instant in epoch **seconds** (floored).
 *
 * `verifyToken` (the HTTP "B" level) passes TokenService errors through, `invalid_claims`
 * included (docs/protocol/http.md §2.1). `authenticate` (TCP/WS, docs/protocol/tcp.md §6.1) reports claim problems as
 * `invalid_token` "Invalid token: invalid claims" instead, since docs/protocol/tcp.md lists no `invalid_claims`.
 */
export function createAuthService(deps: AuthServiceDeps): AuthService {
  const { users, sessions, clock, ids, hasher, tokens } = deps;
  const policy = deps.authPolicy ?? (() => DEFAULT_AUTH_POLICY);
  const audit: SecurityAudit = deps.securityAudit ?? (() => undefined);
  const twoFactor = createTwoFactorService({ ...deps, securityAudit: audit });
  const guard = lockoutGuard({ lockouts: deps.lockouts, policy, audit, clock });
  let dummyHash: Promise<string> | undefined;

  /** Creates a 24 h session row and its JWT for `user`. */
  async function openSession(
    user: UserRecord,
    protocol: SessionProtocol,
    origin: ClientOrigin = {},
  ): Promise<AuthResult> {
    const now = clock.now();
    const expiresMs = now + SESSION_TTL_MS;
    const session: Session = {
      id: ids.uuid(),
      user_id: user.id,
      protocol,
      created_at: toTimestamp(now),
      expires_at: toTimestamp(expiresMs),
      last_used_at: toTimestamp(now),
      ...(origin.ip === undefined ? {} : { ip: origin.ip.slice(0, 64) }),
      ...(origin.userAgent === undefined ? {} : { user_agent: origin.userAgent.slice(0, 256) }),
    };
    await sessions.create(session);
    const token = await tokens.issue({
      sub: user.id,
      sid: session.id,
      username: user.username,
      role: user.role,
      exp: toEpochSeconds(expiresMs),
      iat: toEpochSeconds(now),
    });
    return { user: toUser(user), session: { id: session.id, expires_at: toRfc3339Offset(expiresMs) }, token };
  }

  /** extensions.md §9: a banned account answers `account_banned` (403). @throws DomainError `account_banned` */
  async function refuseBanned(userId: Uuid): Promise<void> {
    if ((await deps.moderation?.activeBan(userId)) != null) throw new DomainError('account_banned');
  }

  /**
   * The session of `claims`, checked; `last_used_at` is refreshed when older than a minute —
   * awaited unless `background` (then a failed touch is dropped: it is bookkeeping, not a check).
   */
  async function requireSession(claims: TokenClaims, background = false): Promise<Session> {
    const session = await sessions.get(claims.sub, claims.sid);
    if (session === null) {
      await refuseBanned(claims.sub); // a ban deleted every session: say why (only on this failure path)
      throw new DomainError('session_not_found');
    }
    if (isExpired(session.expires_at, clock.now())) {
      await sessions.delete(claims.sub, claims.sid);
      throw new DomainError('session_expired');
    }
    const now = clock.now();
    const last = session.last_used_at === undefined ? 0 : parseTimestamp(session.last_used_at);
    if (now - last >= TOUCH_INTERVAL_MS) {
      const touched = sessions.touch(claims.sub, claims.sid, toTimestamp(now));
      if (background) touched.catch(() => undefined);
      else await touched;
    }
    return session;
  }

  /** Deletes sessions and tells every relay, like logout (docs/adr/005). @returns how many existed */
  async function revokeMany(userId: Uuid, ids: Uuid[]): Promise<number> {
    const existed = await Promise.all(ids.map((id) => sessions.delete(userId, id)));
    const gone = ids.filter((_, i) => existed[i]);
    for (const sessionId of gone) {
      await emit(
        deps,
        { kind: 'users', userIds: [userId] },
        { type: 'session_revoked', user_id: userId, session_id: sessionId },
      );
    }
    return gone.length;
  }

  async function requireAdmin(userId: Uuid): Promise<void> {
    if ((await users.getById(userId))?.role !== 'admin') throw new DomainError('permission_denied');
  }

  async function revokeAll(userId: Uuid, except?: Uuid): Promise<number> {
    const ids = (await sessions.list(userId)).map((s) => s.id).filter((id) => id !== except);
    const n = await revokeMany(userId, ids);
    if (n > 0) {
      audit({
        action: 'sessions_revoked',
        actor_id: userId,
        target: userId,
        at: toTimestamp(clock.now()),
        reason: `${n} session(s)`,
      });
    }
    return n;
  }

  return {
    async register(input, protocol, origin) {
      const username = validateUsername(input.username);
      const email = validateEmail(input.email);
      const password = await checkPasswordPolicy(
        input.password,
        { username, email },
        policy().passwordMinScore,
      );
      const now = toTimestamp(clock.now());
      const user: UserRecord = {
        id: ids.uuid(),
        username,
        email,
        role: 'user',
        created_at: now,
        updated_at: now,
        last_seen_at: null,
        password_hash: await hasher.hash(password),
      };
      try {
        await users.create(user); // username_taken before email_taken (repository contract)
      } catch (e) {
        const owner =
          e instanceof ConflictError && e.code === 'email_taken' ? await users.getByEmail(email) : null;
        if (owner !== null) await refuseBanned(owner.id);
        throw e;
      }
      return openSession(user, protocol, origin);
    },

    async login(input, protocol, origin = {}) {
      await guard.checkAddress(origin.ip);
      const user =
        (await users.getByUsername(input.identifier)) ?? (await users.getByEmail(input.identifier));
      // Unknown identifiers get a counter of their own: the same lock, the same answers (no enumeration).
      const subject = user === null ? `name:${input.identifier.toLowerCase()}` : `user:${user.id}`;
      await guard.checkAccount(subject, user?.id);
      let passwordOk: boolean;
      if (user === null) {
        dummyHash ??= hasher.hash(DUMMY_PASSWORD);
        await hasher.verify(await dummyHash, input.password);
        passwordOk = false;
      } else {
        passwordOk = await hasher.verify(user.password_hash, input.password);
      }
      if (!passwordOk || user === null) {
        await guard.fail(subject, origin.ip, user?.id);
        throw new DomainError('invalid_credentials');
      }
      try {
        await twoFactor.verifyLogin(user.id, input);
      } catch (e) {
        if (isDomainError(e, 'totp_invalid')) await guard.fail(subject, origin.ip, user.id);
        throw e;
      }
      await refuseBanned(user.id);
      await guard.succeed(subject);
      return openSession(user, protocol, origin);
    },

    verifyToken: (token) => tokens.verify(token),

    requireSession: (claims) => requireSession(claims),

    async authenticate(token) {
      let claims: TokenClaims;
      try {
        claims = await tokens.verify(token);
      } catch (e) {
        if (isDomainError(e, 'invalid_claims')) {
          throw new DomainError('invalid_token', 'Invalid token: invalid claims');
        }
        throw e;
      }
      // One round trip: session, user and ban reads in parallel (the session error wins); on a
      // relay the three GetItems share one BatchGetItem (docs/adr/029). The `last_used_at` touch is
      // not waited for: the answer does not depend on it.
      const [sessionRead, userRead, banRead] = await Promise.allSettled([
        requireSession(claims, true),
        users.getById(claims.sub),
        refuseBanned(claims.sub),
      ]);
      if (sessionRead.status === 'rejected') throw sessionRead.reason;
      if (banRead.status === 'rejected') throw banRead.reason;
      if (userRead.status === 'rejected') throw userRead.reason;
      const session = sessionRead.value;
      const user = userRead.value;
      if (user === null) throw new DomainError('user_not_found');
      const expiresMs = parseTimestamp(session.expires_at);
      return {
        user: toUser(user),
        session: { id: session.id, expires_at: toRfc3339Offset(expiresMs) },
        claims,
      };
    },

    async logout(userId, sessionId) {
      if (!(await sessions.delete(userId, sessionId))) throw new DomainError('session_not_found');
      // Relays end their lease on this session and stop its event delivery (docs/adr/005).
      await emit(
        deps,
        { kind: 'users', userIds: [userId] },
        {
          type: 'session_revoked',
          user_id: userId,
          session_id: sessionId,
        },
      );
    },

    async refresh(claims) {
      const session = await requireSession(claims);
      const expiresMs = parseTimestamp(session.expires_at);
      const token = await tokens.issue({
        sub: claims.sub,
        sid: session.id,
        username: claims.username,
        role: claims.role,
        exp: toEpochSeconds(expiresMs),
        iat: toEpochSeconds(clock.now()),
      });
      return { token, expires_at: toRfc3339Offset(expiresMs) };
    },

    async changePassword(userId, currentPassword, newPassword, keepSessionId) {
      const user = await users.getById(userId);
      if (user === null) throw new DomainError('user_not_found');
      if (!(await hasher.verify(user.password_hash, currentPassword))) {
        throw new DomainError('incorrect_password');
      }
      await checkPasswordPolicy(newPassword, user, policy().passwordMinScore);
      await users.updatePasswordHash(userId, await hasher.hash(newPassword), toTimestamp(clock.now()));
      // Issue 17 finding 2: a password change ends every other session (docs/upstream-differences.md).
      return { revoked_sessions: await revokeAll(userId, keepSessionId) };
    },

    async listSessions(userId, currentSessionId) {
      const now = clock.now();
      return (await sessions.list(userId))
        .filter((s) => !isExpired(s.expires_at, now))
        .map((s) => ({
          id: s.id,
          created_at: s.created_at,
          last_used_at: s.last_used_at ?? s.created_at,
          ip: s.ip ?? null,
          user_agent: s.user_agent ?? null,
          current: s.id === currentSessionId,
        }));
    },

    async revokeSession(userId, sessionId) {
      if ((await revokeMany(userId, [sessionId])) === 0)
        throw new DomainError('not_found', 'Session not found');
    },

    revokeAllSessions: revokeAll,

    async unlock(userId, adminId) {
      await requireAdmin(adminId);
      if ((await users.getById(userId)) === null) throw new DomainError('user_not_found');
      return guard.unlock(userId, adminId);
    },

    requireAdmin,
  };
}
