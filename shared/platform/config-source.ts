// Config sources of a process (docs/protocol/extensions.md §10): `--config FILE` / `LAIR_CONFIG` (TOML or JSON), `--print-config`, and hot reload on SIGHUP, a file change or a call.
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { extname } from 'node:path';
import {
  ConfigError,
  parseConfigDocument,
  printConfig,
  resolveSettings,
  type SettingSource,
} from '../config/config-file.js';
import { describeKeys, LiveConfig, type ReloadResult } from '../config/reload.js';
import type { Settings } from '../config/settings.js';
import type { Logger } from './logger.js';

/** The config file named by `--config FILE` / `--config=FILE`, else `LAIR_CONFIG`; undefined = none. */
export function configPathFrom(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--config') return argv[i + 1];
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return env.LAIR_CONFIG === '' ? undefined : env.LAIR_CONFIG;
}

/**
 * Reads and parses a config file (`.json` = JSON, anything else TOML).
 * @throws ConfigError (`<file>` when unreadable; the key path otherwise)
 */
export function readConfigFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('<file>', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseConfigDocument(text, extname(path).toLowerCase() === '.json' ? 'json' : 'toml');
}

/** A process's loaded configuration. */
export interface LoadedConfig {
  settings: Settings;
  sources: Record<string, SettingSource>;
  /** The config file, if any. */
  path: string | undefined;
  /** Resolves env > file > defaults again (reload). @throws ConfigError */
  load: () => Promise<Settings>;
}

/**
 * Loads settings from env and the optional config file. With `--print-config` in `argv`, the
 * effective config (secrets redacted) is written to stdout and the process exits 0.
 * @param overlay - a document layered over the file, read on every (re)load: env > overlay > file
 *   > defaults (the relay's AppConfig document, relay/appconfig-poller.ts)
 * @throws ConfigError naming the key (callers print it and exit 1: fail fast)
 */
export function loadConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  randomSecret: () => string,
  overlay: () => Record<string, string> = () => ({}),
): LoadedConfig {
  const path = configPathFrom(argv, env);
  const resolve = () =>
    resolveSettings(env, { ...(path === undefined ? {} : readConfigFile(path)), ...overlay() }, randomSecret);
  const { settings, sources } = resolve();
  if (argv.includes('--print-config')) {
    process.stdout.write(printConfig(settings, sources));
    process.exit(0);
  }
  return {
    settings,
    sources,
    path,
    load: () => Promise.resolve(resolve().settings),
  };
}

/** A running hot-reload setup. */
export interface ConfigReloader {
  live: LiveConfig;
  /** Reloads now and logs the outcome. @throws ConfigError (logged, old config kept) */
  reload(by: string): Promise<ReloadResult>;
  /** Logs a document rejected before it reached {@link reload} (e.g. by the AppConfig poller) as `reload` does. */
  rejected(by: string, err: unknown): void;
  stop(): void;
}

/**
 * Hot reload: SIGHUP and (when there is a file) changes to it trigger {@link LiveConfig.reload}.
 * Applied keys are logged at info ("config reloaded"), critical ones at warn ("restart required"),
 * an invalid document at error with the key ("config reload rejected"), plus a security log line.
 * Connections are untouched: components read the same Settings object.
 * @param loggers - every logger whose level follows `LAIR_LOG_LEVEL`
 */
export function startConfigReloader(
  config: LoadedConfig,
  logger: Logger,
  loggers: Logger[] = [logger],
): ConfigReloader {
  const live = new LiveConfig(config.settings, config.load, (names, s) => {
    if (names.includes('LAIR_LOG_LEVEL')) for (const l of loggers) l.level = s.LAIR_LOG_LEVEL;
  });
  const rejected = (by: string, err: unknown): void => {
    const key = err instanceof ConfigError ? err.key : '<source>';
    logger.error(
      { by, key, reason: err instanceof Error ? err.message : String(err) },
      'config reload rejected; keeping the old config',
    );
    logger.warn(
      {
        security: true,
        action: 'config_reload_rejected',
        actor_id: null,
        target: key,
        at: new Date().toISOString(),
        reason: by,
      },
      'security: config_reload_rejected',
    );
  };
  const reload = async (by: string): Promise<ReloadResult> => {
    try {
      const result = await live.reload();
      logger.info(
        { by, applied: result.applied, restart_required: result.restart_required },
        'config reloaded',
      );
      if (result.restart_required.length > 0) {
        logger.warn(
          { by, keys: result.restart_required },
          `restart required for ${describeKeys(result.restart_required)}`,
        );
      }
      return result;
    } catch (err) {
      rejected(by, err);
      throw err;
    }
  };
  const onHup = (): void => {
    reload('sighup').catch(() => undefined);
  };
  process.on('SIGHUP', onHup);
  let timer: NodeJS.Timeout | undefined;
  const path = config.path;
  // Polling (1 s) survives editors that replace the file by rename, which fs.watch does not.
  const onChange = (): void => {
    clearTimeout(timer);
    // Editors write in bursts: one reload 200 ms after the last change.
    timer = setTimeout(() => {
      reload('file-watch').catch(() => undefined);
    }, 200);
  };
  if (path !== undefined) watchFile(path, { interval: 1000, persistent: false }, onChange);
  return {
    live,
    reload,
    rejected,
    stop() {
      process.off('SIGHUP', onHup);
      clearTimeout(timer);
      if (path !== undefined) unwatchFile(path, onChange);
    },
  };
}
