// Relay self-report for stats/live: every 2 s this relay stores its connections, messages/s, errors/s, RSS and CPU (docs/protocol/extensions.md §9).
import { cpuUsage, memoryUsage } from 'node:process';
import type { StatsService } from '../../shared/features/stats/index.js';
import type { Logger } from '../../shared/platform/logger.js';
import { liveRates } from './live-counters.js';

/** Default report period, ms. */
export const REPORT_INTERVAL_MS = 2000;

/** A running reporter. */
export interface StatsReporter {
  stop(): void;
}

/**
 * Reports at once, then every `intervalMs` (ms). CPU is (user + system) µs since the previous
 * report over the wall time, as percent of one core. Failures are logged; the next tick retries.
 */
export function startStatsReporter(opts: {
  relayId: string;
  stats: Pick<StatsService, 'report'>;
  connections: () => number;
  logger: Logger;
  intervalMs?: number;
}): StatsReporter {
  let lastCpu = cpuUsage();
  let lastAt = Date.now();
  const tick = (): void => {
    const now = Date.now();
    const cpu = cpuUsage(lastCpu);
    const wallUs = Math.max(1, (now - lastAt) * 1000);
    lastCpu = cpuUsage();
    lastAt = now;
    opts.stats
      .report({
        relay_id: opts.relayId,
        connections: opts.connections(),
        ...liveRates(now),
        rss_bytes: memoryUsage.rss(),
        cpu_percent: Math.round(((cpu.user + cpu.system) / wallUs) * 1000) / 10,
        at: new Date(now).toISOString(),
      })
      .catch((err: unknown) => {
        opts.logger.warn({ err }, 'relay stats report failed');
      });
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs ?? REPORT_INTERVAL_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
    },
  };
}
