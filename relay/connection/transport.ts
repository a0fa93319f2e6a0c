// The byte-level seam between the protocol state machine and a socket (TCP framing/crypto or WebSocket frames).
import type { OutgoingMessage } from '../protocol/outgoing.js';

/** Which adapter a connection came through (docs/protocol/websocket.md §4 lists the differences). */
export type TransportKind = 'tcp' | 'websocket';

/**
 * What the state machine needs from a socket. Implementations: TCP (length-prefixed frames,
 * optional AES-GCM, docs/protocol/tcp.md §1, §5) and WebSocket (one text frame per message, docs/protocol/websocket.md §2).
 * Every method is synchronous and must never block: output is queued, and a connection whose
 * queue exceeds its limit is destroyed by the transport itself (slow-client rule).
 */
export interface Transport {
  readonly kind: TransportKind;
  /** Peer IP address (for per-client auth throttling); `unknown` when the socket has none. */
  readonly remoteAddress: string;
  /** True once the transport is closing or closed: nothing more will be sent. */
  readonly closing: boolean;
  /**
   * Queues one serialized server message (compact UTF-8 JSON). Dropped silently when closing.
   * `shared` (an event fanned out to many sockets) carries `json` with its wire form built once
   * for every plaintext socket; a transport that needs per-socket bytes (encryption) uses `json`.
   * A message that would make the outgoing queue exceed its bound makes the transport log the
   * reason and destroy the socket instead.
   */
  send(json: Buffer, shared?: OutgoingMessage): void;
  /**
   * Turns one received frame payload into message bytes (TCP: AES-GCM open once the inbound cipher
   * is on). @returns null when the transport closed the socket silently (bad tag, < 28 bytes).
   */
  unwrap(payload: Buffer): Buffer | null;
  /**
   * TCP only (docs/protocol/tcp.md §5.3): imports the client's key, switches the inbound cipher on, sends
   * `response(serverPublicKeyB64)` in plaintext and switches the outbound cipher on in the same
   * synchronous step, so no plaintext frame can follow. @returns false (and changes nothing) when
   * the key is not padded base64 of 32 bytes.
   */
  startEncryption?(peerPublicKeyB64: string, response: (serverPublicKeyB64: string) => Buffer): boolean;
  /** Flushes queued output, then closes (TCP FIN / WebSocket Close 1000); forced after a grace period. */
  end(): void;
  /** Closes at once without sending anything more. @param reason - logged */
  destroy(reason: string): void;
  /** Stops reading input (inbound backpressure); optional. */
  pauseInput?(): void;
  /** Resumes reading input; optional. */
  resumeInput?(): void;
}

/** Limits applied by transports to their outgoing queue (slow-client rule). */
export interface OutboundLimits {
  /** Max messages queued and not yet handed to the kernel (LAIR_RELAY_QUEUE_LIMIT, default 1024). */
  maxFrames: number;
  /** Max bytes buffered in user space (`socket.writableLength` / `ws.bufferedAmount`), default 8 MiB. */
  maxBytes: number;
  /** After `end()`, how long to wait for the flush and the peer's close before destroying, ms (default 5000). */
  closeGraceMs: number;
}

/** Defaults of {@link OutboundLimits}. */
export const DEFAULT_OUTBOUND_LIMITS: OutboundLimits = {
  maxFrames: 1024,
  maxBytes: 8 * 1024 * 1024,
  closeGraceMs: 5000,
};

/**
 * Counts a connection's outgoing messages still held in user space. A write the kernel took in
 * full at once (buffered bytes 0 right after it) is not counted, so a burst to a fast reader never
 * trips the frame bound; a counted message stops counting when its write callback fires.
 * Allocation-free per message (issue 16): one shared callback ({@link onWritten}) for every write
 * (write callbacks fire in write order) and a queue of "was it counted" flags.
 */
export class OutboundGauge {
  private frames = 0;
  /** Per write not yet called back: whether it was counted (FIFO from `head`). */
  private pending: boolean[] = [];
  private head = 0;

  constructor(private readonly limits: OutboundLimits) {}

  /** Messages currently counted. */
  get queuedFrames(): number {
    return this.frames;
  }

  /**
   * True when queueing one more message of `frameBytes` would pass a bound.
   * @param bufferedBytes - bytes already buffered in user space (`writableLength` / `bufferedAmount`)
   */
  wouldOverflow(bufferedBytes: number, frameBytes: number): boolean {
    return this.frames + 1 > this.limits.maxFrames || bufferedBytes + frameBytes > this.limits.maxBytes;
  }

  /** The callback to pass with every write (the same function each time). */
  readonly onWritten = (): void => {
    if (this.head >= this.pending.length) return; // more callbacks than writes: never counted
    if (this.pending[this.head++] === true) this.frames -= 1;
    if (this.head === this.pending.length) {
      this.pending.length = 0;
      this.head = 0;
    }
  };

  /**
   * Records one write just made with {@link onWritten} as its callback.
   * @param bufferedAfter - the buffered byte count read right after the write
   */
  wrote(bufferedAfter: number): void {
    const counted = bufferedAfter > 0;
    this.pending.push(counted);
    if (counted) this.frames += 1;
  }
}
