// The invitation reminder/expiry sweep (docs/protocol/extensions.md §6.3): a scheduled Lambda in AWS (EventBridge Scheduler, infra/constructs/invitation-sweep.ts) and a timer in `npm start`.
import type { Composition } from '../../shared/compose.js';
import { createLogger, type Logger } from '../../shared/platform/logger.js';
import { compositionFromEnv } from '../streams/deps.js';

/** Default pause between local sweeps, ms (reminders are due 24 h ahead, so a minute is plenty). */
export const SWEEP_INTERVAL_MS = 60_000;

/** One sweep over `composition`; logs the counts. Never throws (a failed run is retried next tick). */
export async function runSweep(
  composition: Composition,
  logger: Logger,
): Promise<{ reminded: number; expired: number }> {
  try {
    const out = await composition.services.invitations.sweep();
    if (out.reminded + out.expired > 0) logger.info(out, 'invitation sweep');
    return out;
  } catch (err) {
    logger.error({ err }, 'invitation sweep failed');
    return { reminded: 0, expired: 0 };
  }
}

/**
 * Starts a timer running {@link runSweep} every `intervalMs` (never overlapping runs).
 * @returns `stop()`, resolving once a run in progress has finished
 */
export function startSweepTimer(
  composition: Composition,
  logger: Logger,
  intervalMs = SWEEP_INTERVAL_MS,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => runSweep(composition, logger));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

let deployed: Promise<Composition> | undefined;

/** Scheduled Lambda entry (EventBridge Scheduler, every 5 minutes): one sweep. */
export const handler = async (): Promise<{ reminded: number; expired: number }> => {
  const logger = createLogger(process.env.LAIR_LOG_LEVEL ?? 'info', 'invitation-sweep');
  deployed ??= compositionFromEnv(process.env).catch((err: unknown) => {
    deployed = undefined;
    throw err;
  });
  return runSweep(await deployed, logger);
};
