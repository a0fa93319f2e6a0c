// Config documents (TOML or JSON, docs/protocol/extensions.md §10): parse, map keys onto the settings schema's env names, strict validation naming the key, merge env > file > defaults.
import { parse as parseToml } from 'smol-toml';
import { loadSettings, settingsSchema, type Settings } from './settings.js';

/** A rejected config document; `key` is the file's key path (e.g. `rate_limit.general`). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`config: ${key}: ${reason}`);
  }
}

/** Every setting name of the schema. */
export const SETTING_NAMES: readonly string[] = Object.keys(settingsSchema.shape);
const NAMES = new Set(SETTING_NAMES);
/** Settings a file may not set (it is the file's own path). */
const NOT_IN_FILE = new Set(['LAIR_CONFIG']);

/**
 * The env name a file key path maps to: nested tables join with `_`, upper-cased, prefixed with
 * `LAIR_` (`[rate_limit] general` and `rate_limit_general` both mean `LAIR_RATE_LIMIT_GENERAL`);
 * names that exist without the prefix (`aws_region`) map to themselves.
 * @returns the name, or undefined for an unknown key
 */
export function settingNameOf(path: readonly string[]): string | undefined {
  const flat = path.join('_').toUpperCase();
  for (const name of [`LAIR_${flat}`, flat]) if (NAMES.has(name) && !NOT_IN_FILE.has(name)) return name;
  return undefined;
}

/** The file form of a setting name: `LAIR_RATE_LIMIT_GENERAL` -> `rate_limit_general`. */
export function fileKeyOf(name: string): string {
  return name.replace(/^LAIR_/, '').toLowerCase();
}

/**
 * Parses a config document into env-style strings by setting name.
 * @param format - `toml` or `json` (from the file extension; `.json` = JSON, anything else TOML)
 * @throws ConfigError: invalid syntax (key `<document>`), an unknown key, or a value that is not a
 *   string, number or boolean
 */
export function parseConfigDocument(text: string, format: 'toml' | 'json'): Record<string, string> {
  let doc: unknown;
  try {
    doc = format === 'json' ? JSON.parse(text) : parseToml(text);
  } catch (e) {
    throw new ConfigError(
      '<document>',
      `invalid ${format.toUpperCase()}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    );
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigError('<document>', 'must be a table/object');
  }
  const out: Record<string, string> = {};
  const walk = (node: Record<string, unknown>, path: string[]): void => {
    for (const [k, v] of Object.entries(node)) {
      const here = [...path, k];
      const key = here.join('.');
      if (typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)) {
        walk(v as Record<string, unknown>, here);
        continue;
      }
      const name = settingNameOf(here);
      if (name === undefined) throw new ConfigError(key, 'unknown key');
      if (typeof v === 'number') {
        if (!Number.isInteger(v)) throw new ConfigError(key, `expected an integer, got ${v}`);
        out[name] = String(v);
      } else if (typeof v === 'boolean') out[name] = String(v);
      else if (typeof v === 'string') out[name] = v;
      else throw new ConfigError(key, 'expected a string, number or boolean');
      strictCheck(key, name, out[name]);
    }
  };
  walk(doc as Record<string, unknown>, []);
  return out;
}

/**
 * A file value must be valid as written: the env parser's lenient fallback to the default
 * (upstream behaviour for env vars) is an error here. @throws ConfigError naming `key`
 */
function strictCheck(key: string, name: string, value: string): void {
  const field = settingsSchema.shape[name as keyof typeof settingsSchema.shape];
  const result = field.safeParse(value);
  if (!result.success) throw new ConfigError(key, result.error.issues[0]?.message ?? 'invalid value');
  const out: unknown = result.data;
  if (typeof out === 'number' && String(out) !== value.trim()) {
    throw new ConfigError(
      key,
      `invalid value ${JSON.stringify(value)} (expected a non-negative integer in range)`,
    );
  }
  if (typeof out === 'boolean' && !/^(true|false|1|0)$/i.test(value)) {
    throw new ConfigError(key, `invalid value ${JSON.stringify(value)} (expected true or false)`);
  }
}

/** Where each effective value came from (for `--print-config`). */
export type SettingSource = 'env' | 'file' | 'default';

/**
 * Effective settings: env > file > defaults (docs/protocol/extensions.md §10). Empty env values
 * count as unset.
 * @throws ConfigError for an env value that fails the schema (named by its env name)
 */
export function resolveSettings(
  env: Record<string, string | undefined>,
  file: Record<string, string>,
  randomSecret: () => string,
): { settings: Settings; sources: Record<string, SettingSource> } {
  const merged: Record<string, string | undefined> = { ...env, ...file };
  const sources: Record<string, SettingSource> = {};
  for (const name of SETTING_NAMES) {
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv !== '') {
      merged[name] = fromEnv;
      sources[name] = 'env';
    } else if (file[name] !== undefined) sources[name] = 'file';
    else sources[name] = 'default';
  }
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue?.path[0] ?? '<settings>'), issue?.message ?? 'invalid');
  }
  return { settings: loadSettings(merged, randomSecret), sources };
}

/** Names whose values `--print-config` never shows (ending in SECRET, PASSWORD, TOKEN, CREDENTIAL, optionally `_KEY`; not e.g. `…_PASSWORD_MIN_SCORE`). */
const SECRET = /(SECRET|PASSWORD|TOKEN|CREDENTIAL)(_KEY)?$/;

/**
 * The effective configuration as a TOML document: one `key = value  # NAME from source` line per
 * set setting, secrets redacted (`"<redacted>"` / `"<generated>"`), unset ones as a commented line
 * (`# key =  # NAME unset`), so the output parses with any TOML parser and can seed a config file.
 * @returns text ending with a newline
 */
export function printConfig(settings: Settings, sources: Record<string, SettingSource>): string {
  const lines = ['# Effective Lair Chat configuration (env > file > defaults); secrets redacted'];
  for (const name of SETTING_NAMES) {
    const value = (settings as Record<string, unknown>)[name];
    const from = `${name} from ${sources[name] ?? 'default'}`;
    if (SECRET.test(name)) {
      if (value === undefined && !(name === 'LAIR_JWT_SECRET' && settings.jwtSecretGenerated)) {
        lines.push(`# ${fileKeyOf(name)} =  # ${name} unset`);
      } else {
        const shown = value === undefined ? '"<generated>"' : '"<redacted>"';
        lines.push(`${fileKeyOf(name)} = ${shown}  # ${from}`);
      }
    } else if (value === undefined) {
      lines.push(`# ${fileKeyOf(name)} =  # ${name} unset`);
    } else {
      lines.push(`${fileKeyOf(name)} = ${tomlValue(value)}  # ${from}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A TOML literal: strings as basic strings (JSON escapes are valid TOML), arrays of strings as comma-joined strings (the file form), numbers and booleans bare. */
function tomlValue(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value.join(','));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(String(value));
}
