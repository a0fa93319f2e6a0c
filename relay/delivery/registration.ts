// Relay registry heartbeat: registers this relay's internal endpoint in the table and keeps it alive (docs/design.md §4.2).
import { networkInterfaces } from 'node:os';
import type { Logger } from '../../shared/platform/logger.js';
import type { PresenceRepository, RelayInfo } from '../../shared/features/presence/index.js';

/** Running registration. */
export interface RelayRegistration {
  /** Stops the heartbeat and removes the relay from the registry (errors logged, never thrown). */
  stop(): Promise<void>;
}

/**
 * Registers `info` (lifetime `ttlSeconds`, **seconds**) and refreshes it every `intervalMs`
 * (**milliseconds**) until stopped. Refresh failures are logged; the next tick retries.
 * @throws when the first registration fails (the relay could not receive remote events)
 */
export async function registerRelay(opts: {
  presence: Pick<PresenceRepository, 'registerRelay' | 'deregisterRelay'>;
  info: RelayInfo;
  ttlSeconds: number;
  intervalMs: number;
  logger: Logger;
}): Promise<RelayRegistration> {
  const { presence, info, ttlSeconds, logger } = opts;
  await presence.registerRelay(info, ttlSeconds);
  const timer = setInterval(() => {
    presence.registerRelay(info, ttlSeconds).catch((err: unknown) => {
      logger.warn({ err, relayId: info.relayId }, 'relay heartbeat failed');
    });
  }, opts.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      try {
        await presence.deregisterRelay(info.relayId);
      } catch (err) {
        logger.warn({ err, relayId: info.relayId }, 'relay deregistration failed');
      }
    },
  };
}

/**
 * Base URL other processes use to reach the internal endpoint: `advertiseUrl` when given;
 * otherwise `http://<host>:<port>`, where a wildcard bind (`0.0.0.0`, `::`, empty) is replaced by
 * the first non-internal IPv4 address of the machine (the task's private address on ECS).
 */
export function internalBaseUrl(host: string, port: number, advertiseUrl?: string): string {
  if (advertiseUrl !== undefined && advertiseUrl !== '') return advertiseUrl.replace(/\/+$/, '');
  let h = host;
  if (h === '' || h === '0.0.0.0' || h === '::') {
    const candidates = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal);
    h = candidates[0]?.address ?? '127.0.0.1';
  }
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}
