// Shared socket lifecycle of the TCP and WebSocket transports: bounded outgoing queue, flush-then-close with a grace period, destroy.
import { framesOutTally, queueDrops, slowClientDisconnects } from '../metrics.js';
import type { Logger } from '../../shared/platform/logger.js';
import { OutboundGauge, type OutboundLimits } from './transport.js';

/**
 * The part of a {@link Transport} that does not depend on the wire: the slow-client rule
 * (`limits`, docs/protocol/tcp.md §3 "slow clients"), `end()` = graceful close forced after
 * `limits.closeGraceMs`, and an idempotent `destroy(reason)`. Subclasses say how to write, how
 * much is buffered, and how to close gracefully or at once.
 */
export abstract class BaseTransport {
  private readonly gauge: OutboundGauge;
  private ending = false;
  protected destroyed = false;
  private grace: NodeJS.Timeout | undefined;

  protected constructor(
    protected readonly limits: OutboundLimits,
    protected readonly log: Logger,
  ) {
    this.gauge = new OutboundGauge(limits);
  }

  /** Bytes buffered in user space (`socket.writableLength` / `ws.bufferedAmount`). */
  protected abstract bufferedBytes(): number;
  /** `tcp` or `ws` (metric labels). */
  abstract readonly kind: string;
  /** Hands bytes to the socket; `onWritten` fires once they are written. */
  protected abstract write(data: Buffer, onWritten: () => void): void;
  /** Starts a graceful close (TCP FIN / WebSocket Close 1000). */
  protected abstract closeGracefully(): void;
  /** Closes at once (socket destroy / ws terminate). */
  protected abstract kill(): void;

  /** True once ending or closed: nothing more will be sent. */
  get closing(): boolean {
    return this.ending || this.destroyed;
  }

  /**
   * Queues one wire message; if that would pass `limits`, logs the reason and destroys the
   * socket instead (the slow client never delays anyone else).
   */
  protected enqueue(data: Buffer): void {
    const queuedBytes = this.bufferedBytes();
    if (this.gauge.wouldOverflow(queuedBytes, data.length)) {
      this.log.warn(
        {
          queuedFrames: this.gauge.queuedFrames,
          queuedBytes,
          maxFrames: this.limits.maxFrames,
          maxBytes: this.limits.maxBytes,
        },
        'slow client: outgoing queue limit exceeded, disconnecting',
      );
      queueDrops.inc({ transport: this.kind });
      if (!this.destroyed) slowClientDisconnects.inc({ transport: this.kind });
      this.destroy('outgoing queue limit exceeded');
      return;
    }
    // A plain add to the process-wide tally of this kind (relay/metrics.ts): no labelled inc, and no
    // per-socket field (issue 16: CPU per delivery and memory per connection).
    framesOutTally(this.kind).n += 1;
    this.write(data, this.gauge.onWritten);
    this.gauge.wrote(this.bufferedBytes());
  }

  /** Marks the socket gone (its `close` event). */
  protected markClosed(): void {
    this.destroyed = true;
    clearTimeout(this.grace);
  }

  /** Flushes queued output, then closes; forced after `limits.closeGraceMs`. */
  end(): void {
    if (this.closing) return;
    this.ending = true;
    this.closeGracefully();
    this.grace = setTimeout(() => {
      this.log.debug('close grace period over; closing at once');
      this.kill();
    }, this.limits.closeGraceMs);
    this.grace.unref();
  }

  /** Closes at once without sending anything more. @param reason - logged */
  destroy(reason: string): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.log.debug({ reason }, 'closing connection');
    this.kill();
  }
}
