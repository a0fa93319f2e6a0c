// WebSocket transport: one text frame per JSON message, bounded outgoing queue, Close 1000 after the last message.
import type { WebSocket } from 'ws';
import type { Logger } from '../../shared/platform/logger.js';
import { OutboundGauge, type OutboundLimits, type Transport } from '../connection/transport.js';

/** Normal closure status code (RFC 6455 §7.4.1), sent when the server ends a connection (websocket.md §4). */
export const WS_NORMAL_CLOSURE = 1000;

/**
 * {@link Transport} over a `ws` WebSocket (websocket.md §2): no framing or encryption of its own
 * (no AWAIT_KEY: `startEncryption` is absent). Outgoing messages count against `limits` until
 * `ws` reports them written; past the bound the socket is terminated with a logged reason.
 */
export class WsTransport implements Transport {
  readonly kind = 'websocket' as const;
  private readonly gauge: OutboundGauge;
  private ending = false;
  private destroyed = false;
  private grace: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly limits: OutboundLimits,
    private readonly log: Logger,
    /** Peer IP address of the upgrade request. */
    readonly remoteAddress = 'unknown',
  ) {
    this.gauge = new OutboundGauge(limits);
  }

  get closing(): boolean {
    return this.ending || this.destroyed;
  }

  /** Marks the socket gone (called on the `close` event). */
  closed(): void {
    this.destroyed = true;
    clearTimeout(this.grace);
  }

  send(json: Buffer): void {
    if (this.closing) return;
    const queuedBytes = this.ws.bufferedAmount;
    if (this.gauge.wouldOverflow(queuedBytes, json.length)) {
      this.log.warn(
        {
          queuedFrames: this.gauge.queuedFrames,
          queuedBytes,
          maxFrames: this.limits.maxFrames,
          maxBytes: this.limits.maxBytes,
        },
        'slow client: outgoing queue limit exceeded, disconnecting',
      );
      this.destroy('outgoing queue limit exceeded');
      return;
    }
    this.gauge.write(
      (onWritten) => {
        this.ws.send(json, { binary: false }, onWritten);
      },
      () => this.ws.bufferedAmount,
    );
  }

  unwrap(payload: Buffer): Buffer {
    return payload;
  }

  end(): void {
    if (this.closing) return;
    this.ending = true;
    this.ws.close(WS_NORMAL_CLOSURE);
    this.grace = setTimeout(() => {
      this.ws.terminate();
    }, this.limits.closeGraceMs);
    this.grace.unref();
  }

  destroy(reason: string): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.log.debug({ reason }, 'terminating websocket');
    this.ws.terminate();
  }

  pauseInput(): void {
    this.ws.pause();
  }

  resumeInput(): void {
    if (!this.destroyed) this.ws.resume();
  }
}
