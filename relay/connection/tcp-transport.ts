// TCP transport: length-prefixed framing, optional AES-256-GCM, bounded outgoing queue, flush-then-close.
import type { Socket } from 'node:net';
import type { Logger } from '../../shared/platform/logger.js';
import {
  decryptPayload,
  deriveKey,
  encodeFrame,
  FrameDecoder,
  FrameTooLargeError,
  generateKeyPair,
  MAX_FRAME_BYTES,
  MIN_ENCRYPTED_BYTES,
  parsePublicKey,
  sealFrame,
  type OutgoingMessage,
} from '../protocol/index.js';
import { BaseTransport } from './base-transport.js';
import type { OutboundLimits, Transport } from './transport.js';

/** Receives what the socket produces (implemented by Connection). */
export interface FrameSink {
  /** One complete frame payload (still encrypted when the inbound cipher is on). */
  receive(payload: Buffer): void;
  /** The socket is gone (any reason). */
  handleClose(): Promise<void>;
}

/**
 * {@link Transport} over a `net.Socket` (docs/protocol/tcp.md §1, §5). Silent closes (no frame): announced
 * length > 1 MiB, GCM failure, encrypted payload < 28 bytes (docs/protocol/tcp.md §9.2). A socket whose
 * outgoing queue passes `limits` is destroyed with a logged reason and never delays anyone else.
 */
export class TcpTransport extends BaseTransport implements Transport {
  readonly kind = 'tcp' as const;
  private readonly decoder = new FrameDecoder();
  private inKey: Buffer | undefined;
  private outKey: Buffer | undefined;

  readonly remoteAddress: string;

  constructor(
    private readonly socket: Socket,
    limits: OutboundLimits,
    log: Logger,
  ) {
    super(limits, log);
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    socket.setNoDelay(true);
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
      this.markClosed();
      void sink.handleClose();
    });
  }

  send(json: Buffer, shared?: OutgoingMessage): void {
    if (this.closing) return;
    let frame: Buffer;
    try {
      if (this.outKey !== undefined) {
        if (json.length + MIN_ENCRYPTED_BYTES > MAX_FRAME_BYTES)
          throw new FrameTooLargeError(json.length + MIN_ENCRYPTED_BYTES);
        frame = sealFrame(this.outKey, json);
      } else frame = shared === undefined ? encodeFrame(json) : shared.tcpFrame();
    } catch (err) {
      this.log.error({ err, bytes: json.length }, 'refusing to send a frame larger than 1 MiB');
      return;
    }
    this.enqueue(frame);
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
    this.send(response(publicKeyB64)); // last plaintext frame (docs/protocol/tcp.md §5.3) ...
    this.outKey = key; // ... and every later frame is sealed: same synchronous step, no gap.
    return true;
  }

  pauseInput(): void {
    this.socket.pause();
  }

  resumeInput(): void {
    if (!this.destroyed) this.socket.resume();
  }

  protected bufferedBytes(): number {
    return this.socket.writableLength;
  }

  protected write(data: Buffer, onWritten: () => void): void {
    this.socket.write(data, onWritten);
  }

  protected closeGracefully(): void {
    this.socket.end();
  }

  protected kill(): void {
    this.socket.destroy();
  }
}
