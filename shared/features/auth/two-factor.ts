// TOTP two-factor authentication (docs/protocol/extensions.md §10): setup, enable with recovery codes, disable, and the second-factor check of login.
import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { DomainError } from '../../kernel/errors.js';
import type { Clock, PasswordHasher } from '../../kernel/ports.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import type { UserRepository } from '../users/index.js';
import type { SecurityAudit } from './policy.js';
import type { TotpRecord, TotpRepository } from './totp-store.js';

/** RFC 6238 parameters of docs/protocol/extensions.md §10: SHA-1, 6 digits, 30 s, ±1 step. */
export const TOTP_PARAMS = { algorithm: 'SHA1', digits: 6, period: 30, window: 1 } as const;
/** Number of recovery codes handed out by `enable`. */
export const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'Lair Chat';
const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** The second factor a login may carry. */
export interface SecondFactor {
  totp_code?: string | undefined;
  recovery_code?: string | undefined;
}

/** What the two-factor service needs. */
export interface TwoFactorDeps {
  users: UserRepository;
  totp: TotpRepository;
  hasher: PasswordHasher;
  clock: Clock;
  securityAudit?: SecurityAudit;
}

/** Setup / enable / disable (docs/protocol/extensions.md §10). */
export interface TwoFactorService {
  /**
   * Creates a new pending secret (replacing an earlier pending one).
   * @returns `{secret}` base32 and the `otpauth://totp/...` URL for authenticator apps
   * @throws `validation_failed` when 2FA is already enabled | `user_not_found`
   */
  setup(userId: Uuid): Promise<{ secret: string; otpauth_url: string }>;
  /**
   * Turns 2FA on when `code` is valid for the pending secret.
   * @returns 10 recovery codes, shown once (only their Argon2id hashes are stored)
   * @throws `totp_invalid` (bad/replayed code, or no setup) | `validation_failed` (already enabled)
   */
  enable(userId: Uuid, code: string): Promise<{ recovery_codes: string[] }>;
  /**
   * Turns 2FA off after checking the password and a current code (or a recovery code).
   * @throws `incorrect_password` | `totp_invalid` | `validation_failed` (2FA not enabled)
   */
  disable(userId: Uuid, password: string, factor: SecondFactor): Promise<void>;
  /**
   * Login's second step for a user whose password was right.
   * @returns `'none'` (2FA off), `'ok'` (a fresh code or an unused recovery code was consumed)
   * @throws `totp_required` (no factor given) | `totp_invalid` (wrong, malformed, outside ±1 step, reused)
   */
  verifyLogin(userId: Uuid, factor: SecondFactor): Promise<'none' | 'ok'>;
}

/** The 30 s step of an epoch-ms instant. */
export const stepOf = (ms: number): number => Math.floor(ms / 1000 / TOTP_PARAMS.period);

function totpFor(secret: string, label = 'user'): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: TOTP_PARAMS.algorithm,
    digits: TOTP_PARAMS.digits,
    period: TOTP_PARAMS.period,
    secret: Secret.fromBase32(secret),
  });
}

/** A random `xxxxx-xxxxx` recovery code (31-letter alphabet, ~49 bits). */
function recoveryCode(): string {
  const pick = (): string => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)] as string;
  const part = (): string => Array.from({ length: 5 }, pick).join('');
  return `${part()}-${part()}`;
}

const normaliseRecovery = (code: string): string => code.trim().toLowerCase();

/** Builds the {@link TwoFactorService}; replay protection is the conditional `last_step < step` write. */
export function createTwoFactorService(deps: TwoFactorDeps): TwoFactorService {
  const { totp, hasher, clock, users } = deps;
  const audit = (action: 'totp_enabled' | 'totp_disabled' | 'recovery_code_used', userId: Uuid): void =>
    deps.securityAudit?.({
      action,
      actor_id: userId,
      target: userId,
      at: toTimestamp(clock.now()),
      reason: action,
    });

  /** The step `code` is valid at for `secret` (±1), or null; malformed codes are null. */
  function matchStep(secret: string, code: string): number | null {
    if (!/^\d{6}$/.test(code)) return null;
    const now = clock.now();
    const delta = totpFor(secret).validate({ token: code, timestamp: now, window: TOTP_PARAMS.window });
    return delta === null ? null : stepOf(now) + delta;
  }

  async function checkCode(userId: Uuid, record: TotpRecord, code: string): Promise<void> {
    const step = record.secret === undefined ? null : matchStep(record.secret, code);
    if (step === null || step <= record.lastStep || !(await totp.consumeStep(userId, step))) {
      throw new DomainError('totp_invalid');
    }
  }

  async function checkRecovery(userId: Uuid, record: TotpRecord, code: string): Promise<void> {
    const given = normaliseRecovery(code);
    for (const hash of record.recoveryHashes) {
      if (await hasher.verify(hash, given)) {
        if (!(await totp.consumeRecovery(userId, hash))) break; // used concurrently
        audit('recovery_code_used', userId);
        return;
      }
    }
    throw new DomainError('totp_invalid', 'Invalid recovery code');
  }

  async function checkFactor(userId: Uuid, record: TotpRecord, factor: SecondFactor): Promise<void> {
    if (factor.totp_code !== undefined) return checkCode(userId, record, factor.totp_code);
    if (factor.recovery_code !== undefined) return checkRecovery(userId, record, factor.recovery_code);
    throw new DomainError('totp_required');
  }

  return {
    async setup(userId) {
      const user = await users.getById(userId);
      if (user === null) throw new DomainError('user_not_found');
      const secret = new Secret({ size: 20 }).base32;
      if (!(await totp.setPending(userId, secret))) {
        throw new DomainError('validation_failed', 'Two-factor authentication is already enabled');
      }
      return { secret, otpauth_url: totpFor(secret, user.username).toString() };
    },

    async enable(userId, code) {
      const record = await totp.get(userId);
      if (record?.enabled === true) {
        throw new DomainError('validation_failed', 'Two-factor authentication is already enabled');
      }
      const pending = record?.pendingSecret;
      const stored = record?.pendingStored;
      const step = pending === undefined ? null : matchStep(pending, code);
      if (pending === undefined || stored === undefined || step === null)
        throw new DomainError('totp_invalid');
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode);
      const hashes = await Promise.all(codes.map((c) => hasher.hash(c)));
      if (!(await totp.enable(userId, { secret: pending, stored }, hashes, step))) {
        throw new DomainError('totp_invalid');
      }
      audit('totp_enabled', userId);
      return { recovery_codes: codes };
    },

    async disable(userId, password, factor) {
      const user = await users.getById(userId);
      if (user === null) throw new DomainError('user_not_found');
      if (!(await hasher.verify(user.password_hash, password))) throw new DomainError('incorrect_password');
      const record = await totp.get(userId);
      if (record?.enabled !== true) {
        throw new DomainError('validation_failed', 'Two-factor authentication is not enabled');
      }
      await checkFactor(
        userId,
        record,
        factor.totp_code === undefined && factor.recovery_code === undefined ? { totp_code: '' } : factor,
      );
      await totp.delete(userId);
      audit('totp_disabled', userId);
    },

    async verifyLogin(userId, factor) {
      const record = await totp.get(userId);
      if (record?.enabled !== true) return 'none';
      await checkFactor(userId, record, factor);
      return 'ok';
    },
  };
}
