// Length-prefixed framing for the TCP protocol: encode one frame, decode a byte stream into frames.
//
// Frame layout (protocol docs/protocol/tcp.md §1.1; the encrypted variant §1.2 uses the same header):
//
//   +----------------------+------------------------------+
//   | length: u32, BE      | payload: N bytes             |
//   +----------------------+------------------------------+
//     4 bytes, = N           plaintext: UTF-8 JSON
//                            encrypted: nonce(12) || ciphertext || GCM tag(16)
//
// `length` counts the payload only (not the 4 header bytes); 0 <= length <= 1 MiB.

/** Size of the big-endian u32 length prefix, bytes (docs/protocol/tcp.md §1.1). */
export const HEADER_BYTES = 4;

/** Largest allowed payload, bytes: exactly 1 MiB is allowed, one more is not (docs/protocol/tcp.md §1.1). */
export const MAX_FRAME_BYTES = 1_048_576;

/**
 * A frame announces (or would carry) a payload larger than {@link MAX_FRAME_BYTES}.
 * Inbound: the caller must close the socket silently, no error frame (docs/protocol/tcp.md §1.1, §9.2).
 */
export class FrameTooLargeError extends Error {
  /** The offending payload length, bytes. */
  readonly length: number;

  constructor(length: number) {
    super(`Frame payload of ${length} bytes exceeds the ${MAX_FRAME_BYTES}-byte limit`);
    this.name = 'FrameTooLargeError';
    this.length = length;
  }
}

/**
 * Builds one frame: 4-byte big-endian length followed by `payload` (docs/protocol/tcp.md §1.1).
 * @param payload plaintext JSON bytes, or nonce||ciphertext||tag when encrypted (§1.2).
 * @returns a new Buffer of `4 + payload.length` bytes.
 * @throws FrameTooLargeError if `payload.length > MAX_FRAME_BYTES` (we never send one, §1.1).
 */
export function encodeFrame(payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_BYTES) throw new FrameTooLargeError(payload.length);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, HEADER_BYTES);
  return frame;
}

/**
 * Incremental decoder for a TCP byte stream: TCP may split or merge frames (docs/protocol/tcp.md §1.1), so it
 * buffers partial reads and returns every complete payload, in order. One decoder per socket.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed = false;

  /** Bytes received but not yet returned as part of a complete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Feeds bytes read from the socket.
   * @returns the payloads (header stripped) of every frame completed by this chunk, possibly
   *   none; a zero-length frame yields an empty Buffer. Payloads never alias internal state.
   * @throws FrameTooLargeError as soon as a header announces more than {@link MAX_FRAME_BYTES};
   *   the decoder is then unusable (every later call throws) and the caller closes silently.
   */
  push(chunk: Buffer): Buffer[] {
    if (this.failed) throw new FrameTooLargeError(-1);
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < HEADER_BYTES) break;
      const length = this.peekLength();
      if (length > MAX_FRAME_BYTES) {
        this.failed = true;
        this.chunks = [];
        this.buffered = 0;
        throw new FrameTooLargeError(length);
      }
      if (this.buffered < HEADER_BYTES + length) break;
      this.consume(HEADER_BYTES);
      frames.push(this.consume(length));
    }
    return frames;
  }

  /** Reads the u32 header at the front of the buffered bytes (requires >= 4 buffered). */
  private peekLength(): number {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= HEADER_BYTES) return first.readUInt32BE(0);
    const merged = Buffer.concat(this.chunks);
    this.chunks = [merged];
    return merged.readUInt32BE(0);
  }

  /** Removes and returns exactly `n` bytes from the front (requires `n <= buffered`). */
  private consume(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const head = this.chunks[0];
      if (head === undefined) break;
      const take = Math.min(head.length, n - written);
      head.copy(out, written, 0, take);
      written += take;
      if (take === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(take);
    }
    this.buffered -= n;
    return out;
  }
}
