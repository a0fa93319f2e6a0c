// Encryption at rest of TOTP secrets (docs/adr/021): AES-256-GCM with a key derived by HKDF-SHA256 from the configured key material, bound to the item by associated data.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** Prefix of every sealed value; the version names the algorithm and the derivation. */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Shortest accepted key material (characters): 32 random base64/alphanumeric characters ≥ 190 bits. */
export const MIN_KEY_MATERIAL_LENGTH = 32;

/** Seals and opens short secrets. */
export interface SecretBox {
  /** Short id of the key (first 8 hex chars of SHA-256 of the derived key), stored with each value. */
  readonly keyId: string;
  /**
   * Encrypts `plain` with a fresh random 96-bit IV.
   * @param aad - associated data the value is bound to (e.g. `USER#<id>/TOTP/secret`): opening it
   *   under another item fails
   * @returns `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts)
   */
  seal(plain: string, aad: string): string;
  /**
   * Decrypts a value sealed by {@link seal} with the same key and `aad`.
   * @throws Error when the format, the key id, the tag or the associated data do not match
   */
  open(sealed: string, aad: string): string;
}

/** True when `value` has the sealed format (used to tell legacy plaintext secrets apart). */
export function isSealed(value: string): boolean {
  return value.startsWith(`${VERSION}.`) && value.split('.').length === 5;
}

/**
 * A {@link SecretBox} over `material` (the `LAIR_TOTP_SECRET_KEY` string, or the data-dir key file).
 * The AES key is HKDF-SHA256(material, salt `lair-chat`, info `totp-secret/v1`), 32 bytes.
 * @throws Error when `material` is shorter than {@link MIN_KEY_MATERIAL_LENGTH}
 */
export function createSecretBox(material: string): SecretBox {
  if (material.length < MIN_KEY_MATERIAL_LENGTH) {
    throw new Error(`TOTP secret key must be at least ${MIN_KEY_MATERIAL_LENGTH} characters`);
  }
  const key = Buffer.from(hkdfSync('sha256', material, 'lair-chat', 'totp-secret/v1', 32));
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return {
    keyId,
    seal(plain, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const parts = [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url'));
      return [VERSION, keyId, ...parts].join('.');
    },
    open(sealed, aad) {
      const [version, id, iv, body, tag] = sealed.split('.');
      if (version !== VERSION || iv === undefined || body === undefined || tag === undefined) {
        throw new Error('not a sealed secret');
      }
      if (id !== keyId) throw new Error(`sealed with another key (${id ?? '?'}, this key is ${keyId})`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}

/** A box for roots without a configured key: every call throws (TOTP answers `internal_error`). */
export function missingSecretBox(): SecretBox {
  const fail = (): never => {
    throw new Error('TOTP secret key not configured (LAIR_TOTP_SECRET_KEY / LAIR_TOTP_SECRET_KEY_ARN)');
  };
  return { keyId: 'none', seal: fail, open: fail };
}
