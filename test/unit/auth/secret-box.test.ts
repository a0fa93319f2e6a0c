// AES-256-GCM sealing of TOTP secrets (docs/adr/021): round trip, fresh IVs, and refusal of another key, other associated data or a tampered value.
import { createSecretBox, isSealed } from '../../../shared/features/auth/secret-box.js';

const KEY = 'k'.repeat(40);

describe('secret box', () => {
  it('seals with a fresh IV each time and opens only under the same key and associated data', () => {
    const box = createSecretBox(KEY);
    const a = box.seal('JBSWY3DPEHPK3PXP', 'USER#1/TOTP/secret');
    const b = box.seal('JBSWY3DPEHPK3PXP', 'USER#1/TOTP/secret');
    expect(a).not.toBe(b);
    expect(isSealed(a)).toBe(true);
    expect(isSealed('JBSWY3DPEHPK3PXP')).toBe(false);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(a, 'USER#1/TOTP/secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => box.open(a, 'USER#2/TOTP/secret')).toThrow();
    expect(() => createSecretBox('o'.repeat(40)).open(a, 'USER#1/TOTP/secret')).toThrow(/another key/);
    const parts = a.split('.');
    parts[3] = Buffer.from('tampered!!').toString('base64url');
    expect(() => box.open(parts.join('.'), 'USER#1/TOTP/secret')).toThrow();
  });

  it('refuses key material shorter than 32 characters', () => {
    expect(() => createSecretBox('short')).toThrow(/at least 32/);
  });
});
