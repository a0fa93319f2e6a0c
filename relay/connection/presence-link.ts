// Presence bookkeeping of one authenticated connection: connected, periodic heartbeat, disconnected (domain.md §8.3).
import type { User } from '../../shared/domain/entities.js';
import type { Logger } from '../../shared/platform/logger.js';
import type { PresenceService } from '../../shared/services/contracts.js';

/** Presence heartbeat item lifetime (**seconds**) and refresh period (**milliseconds**). */
export interface PresenceTiming {
  ttlSeconds: number;
  heartbeatMs: number;
}

/**
 * Ties one connection to its presence item. `down()` waits for a pending `up()` so a connection
 * closing during authentication never leaves a ghost item behind; failures are logged, never thrown.
 */
export class PresenceLink {
  private upDone: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private user: User | undefined;

  constructor(
    private readonly presence: PresenceService,
    private readonly relayId: string,
    private readonly connectionId: string,
    private readonly timing: PresenceTiming,
    private readonly log: Logger,
  ) {}

  /** Records the connection (`user_online` when first) and starts the heartbeat. */
  up(user: User): Promise<boolean> {
    this.user = user;
    this.upDone = this.presence.connected(user, this.relayId, this.connectionId, this.timing.ttlSeconds).then(
      () => {
        this.timer = setInterval(() => {
          this.beat(user);
        }, this.timing.heartbeatMs);
        this.timer.unref();
        return true;
      },
      (err: unknown) => {
        this.log.error({ err, userId: user.id }, 'presence update (connected) failed');
        return false;
      },
    );
    return this.upDone;
  }

  /** Stops the heartbeat and removes the item (`user_offline` when last). No-op if never up. */
  async down(): Promise<void> {
    const user = this.user;
    if (user === undefined || this.upDone === undefined) return;
    const wasUp = await this.upDone;
    clearInterval(this.timer);
    this.user = undefined;
    if (!wasUp) return;
    try {
      await this.presence.disconnected(user, this.relayId, this.connectionId);
    } catch (err) {
      this.log.error({ err, userId: user.id }, 'presence update (disconnected) failed');
    }
  }

  private beat(user: User): void {
    this.presence
      .heartbeat(user.id, this.relayId, this.connectionId, this.timing.ttlSeconds)
      .catch((err: unknown) => {
        this.log.warn({ err }, 'presence heartbeat failed');
      });
  }
}
