// WebSocket transport: one text frame per JSON message, bounded outgoing queue, Close 1000 after the last message.
import type { WebSocket } from 'ws';
import type { Logger } from '../../shared/platform/logger.js';
import { BaseTransport } from '../connection/base-transport.js';
import type { OutboundLimits, Transport } from '../connection/transport.js';

/** Normal closure status code (RFC 6455 §7.4.1), sent when the server ends a connection (docs/protocol/websocket.md §4). */
export const WS_NORMAL_CLOSURE = 1000;

/** `ws.send` options of every message: one text frame (shared, not allocated per send). */
const TEXT_FRAME = { binary: false } as const;

/**
 * {@link Transport} over a `ws` WebSocket (docs/protocol/websocket.md §2): no framing or encryption of its own
 * (no AWAIT_KEY: `startEncryption` is absent). Outgoing messages count against `limits` until
 * `ws` reports them written; past the bound the socket is terminated with a logged reason.
 */
export class WsTransport extends BaseTransport implements Transport {
  readonly kind = 'websocket' as const;

  constructor(
    private readonly ws: WebSocket,
    limits: OutboundLimits,
    log: Logger,
    /** Peer IP address of the upgrade request. */
    readonly remoteAddress = 'unknown',
  ) {
    super(limits, log);
  }

  /** Marks the socket gone (called on the `close` event). */
  closed(): void {
    this.markClosed();
  }

  send(json: Buffer): void {
    if (!this.closing) this.enqueue(json);
  }

  unwrap(payload: Buffer): Buffer {
    return payload;
  }

  pauseInput(): void {
    this.ws.pause();
  }

  resumeInput(): void {
    if (!this.destroyed) this.ws.resume();
  }

  protected bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  protected write(data: Buffer, onWritten: () => void): void {
    this.ws.send(data, TEXT_FRAME, onWritten);
  }

  protected closeGracefully(): void {
    this.ws.close(WS_NORMAL_CLOSURE);
  }

  protected kill(): void {
    this.ws.terminate();
  }
}
