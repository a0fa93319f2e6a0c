// TCP transport: length-prefixed framing, optional AES-256-GCM, bounded outgoing queue, flush-then-close.
import type { Socket } from 'node:net';
import type { Logger } from '../../shared/platform/logger.js';
import {
  decryptPayload,
  deriveKey,
  encodeFrame,
  encryptPayload,
  FrameDecoder,
  FrameTooLargeError,
  generateKeyPair,
  parsePublicKey,
} from '../protocol/index.js';
import { OutboundGauge, type OutboundLimits, type Transport } from './transport.js';

/** Receives what the socket produces (implemented by Connection). */
export interface FrameSink {
  /** One complete frame payload (still encrypted when the inbound cipher is on). */
  receive(payload: Buffer): void;
  /** The socket is gone (any reason). */
  handleClose(): Promise<void>;
}

/**
 * {@link Transport} over a `net.Socket` (tcp.md §1, §5). Silent closes (no frame): announced
 * length > 1 MiB, GCM failure, encrypted payload < 28 bytes (tcp.md §9.2). A socket whose
 * outgoing queue passes `limits` is destroyed with a logged reason and never delays anyone else.
 */
export class TcpTransport implements Transport {
  readonly kind = 'tcp' as const;
  private readonly decoder = new FrameDecoder();
  private inKey: Buffer | undefined;
  private outKey: Buffer | undefined;
  private readonly gauge: OutboundGauge;
  private ending = false;
  private destroyed = false;
  private grace: NodeJS.Timeout | undefined;

  readonly remoteAddress: string;

  constructor(
    private readonly socket: Socket,
    private readonly limits: OutboundLimits,
    private readonly log: Logger,
  ) {
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    socket.setNoDelay(true);
    this.gauge = new OutboundGauge(limits);
  }

  /** Wires socket events to `sink`; call once, right after construction. */
  bind(sink: FrameSink): void {
    this.socket.on('data', (chunk: Buffer) => {
      if (this.destroyed) return;
      let frames: Buffer[];
      try {
        frames = this.decoder.push(chunk);
      } catch (err) {
        if (err instanceof FrameTooLargeError) this.destroy(`frame of ${err.length} bytes exceeds 1 MiB`);
        else this.destroy('frame decoding failed');
        return;
      }
      for (const frame of frames) sink.receive(frame);
    });
    this.socket.on('error', (err) => {
      this.log.debug({ err }, 'socket error');
    });
    this.socket.on('close', () => {
      this.destroyed = true;
      clearTimeout(this.grace);
      void sink.handleClose();
    });
  }

  get closing(): boolean {
    return this.ending || this.destroyed;
  }

  send(json: Buffer): void {
    if (this.closing) return;
    let frame: Buffer;
    try {
      frame = encodeFrame(this.outKey === undefined ? json : encryptPayload(this.outKey, json));
    } catch (err) {
      this.log.error({ err, bytes: json.length }, 'refusing to send a frame larger than 1 MiB');
      return;
    }
    const queuedBytes = this.socket.writableLength;
    if (this.gauge.wouldOverflow(queuedBytes, frame.length)) {
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
      (onWritten) => this.socket.write(frame, onWritten),
      () => this.socket.writableLength,
    );
  }

  unwrap(payload: Buffer): Buffer | null {
    if (this.destroyed) return null;
    if (this.inKey === undefined) return payload;
    try {
      return decryptPayload(this.inKey, payload);
    } catch {
      this.destroy('encrypted frame failed authentication or is shorter than 28 bytes');
      return null;
    }
  }

  startEncryption(peerPublicKeyB64: string, response: (serverPublicKeyB64: string) => Buffer): boolean {
    const peer = parsePublicKey(peerPublicKeyB64);
    if (peer === null) return false;
    const { privateKey, publicKeyB64 } = generateKeyPair();
    const key = deriveKey(privateKey, peer);
    this.inKey = key;
    this.send(response(publicKeyB64)); // last plaintext frame (tcp.md §5.3) ...
    this.outKey = key; // ... and every later frame is sealed: same synchronous step, no gap.
    return true;
  }

  end(): void {
    if (this.closing) return;
    this.ending = true;
    this.socket.end();
    this.grace = setTimeout(() => {
      this.log.debug('close grace period over; destroying socket');
      this.socket.destroy();
    }, this.limits.closeGraceMs);
    this.grace.unref();
  }

  destroy(reason: string): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.log.debug({ reason }, 'closing socket');
    this.socket.destroy();
  }

  pauseInput(): void {
    this.socket.pause();
  }

  resumeInput(): void {
    if (!this.destroyed) this.socket.resume();
  }
}
