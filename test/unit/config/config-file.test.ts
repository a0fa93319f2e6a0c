// Config documents (docs/protocol/extensions.md §10): the example covers the schema, bad files name the key, env > file > defaults, redacted print, reload rules.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ConfigError,
  parseConfigDocument,
  printConfig,
  resolveSettings,
  SETTING_NAMES,
} from '../../../shared/config/config-file.js';
import { parse as parseToml, stringify } from 'smol-toml';
import { LiveConfig } from '../../../shared/config/reload.js';
import type { Settings } from '../../../shared/config/settings.js';

const EXAMPLE = readFileSync(resolve(import.meta.dirname, '../../../config/lair.example.toml'), 'utf8');
const secret = () => 'generated';

describe('config/lair.example.toml', () => {
  it('parses, and with its commented keys enabled sets every setting of the schema', () => {
    expect(() => parseConfigDocument(EXAMPLE, 'toml')).not.toThrow();
    const all = EXAMPLE.replace(/^# ([a-z_]+ = .*)$/gm, '$1').replace(/^# (\[[a-z_]+\])$/gm, '$1');
    const names = Object.keys(parseConfigDocument(all, 'toml'));
    expect(SETTING_NAMES.filter((n) => n !== 'LAIR_CONFIG' && !names.includes(n))).toEqual([]);
  });
});

describe('bad documents stop with the key path', () => {
  const bad = (text: string, format: 'toml' | 'json' = 'toml') => {
    try {
      parseConfigDocument(text, format);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).message;
    }
    throw new Error('accepted');
  };
  it.each([
    ['[rate_limit]\ngenral = 5', 'config: rate_limit.genral: unknown key'],
    ['tcp_port = 70000', 'config: tcp_port: invalid value "70000"'],
    ['[rate_limit]\nauth = -1', 'config: rate_limit.auth: invalid value "-1"'],
    ['tcp_port = = 1', 'config: <document>: invalid TOML'],
    ['log_level = "loud"', 'config: log_level:'],
    ['tcp_port = 1.5', 'config: tcp_port: expected an integer'],
    ['trust_proxy = "maybe"', 'config: trust_proxy: invalid value'],
    ['config = "x.toml"', 'config: config: unknown key'],
  ])('%j', (text, message) => {
    expect(bad(text)).toContain(message);
  });
  it('JSON works the same way', () => {
    expect(parseConfigDocument('{"rate_limit":{"auth":3},"aws_region":"eu-west-1"}', 'json')).toEqual({
      LAIR_RATE_LIMIT_AUTH: '3',
      AWS_REGION: 'eu-west-1',
    });
    expect(bad('{"nope": 1}', 'json')).toContain('config: nope: unknown key');
    expect(bad('{oops', 'json')).toContain('invalid JSON');
  });
});

describe('resolveSettings and printConfig', () => {
  it('env > file > defaults, with sources', () => {
    const file = parseConfigDocument('[rate_limit]\nauth = 3\ngeneral = 50', 'toml');
    const { settings, sources } = resolveSettings({ LAIR_RATE_LIMIT_AUTH: '7' }, file, secret);
    expect(settings.LAIR_RATE_LIMIT_AUTH).toBe(7);
    expect(settings.LAIR_RATE_LIMIT_GENERAL).toBe(50);
    expect(settings.LAIR_RATE_LIMIT_MESSAGING).toBe(30);
    expect([
      sources.LAIR_RATE_LIMIT_AUTH,
      sources.LAIR_RATE_LIMIT_GENERAL,
      sources.LAIR_RATE_LIMIT_MESSAGING,
    ]).toEqual(['env', 'file', 'default']);
  });
  it('redacts secrets', () => {
    const { settings, sources } = resolveSettings({ LAIR_JWT_SECRET: 'super-secret-value' }, {}, secret);
    const text = printConfig(settings, sources);
    expect(text).not.toContain('super-secret-value');
    expect(text).toContain('jwt_secret = "<redacted>"');
    expect(text).toContain('rate_limit_auth = 10');
  });
  it('prints a valid TOML document, unset keys commented out, that reads back to the same settings', () => {
    const { settings, sources } = resolveSettings(
      { LAIR_ADMIN_BOOTSTRAP_USERNAMES: 'alice,bob', LAIR_TRUST_PROXY: 'true' },
      {},
      secret,
    );
    const text = printConfig(settings, sources);
    const doc = parseToml(text);
    expect(doc.jwt_secret).toBe('<generated>');
    expect(doc).not.toHaveProperty('totp_secret_key'); // unset: a comment line
    expect(text).toMatch(/^# totp_secret_key = {2}# LAIR_TOTP_SECRET_KEY unset$/m);
    expect(doc).toMatchObject({
      rate_limit_auth: 10,
      trust_proxy: true,
      admin_bootstrap_usernames: 'alice,bob',
    });
    // Fed back as a config file (secrets dropped), it resolves to the same settings.
    const { jwt_secret: _redacted, ...rest } = doc;
    const again = resolveSettings({}, parseConfigDocument(stringify(rest), 'toml'), secret).settings;
    for (const name of SETTING_NAMES.filter((n) => !/SECRET/.test(n))) {
      expect([name, (again as Record<string, unknown>)[name]]).toEqual([
        name,
        (settings as Record<string, unknown>)[name],
      ]);
    }
  });
});

describe('LiveConfig.reload', () => {
  const fromToml = (text: string): Settings =>
    resolveSettings({}, parseConfigDocument(text, 'toml'), secret).settings;
  it('applies non-critical keys in place, reports critical ones, keeps the old config on an invalid document', async () => {
    let doc = '[rate_limit]\nauth = 10\n';
    const live = new LiveConfig(fromToml(doc), () => Promise.resolve(fromToml(doc)));
    const same = live.settings;
    doc =
      'table_name = "other-table"\ntcp_port = 9999\n[rate_limit]\nauth = 2\n[lockout]\naccount_failures = 3\n';
    await expect(live.reload()).resolves.toEqual({
      applied: ['LAIR_RATE_LIMIT_AUTH', 'LAIR_LOCKOUT_ACCOUNT_FAILURES'],
      restart_required: ['LAIR_TCP_PORT', 'LAIR_TABLE_NAME'],
    });
    expect(live.settings).toBe(same);
    expect(same.LAIR_RATE_LIMIT_AUTH).toBe(2);
    expect(same.LAIR_TABLE_NAME).toBe('lair-chat');
    doc = '[rate_limit]\nauth = 1\nbogus = 1\n';
    await expect(live.reload()).rejects.toThrow('rate_limit.bogus: unknown key');
    expect(same.LAIR_RATE_LIMIT_AUTH).toBe(2);
  });
});
