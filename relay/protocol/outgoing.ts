// One serialized server message shared by every recipient of an event: the JSON bytes and, built once on first use, its plaintext TCP frame.
import { encodeFrame } from './frame.js';

/**
 * An event serialized once per audience (issue 16, bench/README.md "Peer bench"): every plaintext
 * TCP socket writes the same length-prefixed frame (built on first use, then reused), WebSocket
 * sockets write the same JSON bytes, and an encrypted TCP socket seals `json` with its own key
 * (once per key, docs/protocol/tcp.md §5.2). Nothing per recipient is allocated here.
 */
export class OutgoingMessage {
  private frame: Buffer | undefined;

  /** @param json - compact UTF-8 JSON of one server message (serializeServerMessage) */
  constructor(readonly json: Buffer) {}

  /**
   * The plaintext TCP frame (docs/protocol/tcp.md §1.1), built on first call and shared.
   * @throws FrameTooLargeError when `json` is larger than 1 MiB (then on every call)
   */
  tcpFrame(): Buffer {
    this.frame ??= encodeFrame(this.json);
    return this.frame;
  }
}
