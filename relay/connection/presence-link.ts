// Presence bookkeeping of authenticated connections: connected/disconnected per connection, one batched heartbeat per relay (docs/protocol/domain.md §8.3).
import type { User } from '../../shared/features/users/index.js';
import type { Uuid } from '../../shared/kernel/types.js';
import type { Logger } from '../../shared/platform/logger.js';
import type { ConnectionRef } from '../../shared/features/presence/index.js';
import type { PresenceService } from '../../shared/features/presence/index.js';

/** Presence heartbeat item lifetime (**seconds**) and refresh period (**milliseconds**). */
export interface PresenceTiming {
  ttlSeconds: number;
  heartbeatMs: number;
}

/**
 * One timer per relay that refreshes every live connection's presence item with batched writes
 * (25 items per BatchWriteItem). Replaces a timer and a PutItem per connection per period, which
 * at 5,000 connections was ~167 writes/s competing with message writes (bench/README.md finding 2).
 */
export class PresenceHeartbeat {
  private readonly live = new Map<string, ConnectionRef>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly presence: PresenceService,
    readonly timing: PresenceTiming,
    private readonly log: Logger,
  ) {}

  /** Starts refreshing this connection's item (the timer starts with the first connection). */
  add(ref: ConnectionRef): void {
    this.live.set(ref.connectionId, ref);
    if (this.timer === undefined) {
      this.timer = setInterval(() => {
        void this.beat();
      }, this.timing.heartbeatMs);
      this.timer.unref();
    }
  }

  /** Stops refreshing a connection's item. */
  remove(connectionId: string): void {
    this.live.delete(connectionId);
  }

  /** Stops the timer (relay shutdown). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Number of connections being refreshed (diagnostics, tests). */
  get size(): number {
    return this.live.size;
  }

  /** Refreshes every live item now; failures are logged (items live on until their TTL). */
  beat(): Promise<void> {
    if (this.live.size === 0) return Promise.resolve();
    return this.presence.heartbeat([...this.live.values()], this.timing.ttlSeconds).catch((err: unknown) => {
      this.log.warn({ err, connections: this.live.size }, 'presence heartbeat failed');
    });
  }
}

/**
 * Ties one connection to its presence item. `down()` waits for a pending `up()` so a connection
 * closing during authentication never leaves a ghost item behind; failures are logged, never thrown.
 */
export class PresenceLink {
  private upDone: Promise<boolean> | undefined;
  private user: User | undefined;

  constructor(
    private readonly presence: PresenceService,
    private readonly relayId: string,
    private readonly connectionId: string,
    private readonly heartbeat: PresenceHeartbeat,
    /** The logger, asked for only on a failure (connections make theirs lazily). */
    private readonly log: () => Logger,
  ) {}

  /**
   * Records the connection (`user_online` when first) and joins the relay's heartbeat.
   * @param roomIds - the user's rooms from the relay's room index (the audience reuses them)
   */
  up(user: User, roomIds?: Iterable<Uuid>): Promise<boolean> {
    this.user = user;
    const ttl = this.heartbeat.timing.ttlSeconds;
    this.upDone = this.presence.connected(user, this.relayId, this.connectionId, ttl, roomIds).then(
      () => {
        this.heartbeat.add({ userId: user.id, relayId: this.relayId, connectionId: this.connectionId });
        return true;
      },
      (err: unknown) => {
        this.log().error({ err, userId: user.id }, 'presence update (connected) failed');
        return false;
      },
    );
    return this.upDone;
  }

  /** Leaves the heartbeat and removes the item (`user_offline` when last). No-op if never up. */
  async down(): Promise<void> {
    const user = this.user;
    if (user === undefined || this.upDone === undefined) return;
    const wasUp = await this.upDone;
    this.heartbeat.remove(this.connectionId);
    this.user = undefined;
    if (!wasUp) return;
    try {
      await this.presence.disconnected(user, this.relayId, this.connectionId);
    } catch (err) {
      this.log().error({ err, userId: user.id }, 'presence update (disconnected) failed');
    }
  }
}
