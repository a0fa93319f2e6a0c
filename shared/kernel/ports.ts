// Infrastructure ports the services depend on: events, clock, ids, password hashing, tokens.
import type { DomainEvent } from './events.js';
import type { SystemRole, Uuid } from './types.js';

/** Hands events to every process that holds sockets (docs/design.md §4). Never throws to the caller's
 * business path: a delivery failure is logged, the state change already happened. */
export interface EventPublisher {
  /** Publishes events in order; resolves when handed off (not when delivered). */
  publish(...events: DomainEvent[]): Promise<void>;
}

/** Source of "now"; injectable so tests can move time. */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
}

/** Id source (docs/design.md §3 "IDs"). */
export interface IdGenerator {
  /** New UUID v4, lowercase hyphenated. */
  uuid(): Uuid;
  /** New ULID whose time part is `ms` (epoch ms), monotonic within the process. */
  ulid(ms: number): string;
}

/** Argon2id password hashing (PHC strings). */
export interface PasswordHasher {
  /** Hashes a password. @returns PHC string */
  hash(password: string): Promise<string>;
  /** Verifies a password against a PHC string; false on mismatch or malformed hash. */
  verify(hash: string, password: string): Promise<boolean>;
}

/** Verified JWT claims (docs/protocol/http.md §1.1). Times are epoch **seconds**. */
export interface TokenClaims {
  sub: Uuid;
  sid: Uuid;
  username: string;
  role: SystemRole;
  exp: number;
  iat: number;
}

/**
 * Is this account banned? (docs/protocol/extensions.md §9): the auth service asks it on login,
 * register-as-same-email and token use; the moderation store implements it.
 */
export interface BanCheck {
  /** The live ban of `userId` (expired ones count as none), `null` when not banned. */
  activeBan(userId: Uuid): Promise<{ reason: string; expires_at: string | null } | null>;
}

/** HS256 JWT issue/verify with zero leeway on `exp` (docs/protocol/domain.md §8.1). */
export interface TokenService {
  /** Signs claims. @param claims - `exp`/`iat` in epoch seconds */
  issue(claims: TokenClaims): Promise<string>;
  /**
   * Verifies signature and `exp`, and that `sub`/`sid` are UUIDs.
   * @throws DomainError `token_expired` | `invalid_token` ("Invalid token: <reason>") | `invalid_claims`
   */
  verify(token: string): Promise<TokenClaims>;
}

/** Result of consuming one unit from a fixed-window bucket (docs/protocol/http.md §3). */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until the window resets. */
  resetSeconds: number;
}

/** Fixed-window counters keyed by client and bucket (docs/protocol/http.md §3). */
export interface RateLimiter {
  /**
   * Consumes one unit from `bucket` for `key`.
   * @param limit - requests per window; @param windowSeconds - window length in seconds
   */
  consume(key: string, bucket: string, limit: number, windowSeconds: number): Promise<RateLimitDecision>;
}
