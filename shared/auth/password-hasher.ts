// Argon2id password hashing (PHC strings) via @node-rs/argon2: the PasswordHasher port's implementation.
import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../kernel/ports.js';

/** Cost parameters; the defaults match upstream's `argon2` crate (m = 19456 KiB, t = 2, p = 1). */
export interface Argon2Params {
  /** Memory cost in KiB. */
  memoryCost: number;
  /** Passes. */
  timeCost: number;
  parallelism: number;
}

const DEFAULT_PARAMS: Argon2Params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/**
 * Builds the Argon2id hasher (docs/protocol/domain.md §4.1: "Argon2id, PHC string").
 * - `hash(password)` resolves to a `$argon2id$v=19$m=…,t=…,p=…$salt$hash` string.
 * - `verify(hash, password)` resolves `false` on mismatch **and** on a malformed/unsupported hash;
 *   it never rejects.
 * @param params - cost parameters (tests may lower them; production uses the defaults)
 */
export function createPasswordHasher(params: Partial<Argon2Params> = {}): PasswordHasher {
  // Argon2id v19 is the package default; `Algorithm` is an ambient const enum that isolatedModules
  // cannot reference, so it is left implicit (a unit test pins the `$argon2id$v=19$` prefix).
  const options = { ...DEFAULT_PARAMS, ...params };
  return {
    hash: (password) => hash(password, options),
    async verify(phc, password) {
      try {
        return await verify(phc, password);
      } catch {
        return false;
      }
    },
  };
}
