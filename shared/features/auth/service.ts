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
import { validateEmail, validatePassword, validateUsername } from '../../kernel/validation.js';
import { toUser, type User, type UserRecord, type UserRepository } from '../users/index.js';
import {
  SESSION_TTL_MS,
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
  ): Promise<AuthResult>;
  /**
   * Logs in by username, then email (case-insensitive); new 24 h session per login.
   * @throws `invalid_credentials` (unknown identifier and wrong password alike)
   */
  login(input: { identifier: string; password: string }, protocol: SessionProtocol): Promise<AuthResult>;
  /** Verifies a JWT only (the "B" level of docs/protocol/http.md §4). @throws `invalid_token` | `token_expired` | `invalid_claims` */
  verifyToken(token: string): Promise<TokenClaims>;
  /**
   * Loads the token's session (the "S" level). An expired row is deleted.
   * @throws `session_not_found` | `session_expired`
   */
  requireSession(claims: TokenClaims): Promise<Session>;
  /**
   * TCP/WS `authenticate`: token -> session -> not expired -> user exists; no new session
   * (docs/protocol/tcp.md §6.1). @throws `invalid_token` | `token_expired` | `session_not_found` | `session_expired` | `user_not_found`
   */
  authenticate(token: string): Promise<{ user: User; session: SessionInfo; claims: TokenClaims }>;
  /**
   * Deletes the session and publishes the relay notice `session_revoked` (docs/adr/005), so relays
   * stop trusting it at once. @throws `session_not_found` when it is already gone
   */
  logout(userId: Uuid, sessionId: Uuid): Promise<void>;
  /** New JWT for the same session and the same expiry (docs/protocol/http.md §5.4). @returns `expires_at` in +00:00 form */
  refresh(claims: TokenClaims): Promise<{ token: string; expires_at: string }>;
  /** @throws `incorrect_password` (checked first) | `password_too_weak` */
  changePassword(userId: Uuid, currentPassword: string, newPassword: string): Promise<void>;
}

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
  let dummyHash: Promise<string> | undefined;

  /** Creates a 24 h session row and its JWT for `user`. */
  async function openSession(user: UserRecord, protocol: SessionProtocol): Promise<AuthResult> {
    const now = clock.now();
    const expiresMs = now + SESSION_TTL_MS;
    const session: Session = {
      id: ids.uuid(),
      user_id: user.id,
      protocol,
      created_at: toTimestamp(now),
      expires_at: toTimestamp(expiresMs),
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

  async function requireSession(claims: TokenClaims): Promise<Session> {
    const session = await sessions.get(claims.sub, claims.sid);
    if (session === null) {
      await refuseBanned(claims.sub); // a ban deleted every session: say why (only on this failure path)
      throw new DomainError('session_not_found');
    }
    if (isExpired(session.expires_at, clock.now())) {
      await sessions.delete(claims.sub, claims.sid);
      throw new DomainError('session_expired');
    }
    return session;
  }

  return {
    async register(input, protocol) {
      const username = validateUsername(input.username);
      const email = validateEmail(input.email);
      const password = validatePassword(input.password);
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
      return openSession(user, protocol);
    },

    async login(input, protocol) {
      const user =
        (await users.getByUsername(input.identifier)) ?? (await users.getByEmail(input.identifier));
      if (user === null) {
        dummyHash ??= hasher.hash(DUMMY_PASSWORD);
        await hasher.verify(await dummyHash, input.password);
        throw new DomainError('invalid_credentials');
      }
      if (!(await hasher.verify(user.password_hash, input.password))) {
        throw new DomainError('invalid_credentials');
      }
      await refuseBanned(user.id);
      return openSession(user, protocol);
    },

    verifyToken: (token) => tokens.verify(token),

    requireSession,

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
      // One round trip: session, user and ban reads in parallel (the session error wins).
      const [sessionRead, userRead, banRead] = await Promise.allSettled([
        requireSession(claims),
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

    async changePassword(userId, currentPassword, newPassword) {
      const user = await users.getById(userId);
      if (user === null) throw new DomainError('user_not_found');
      if (!(await hasher.verify(user.password_hash, currentPassword))) {
        throw new DomainError('incorrect_password');
      }
      validatePassword(newPassword);
      await users.updatePasswordHash(userId, await hasher.hash(newPassword), toTimestamp(clock.now()));
    },
  };
}
