// Periodic re-verification of the relay's room index against storage, so a lost leave/kick event cannot keep a socket in a room.
import type { Logger } from '../../shared/platform/logger.js';
import type { DeliveryRegistry } from './registry.js';

/** Default period between the end of one pass and the start of the next, ms. */
export const DEFAULT_REVERIFY_MS = 60_000;

/**
 * Runs {@link DeliveryRegistry.reconcile} every `periodMs` (a pass never overlaps the previous one:
 * the next is scheduled when a pass ends). `periodMs = 0` disables it. Timers are unref'd.
 */
export class ReverifyLoop {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly registry: Pick<DeliveryRegistry, 'reconcile'>,
    private readonly periodMs: number,
    private readonly logger: Logger,
  ) {}

  /** Schedules the first pass `periodMs` from now. */
  start(): void {
    if (this.periodMs > 0) this.schedule();
  }

  /** Cancels the next pass; a running one stops before its next room read. Idempotent. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.pass();
    }, this.periodMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    const started = Date.now();
    try {
      const result = await this.registry.reconcile(() => !this.stopped);
      this.logger.debug({ ...result, ms: Date.now() - started }, 'room index re-verified');
    } catch (err) {
      this.logger.error({ err }, 'room index re-verification failed');
    } finally {
      this.schedule();
    }
  }
}
