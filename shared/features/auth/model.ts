// Auth feature model: sessions, auth results, the session port, the session_revoked relay notice and the auth error rows (docs/protocol/domain.md §4.8, §8.1).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';
import type { User } from '../users/index.js';

/** Session transport, recorded but never exposed (docs/protocol/domain.md §4.8). */
export type SessionProtocol = 'tcp' | 'http' | 'websocket';

/** Stored session (docs/protocol/domain.md §4.8); only {@link SessionInfo} is exposed. */
export interface Session {
  id: Uuid;
  user_id: Uuid;
  protocol: SessionProtocol;
  created_at: Timestamp;
  /** Expiry, RFC 3339. */
  expires_at: Timestamp;
  /** Source address at login (docs/protocol/extensions.md §10 sessions list); absent on old rows. */
  ip?: string;
  /** `User-Agent` header (HTTP) or `client_hello.client_name` (TCP/WS) at login. */
  user_agent?: string;
  /** Last authenticated use, RFC 3339; refreshed at most once a minute. */
  last_used_at?: Timestamp;
}

/** Where a login or register comes from: recorded on the session, keys the per-address lockout. */
export interface ClientOrigin {
  /** Source address (the rate-limit client key). */
  ip?: string;
  userAgent?: string;
}

/** One entry of `GET /api/v1/auth/sessions` (docs/protocol/extensions.md §10). */
export interface SessionListEntry {
  id: Uuid;
  created_at: Timestamp;
  last_used_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

/** What clients see of a session: `expires_at` in `+00:00` form (docs/protocol/domain.md §2). */
export interface SessionInfo {
  id: Uuid;
  expires_at: string;
}

/** Result of register/login (docs/protocol/http.md §5.1). */
export interface AuthResult {
  user: User;
  session: SessionInfo;
  token: string;
}

/** Session lifetime: 24 h (docs/protocol/domain.md §8.1), in milliseconds. */
export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Error rows of the auth feature (docs/protocol/tcp.md §9.3; bearer-extractor codes of docs/protocol/http.md §2.1, which a
 * TCP flow reports as `invalid_token`).
 */
export const errors = {
  invalid_credentials: { message: 'Invalid credentials', http: 401 },
  session_not_found: { message: 'Session not found or expired', http: 401 },
  session_expired: { message: 'Session expired', http: 401 },
  invalid_token: { message: 'Invalid token: malformed token', http: 401 },
  token_expired: { message: 'Token expired', http: 401 },
  missing_token: {
    message: 'Authorization header required',
    http: 401,
    tcp: 'invalid_token',
    tcpText: 'Invalid token: missing token',
  },
  invalid_format: {
    message: "Authorization header must be 'Bearer <token>'",
    http: 401,
    tcp: 'invalid_token',
    tcpText: 'Invalid token: malformed token',
  },
  invalid_claims: {
    message: 'Token claims are invalid',
    http: 401,
    tcp: 'invalid_token',
    tcpText: 'Invalid token: invalid claims',
  },
  incorrect_password: { message: 'Current password incorrect', http: 400 },
  // docs/protocol/extensions.md §10-§11
  account_locked: { message: 'Too many failed logins; try again later', http: 429 },
  totp_required: { message: 'Two-factor code required', http: 401 },
  totp_invalid: { message: 'Invalid two-factor code', http: 401 },
} as const satisfies ErrorRows;

/** The auth feature pushes no client events (it has a relay notice, {@link Notices}). */
/**
 * `session_expiring` (docs/protocol/extensions.md §10; upstream declares this type with exactly
 * these fields): sent by the relay to a session's own connections 5 minutes before `expires_at`.
 * Relay-local (a timer per connection), never published.
 */
export type Events = { type: 'session_expiring'; session_id: Uuid; expires_at: Timestamp };

/**
 * Relay-internal notice `session_revoked`: the session was deleted (logout over HTTP, TCP or WS);
 * relays stop delivering to its sockets and fail its commands at once (docs/adr/005).
 */
export type Notices = { type: 'session_revoked'; user_id: Uuid; session_id: Uuid };

/** Sessions: `USER#<id>` / `SESSION#<id>`, TTL on `expiresAt` (docs/protocol/domain.md §8.1). */
export interface SessionRepository {
  /** Stores a session; its TTL is its `expires_at`. */
  create(session: Session): Promise<void>;
  /** Reads a session; returns it even when past expiry (the caller decides), `null` if deleted. */
  get(userId: Uuid, sessionId: Uuid): Promise<Session | null>;
  /** Deletes a session. @returns whether it existed */
  delete(userId: Uuid, sessionId: Uuid): Promise<boolean>;
  /** Every stored session of a user (expired ones included; the caller filters), oldest first. */
  list(userId: Uuid): Promise<Session[]>;
  /** Sets `last_used_at` (only when the session still exists). */
  touch(userId: Uuid, sessionId: Uuid, at: Timestamp): Promise<void>;
}
