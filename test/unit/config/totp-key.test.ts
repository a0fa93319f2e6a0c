// The local TOTP key (docs/adr/021): the setting wins; else a 0600 key file generated once in LAIR_DATA_DIR and reused.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../../shared/config/settings.js';
import { localTotpKey, TOTP_KEY_FILE } from '../../../shared/platform/totp-key.js';

describe('localTotpKey', () => {
  it('generates the key file once (mode 0600) and reuses it; the setting wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lair-totp-key-'));
    const settings = loadSettings({ LAIR_DATA_DIR: dir }, () => 's');
    const first = localTotpKey(settings);
    expect(first.source).toBe('generated');
    expect(first.key.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, TOTP_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(localTotpKey(settings)).toEqual({ key: first.key, source: 'file' });
    const set = loadSettings({ LAIR_DATA_DIR: dir, LAIR_TOTP_SECRET_KEY: 'z'.repeat(32) }, () => 's');
    expect(localTotpKey(set)).toEqual({ key: 'z'.repeat(32), source: 'setting' });
  });
});
