// Runs a connection's inbound frames strictly one after another, pausing the socket when too many wait.
import type { Logger } from '../../shared/platform/logger.js';

/**
 * Serial task queue with inbound backpressure: above `highWater` waiting tasks `pauseInput()` is
 * called (stop reading the socket), and `resumeInput()` once the backlog is down to half. A task that
 * throws is logged and does not stop the queue.
 */
export class SerialQueue {
  private chain: Promise<void> = Promise.resolve();
  private waiting = 0;
  private paused = false;

  constructor(
    /** The logger, asked for only when a task fails (connections make theirs lazily). */
    private readonly log: () => Logger,
    /** Inbound flow control (the connection's transport: its methods, no closures per socket). */
    private readonly flow: { pauseInput?(): void; resumeInput?(): void },
    private readonly highWater = 64,
  ) {}

  /** Appends `task`; it starts after every earlier task settled. */
  push(task: () => Promise<void>): void {
    this.waiting += 1;
    if (this.waiting > this.highWater && !this.paused) {
      this.paused = true;
      this.flow.pauseInput?.();
    }
    this.chain = this.chain
      .then(task)
      .catch((err: unknown) => {
        this.log().error({ err }, 'unexpected failure while handling a frame');
      })
      .finally(() => {
        this.waiting -= 1;
        if (this.paused && this.waiting <= this.highWater / 2) {
          this.paused = false;
          this.flow.resumeInput?.();
        }
      });
  }
}
