// Where a local process gets the TOTP secret key (docs/adr/021): `LAIR_TOTP_SECRET_KEY`, else a key file generated once in `LAIR_DATA_DIR`.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Settings } from '../config/settings.js';

/** Name of the generated key file inside `LAIR_DATA_DIR`. */
export const TOTP_KEY_FILE = 'totp-secret.key';

/**
 * The TOTP key material for a local process (npm start, the standalone relay, the admin CLI):
 * `settings.LAIR_TOTP_SECRET_KEY` when set; else the content of `LAIR_DATA_DIR/totp-secret.key`,
 * created (32 random bytes, base64, mode 0600, exclusive create so two processes starting together
 * agree) when missing. Every process sharing a data dir thus shares the key.
 * @returns `{key, source}`; `source` is `'setting'`, `'file'` or `'generated'` (for a log line)
 * @throws Error when the file cannot be read or written, or holds fewer than 32 characters
 */
export function localTotpKey(settings: Settings): { key: string; source: 'setting' | 'file' | 'generated' } {
  if (settings.LAIR_TOTP_SECRET_KEY !== undefined)
    return { key: settings.LAIR_TOTP_SECRET_KEY, source: 'setting' };
  const dir = resolve(settings.LAIR_DATA_DIR);
  const file = join(dir, TOTP_KEY_FILE);
  let source: 'file' | 'generated' = 'file';
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    source = 'generated';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const key = readFileSync(file, 'utf8').trim();
  if (key.length < 32)
    throw new Error(`${file} holds fewer than 32 characters; delete it or set LAIR_TOTP_SECRET_KEY`);
  return { key, source };
}
