// Account-security policy values (password score, lockout thresholds) and the security audit line, injected so a config reload changes them live (docs/protocol/extensions.md §10).
import type { Uuid } from '../../kernel/types.js';
import type { LockoutRule } from './lockout-store.js';

/** The tunable rules of docs/protocol/extensions.md §10; read on every use (hot reload). */
export interface AuthPolicy {
  /** Minimum zxcvbn score 0–4 (`auth.password_min_score`, default 2). */
  passwordMinScore: number;
  /** Per account (or unknown identifier): default 5 failures / 15 min lock 15 min. */
  account: LockoutRule;
  /** Per source address: default 20 failures / 15 min throttle 15 min. */
  address: LockoutRule;
}

/** The contract defaults (docs/protocol/extensions.md §10). */
export const DEFAULT_AUTH_POLICY: AuthPolicy = {
  passwordMinScore: 2,
  account: { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
  address: { maxFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
};

/**
 * One security event, with the fields of a moderation audit entry (docs/protocol/extensions.md §9):
 * `action`, `actor_id` (null = the system), `target` (user id, or the hashed kind of subject), `at`
 * (RFC 3339) and a `reason`. Never carries a password, code, identifier or raw address.
 */
export interface SecurityAuditEntry {
  action:
    | 'account_locked'
    | 'address_throttled'
    | 'account_unlocked'
    | 'totp_enabled'
    | 'totp_disabled'
    | 'recovery_code_used'
    | 'sessions_revoked'
    | 'config_reloaded'
    | 'config_reload_rejected';
  actor_id: Uuid | null;
  target: string;
  at: string;
  reason: string;
}

/** Where security events go (a log line today; the audit log once it exists). */
export type SecurityAudit = (entry: SecurityAuditEntry) => void;
