// Optional TCP encryption: X25519 key agreement and AES-256-GCM frame sealing (protocol docs/protocol/tcp.md §5).
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
  randomFillSync,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** X25519 key size, bytes (docs/protocol/tcp.md §5.1). */
export const X25519_KEY_BYTES = 32;
/** AES-GCM nonce size, bytes: 96 bits, fresh random per frame (docs/protocol/tcp.md §5.2). */
export const NONCE_BYTES = 12;
/** AES-GCM tag size, bytes: 128 bits appended to the ciphertext (docs/protocol/tcp.md §5.2). */
export const TAG_BYTES = 16;
/** Smallest valid encrypted payload, bytes: nonce + tag of an empty plaintext (docs/protocol/tcp.md §1.2). */
export const MIN_ENCRYPTED_BYTES = NONCE_BYTES + TAG_BYTES;

/** SPKI DER prefix of a raw X25519 public key (docs/protocol/tcp.md §5.2 "Node.js note"). */
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
/** PKCS#8 DER prefix of a raw X25519 private key (RFC 8410). */
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
/** Standard base64 with padding; 32 bytes encode to exactly 44 characters (docs/protocol/tcp.md §5.1). */
const PADDED_B64_32 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * An encrypted payload is shorter than 28 bytes or fails GCM authentication (wrong key, tampered
 * bytes). The caller closes the socket silently (docs/protocol/tcp.md §5.4).
 */
export class DecryptError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DecryptError';
  }
}

/**
 * Generates a fresh X25519 key pair, one per connection (docs/protocol/tcp.md §5.1).
 * @returns the private key and the 32-byte public key as standard padded base64 (44 chars).
 */
export function generateKeyPair(): { privateKey: KeyObject; publicKeyB64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { privateKey, publicKeyB64: rawPublicKey(publicKey).toString('base64') };
}

/**
 * Imports a peer public key sent in `key_exchange.public_key` (docs/protocol/tcp.md §5.1, §5.4).
 * @param b64 standard base64 **with** padding of exactly 32 bytes.
 * @returns the key, or `null` if the text is not padded base64 of 32 bytes (no reply is sent).
 *   Low-order / all-zero keys are not rejected here (upstream accepts them, §5.2).
 */
export function parsePublicKey(b64: string): KeyObject | null {
  if (!PADDED_B64_32.test(b64)) return null;
  const raw = Buffer.from(b64, 'base64');
  // Canonical only: non-zero trailing bits are rejected, as Rust's STANDARD engine does.
  if (raw.length !== X25519_KEY_BYTES || raw.toString('base64') !== b64) return null;
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

/**
 * Imports a raw 32-byte X25519 private key (e.g. RFC 7748 §6.1 test vectors).
 * @throws Error if `raw32` is not 32 bytes.
 */
export function privateKeyFromRaw(raw32: Buffer): KeyObject {
  if (raw32.length !== X25519_KEY_BYTES)
    throw new Error(`X25519 private key must be 32 bytes, got ${raw32.length}`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, raw32]), format: 'der', type: 'pkcs8' });
}

/** Raw 32-byte form of an X25519 public key (last 32 bytes of its SPKI DER). */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - X25519_KEY_BYTES);
}

/**
 * Derives the AES-256 key: the raw X25519 shared secret used directly, no KDF (docs/protocol/tcp.md §5.2).
 * One key serves both directions.
 * @returns 32 bytes.
 */
export function deriveKey(privateKey: KeyObject, peer: KeyObject): Buffer {
  return diffieHellman({ privateKey, publicKey: peer });
}

/**
 * Seals one frame payload with a fresh random nonce (docs/protocol/tcp.md §1.2, §5.2).
 * @param key 32-byte AES key from {@link deriveKey}.
 * @returns nonce(12) || ciphertext || tag(16); length = plaintext.length + 28.
 */
export function encryptPayload(key: Buffer, plaintext: Buffer): Buffer {
  return encryptWithNonce(key, randomBytes(NONCE_BYTES), plaintext);
}

/** Nonces are cut from this CSPRNG block (refilled when used up): one getrandom call per 341 frames instead of one per frame (issue 16 profile). */
const noncePool = Buffer.allocUnsafe(NONCE_BYTES * 341);
let noncePoolAt = noncePool.length;

/** Copies the next fresh 12-byte random nonce into `out` at `offset` (never the same bytes twice). */
function nextNonce(out: Buffer, offset: number): void {
  if (noncePoolAt + NONCE_BYTES > noncePool.length) {
    randomFillSync(noncePool);
    noncePoolAt = 0;
  }
  noncePool.copy(out, offset, noncePoolAt, noncePoolAt + NONCE_BYTES);
  noncePoolAt += NONCE_BYTES;
}

/**
 * The whole encrypted TCP frame in one buffer (docs/protocol/tcp.md §1.1–§1.2, §5.2): 4-byte
 * big-endian length, then nonce(12) || ciphertext || tag(16), the same bytes as
 * `encodeFrame(encryptPayload(key, plaintext))` with one allocation instead of four (the fan-out
 * seals every event once per encrypted socket). The nonce is fresh CSPRNG output, as in
 * {@link encryptPayload}.
 * @param key 32-byte AES key from {@link deriveKey}.
 * @returns a frame of 4 + plaintext.length + 28 bytes; the caller checks the 1 MiB frame limit.
 */
export function sealFrame(key: Buffer, plaintext: Buffer): Buffer {
  const payloadBytes = NONCE_BYTES + plaintext.length + TAG_BYTES;
  const frame = Buffer.allocUnsafe(4 + payloadBytes);
  frame.writeUInt32BE(payloadBytes, 0);
  nextNonce(frame, 4);
  const cipher = createCipheriv('aes-256-gcm', key, frame.subarray(4, 4 + NONCE_BYTES));
  const head = cipher.update(plaintext);
  const tail = cipher.final();
  head.copy(frame, 4 + NONCE_BYTES);
  tail.copy(frame, 4 + NONCE_BYTES + head.length);
  cipher.getAuthTag().copy(frame, 4 + NONCE_BYTES + plaintext.length);
  return frame;
}

/**
 * {@link encryptPayload} with a caller-chosen nonce. Internal: for deterministic test vectors
 * only; production code must never reuse a nonce.
 * @throws Error if `nonce` is not 12 bytes.
 */
export function encryptWithNonce(key: Buffer, nonce: Buffer, plaintext: Buffer): Buffer {
  if (nonce.length !== NONCE_BYTES)
    throw new Error(`Nonce must be ${NONCE_BYTES} bytes, got ${nonce.length}`);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/**
 * Opens one encrypted frame payload (docs/protocol/tcp.md §1.2, §5.4).
 * @param key 32-byte AES key from {@link deriveKey}.
 * @param data nonce(12) || ciphertext || tag(16).
 * @returns the plaintext bytes (UTF-8 validity is the caller's check).
 * @throws DecryptError if `data` is shorter than 28 bytes or authentication fails.
 */
export function decryptPayload(key: Buffer, data: Buffer): Buffer {
  if (data.length < MIN_ENCRYPTED_BYTES) {
    throw new DecryptError(
      `Encrypted payload of ${data.length} bytes is shorter than ${MIN_ENCRYPTED_BYTES}`,
    );
  }
  const nonce = data.subarray(0, NONCE_BYTES);
  const tag = data.subarray(data.length - TAG_BYTES);
  const body = data.subarray(NONCE_BYTES, data.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (cause) {
    throw new DecryptError('AES-GCM authentication failed', { cause });
  }
}
