// The relay's side of AWS AppConfig (docs/adr/009): poll the settings document and apply a new one exactly as SIGHUP does (hot-reloadable keys in place, "restart required" for critical ones, an invalid one rejected).
import { ConfigError } from '../shared/config/config-file.js';
import type { AppConfigSource } from '../shared/platform/appconfig-source.js';
import type { ConfigReloader } from '../shared/platform/config-source.js';
import type { Logger } from '../shared/platform/logger.js';

/** A running poller. */
export interface AppConfigPoller {
  /** One poll now: fetch, and when a new valid document arrived, reload. Never throws. */
  tick(): Promise<void>;
  stop(): void;
}

/**
 * Polls `source` every `source.nextPollMs()` (what AppConfig asks, default 60 s). A new document
 * goes through `reloader.reload('appconfig')` — the SIGHUP path: the process's LiveConfig re-resolves
 * env > document > file > defaults (the loader reads `source.current()`) and logs what changed.
 * An invalid document is logged by `reloader.rejected` and never becomes current (old config kept);
 * an unreachable AppConfig is a warning and the next poll retries. The timer is unref'd.
 * @param reloader - from startConfigReloader over a config whose overlay is `source.current`
 */
export function startAppConfigPoller(opts: {
  source: AppConfigSource;
  reloader: Pick<ConfigReloader, 'reload' | 'rejected'>;
  logger: Logger;
}): AppConfigPoller {
  const { source, reloader, logger } = opts;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async (): Promise<void> => {
    let fresh: boolean;
    try {
      fresh = await source.poll();
    } catch (err) {
      if (err instanceof ConfigError) reloader.rejected('appconfig', err);
      else logger.warn({ err }, 'AppConfig unreachable; keeping the current config');
      return;
    }
    if (fresh) await reloader.reload('appconfig').catch(() => undefined); // logged by the reloader
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void tick().finally(schedule);
    }, source.nextPollMs());
    timer.unref();
  };
  schedule();
  return {
    tick,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
