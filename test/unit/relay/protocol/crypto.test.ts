// Unit tests for X25519 + AES-256-GCM frame encryption (protocol docs/protocol/tcp.md §5).
import { randomBytes } from 'node:crypto';
import { FrameDecoder } from '../../../../relay/protocol/frame.js';
import {
  DecryptError,
  decryptPayload,
  deriveKey,
  encryptPayload,
  encryptWithNonce,
  generateKeyPair,
  MIN_ENCRYPTED_BYTES,
  parsePublicKey,
  privateKeyFromRaw,
  sealFrame,
} from '../../../../relay/protocol/crypto.js';

// RFC 7748 §6.1: Bob is the client, Alice the server in docs/protocol/tcp.md §5.1's example.
const ALICE_PRIVATE = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
const BOB_PRIVATE = '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb';
const ALICE_PUBLIC_B64 = 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=';
const BOB_PUBLIC_B64 = '3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=';
const SHARED_HEX = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';

// {"type":"ping"} sealed with SHARED_HEX and nonce 00..0b (cross-checked with Python `cryptography`).
const PING_VECTOR_HEX =
  '000102030405060708090a0b45fcc0199546a270543f0667e809f951ca9d306e6bc8390af0733d4831fed8';

describe('deriveKey', () => {
  it('yields the RFC 7748 §6.1 shared secret from both sides', () => {
    const alice = privateKeyFromRaw(Buffer.from(ALICE_PRIVATE, 'hex'));
    const bob = privateKeyFromRaw(Buffer.from(BOB_PRIVATE, 'hex'));
    expect(deriveKey(bob, parsePublicKey(ALICE_PUBLIC_B64)!).toString('hex')).toBe(SHARED_HEX);
    expect(deriveKey(alice, parsePublicKey(BOB_PUBLIC_B64)!).toString('hex')).toBe(SHARED_HEX);
  });

  it('agrees between two freshly generated key pairs', () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    expect(a.publicKeyB64).toHaveLength(44);
    const k1 = deriveKey(a.privateKey, parsePublicKey(b.publicKeyB64)!);
    const k2 = deriveKey(b.privateKey, parsePublicKey(a.publicKeyB64)!);
    expect(k1.equals(k2)).toBe(true);
    expect(k1).toHaveLength(32);
  });
});

describe('parsePublicKey', () => {
  it.each([
    ['unpadded', BOB_PUBLIC_B64.slice(0, -1)],
    ['url-safe alphabet', 'hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo='],
    ['31 bytes', Buffer.alloc(31, 1).toString('base64')],
    ['33 bytes', Buffer.alloc(33, 1).toString('base64')],
    ['non-canonical trailing bits', '3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK09='],
    ['empty', ''],
  ])('rejects %s', (_label, text) => {
    expect(parsePublicKey(text)).toBeNull();
  });
});

describe('encryptPayload / decryptPayload', () => {
  const key = Buffer.from(SHARED_HEX, 'hex');

  it('decrypts the fixed vector to the expected JSON', () => {
    expect(decryptPayload(key, Buffer.from(PING_VECTOR_HEX, 'hex')).toString('utf8')).toBe('{"type":"ping"}');
  });

  it('encryptWithNonce reproduces the fixed vector', () => {
    const nonce = Buffer.from('000102030405060708090a0b', 'hex');
    expect(encryptWithNonce(key, nonce, Buffer.from('{"type":"ping"}')).toString('hex')).toBe(
      PING_VECTOR_HEX,
    );
  });

  it('round-trips with a random nonce; output is nonce + ciphertext + 16-byte tag', () => {
    const plaintext = Buffer.from('{"type":"authenticate","token":"x"}');
    const sealed = encryptPayload(key, plaintext);
    expect(sealed).toHaveLength(plaintext.length + 28);
    expect(decryptPayload(key, sealed).equals(plaintext)).toBe(true);
    expect(encryptPayload(key, plaintext).subarray(0, 12).equals(sealed.subarray(0, 12))).toBe(false);
  });

  it('accepts an empty plaintext (28-byte minimum)', () => {
    const sealed = encryptPayload(key, Buffer.alloc(0));
    expect(sealed).toHaveLength(28);
    expect(decryptPayload(key, sealed)).toHaveLength(0);
  });

  it('throws DecryptError on a tampered tag', () => {
    const sealed = Buffer.from(PING_VECTOR_HEX, 'hex');
    sealed[sealed.length - 1]! ^= 0x01;
    expect(() => decryptPayload(key, sealed)).toThrow(DecryptError);
  });

  it('throws DecryptError with the wrong key', () => {
    expect(() => decryptPayload(Buffer.alloc(32, 7), Buffer.from(PING_VECTOR_HEX, 'hex'))).toThrow(
      DecryptError,
    );
  });

  it('throws DecryptError below 28 bytes', () => {
    expect(() => decryptPayload(key, Buffer.alloc(27))).toThrow(DecryptError);
  });
});

describe('sealFrame', () => {
  it('is a length-prefixed encrypted payload that decryptPayload opens, with a fresh nonce per frame', () => {
    const key = randomBytes(32);
    const plaintext = Buffer.from('{"type":"message_received","message":{"content":"hi"}}');
    const nonces = new Set<string>();
    // More frames than one nonce block (341) holds: the refill path runs too.
    for (let i = 0; i < 800; i++) {
      const frame = sealFrame(key, plaintext);
      expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
      expect(frame.length).toBe(4 + plaintext.length + MIN_ENCRYPTED_BYTES);
      const [payload] = new FrameDecoder().push(frame);
      expect(decryptPayload(key, payload!)).toEqual(plaintext);
      nonces.add(frame.subarray(4, 16).toString('hex'));
    }
    expect(nonces.size).toBe(800);
  });
});
