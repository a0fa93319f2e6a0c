// Login lockout rules over the counters (docs/protocol/extensions.md §10): check before the password, count failures, clear on success, admin unlock.
import { DomainError } from '../../kernel/errors.js';
import type { Clock } from '../../kernel/ports.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import type { LockoutRepository } from './lockout-store.js';
import type { AuthPolicy, SecurityAudit } from './policy.js';

/**
 * A refusal that carries when to retry: `account_locked` (429) or `rate_limited` (429, address
 * throttle). Adapters put `retry_after_ms` inside the error envelope (docs/protocol/extensions.md §0.6).
 */
export class LockedError extends DomainError {
  override readonly name = 'LockedError';
  /** @param retryAfterMs - milliseconds until the lock ends */
  constructor(
    code: 'account_locked' | 'rate_limited',
    readonly retryAfterMs: number,
  ) {
    super(code, code === 'rate_limited' ? 'Too many failed logins from this address' : undefined);
  }
}

/** The lockout steps login runs. Subjects: `user:<id>` for known accounts, `name:<identifier>` otherwise. */
export interface LockoutGuard {
  /** @throws LockedError `rate_limited` while the address is throttled */
  checkAddress(ip: string | undefined): Promise<void>;
  /** @throws LockedError `account_locked` while the subject is locked */
  checkAccount(subject: string, userId: Uuid | undefined): Promise<void>;
  /** Counts a failed password or code for the subject and the address; audits a new lock. */
  fail(subject: string, ip: string | undefined, userId: Uuid | undefined): Promise<void>;
  /** A successful login clears the subject's counter. */
  succeed(subject: string): Promise<void>;
  /** Admin unlock of a user's account counter. @returns whether a counter existed */
  unlock(userId: Uuid, adminId: Uuid): Promise<boolean>;
}

/** Builds the {@link LockoutGuard}; the policy is read on each call (hot reload). */
export function lockoutGuard(deps: {
  lockouts: LockoutRepository;
  policy: () => AuthPolicy;
  audit: SecurityAudit;
  clock: Clock;
}): LockoutGuard {
  const { lockouts, policy, audit, clock } = deps;
  const at = (): string => toTimestamp(clock.now());
  return {
    async checkAddress(ip) {
      if (ip === undefined || policy().address.maxFailures <= 0) return;
      const ms = await lockouts.lockedFor('address', ip);
      if (ms > 0) throw new LockedError('rate_limited', ms);
    },
    async checkAccount(subject) {
      if (policy().account.maxFailures <= 0) return;
      const ms = await lockouts.lockedFor('account', subject);
      if (ms > 0) throw new LockedError('account_locked', ms);
    },
    async fail(subject, ip, userId) {
      const p = policy();
      const [account, address] = await Promise.all([
        p.account.maxFailures > 0 ? lockouts.recordFailure('account', subject, p.account) : 0,
        ip !== undefined && p.address.maxFailures > 0 ? lockouts.recordFailure('address', ip, p.address) : 0,
      ]);
      if (account === p.account.lockMs && account > 0) {
        audit({
          action: 'account_locked',
          actor_id: null,
          target: userId ?? 'unknown-identifier',
          at: at(),
          reason: `${p.account.maxFailures} failed logins`,
        });
      }
      if (address === p.address.lockMs && address > 0) {
        audit({
          action: 'address_throttled',
          actor_id: null,
          target: 'address',
          at: at(),
          reason: `${p.address.maxFailures} failed logins`,
        });
      }
    },
    async succeed(subject) {
      await lockouts.clear('account', subject);
    },
    async unlock(userId, adminId) {
      const had = await lockouts.clear('account', `user:${userId}`);
      audit({
        action: 'account_unlocked',
        actor_id: adminId,
        target: userId,
        at: at(),
        reason: 'admin unlock',
      });
      return had;
    },
  };
}
