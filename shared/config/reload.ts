// Hot reload of the settings (docs/protocol/extensions.md §10): which keys apply live, the diff of a new document, and in-place application to the one Settings object every component reads.
import { ConfigError, SETTING_NAMES, fileKeyOf } from './config-file.js';
import type { Settings } from './settings.js';

/**
 * Keys applied without a restart: rate limits, lockout, password score, log level, and any
 * retention or slow-mode default (names appended by other features match by pattern). Every other
 * key (ports, table, secrets, endpoints, TLS, relay wiring) is critical: a change is reported as
 * "restart required" and not applied.
 */
const RELOADABLE: readonly RegExp[] = [
  /^LAIR_RATE_LIMIT_/,
  /^LAIR_LOCKOUT_/,
  /^LAIR_AUTH_PASSWORD_MIN_SCORE$/,
  /^LAIR_LOG_LEVEL$/,
  /RETENTION/,
  /SLOW_MODE/,
];

/** True when a setting may change while running. */
export function isReloadable(name: string): boolean {
  return RELOADABLE.some((r) => r.test(name));
}

/** What a reload did, by setting name. */
export interface ReloadResult {
  /** Non-critical keys whose new values are now in force. */
  applied: string[];
  /** Critical keys that changed in the source but keep their old values until a restart. */
  restart_required: string[];
}

/** Settings that differ between two snapshots (by value), in schema order. */
export function changedSettings(before: Settings, after: Settings): string[] {
  const a = before as unknown as Record<string, unknown>;
  const b = after as unknown as Record<string, unknown>;
  return SETTING_NAMES.filter((n) => JSON.stringify(a[n]) !== JSON.stringify(b[n]));
}

/**
 * The live settings of a process and how to reload them. `settings` is the same object for the
 * process's whole life: components read it per use, so applying a reload is mutating it in place.
 */
export class LiveConfig {
  /**
   * @param settings - the object every component was built with
   * @param load - reads the source again (file or AppConfig) and resolves env > file > defaults;
   *   throws ConfigError when the new document is invalid
   * @param onApplied - called after non-critical keys changed (e.g. to set the logger level)
   */
  constructor(
    readonly settings: Settings,
    private readonly load: () => Promise<Settings>,
    private readonly onApplied: (names: string[], settings: Settings) => void = () => undefined,
  ) {}

  /**
   * Re-reads the source; applies changed non-critical keys in place; reports critical changes.
   * An invalid document changes nothing.
   * @throws ConfigError naming the key (old config kept)
   */
  async reload(): Promise<ReloadResult> {
    let next: Settings;
    try {
      next = await this.load();
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError('<source>', e instanceof Error ? e.message : String(e));
    }
    const changed = changedSettings(this.settings, next);
    const applied = changed.filter(isReloadable);
    const restart_required = changed.filter((n) => !isReloadable(n));
    const target = this.settings as unknown as Record<string, unknown>;
    const source = next as unknown as Record<string, unknown>;
    for (const name of applied) target[name] = source[name];
    if (applied.length > 0) this.onApplied(applied, this.settings);
    return { applied, restart_required };
  }
}

/** `LAIR_RATE_LIMIT_AUTH` -> `rate_limit_auth (LAIR_RATE_LIMIT_AUTH)`, for log lines. */
export function describeKeys(names: readonly string[]): string {
  return names.map((n) => `${fileKeyOf(n)} (${n})`).join(', ');
}
