// Unit tests for the length-prefixed framing codec (protocol docs/protocol/tcp.md §1).
import {
  FrameDecoder,
  FrameTooLargeError,
  MAX_FRAME_BYTES,
  encodeFrame,
} from '../../../../relay/protocol/frame.js';

const ping = Buffer.from('{"type":"ping"}', 'utf8');

describe('encodeFrame', () => {
  it('prefixes the payload with its big-endian u32 length (docs/protocol/tcp.md §1.1 example)', () => {
    expect(encodeFrame(ping).toString('hex')).toBe('0000000f7b2274797065223a2270696e67227d');
  });

  it('allows exactly 1 MiB and rejects one byte more', () => {
    expect(encodeFrame(Buffer.alloc(MAX_FRAME_BYTES)).length).toBe(MAX_FRAME_BYTES + 4);
    expect(() => encodeFrame(Buffer.alloc(MAX_FRAME_BYTES + 1))).toThrow(FrameTooLargeError);
  });
});

describe('FrameDecoder', () => {
  it('reassembles a frame fed one byte at a time', () => {
    const decoder = new FrameDecoder();
    const bytes = encodeFrame(ping);
    const out: Buffer[] = [];
    for (const byte of bytes) out.push(...decoder.push(Buffer.from([byte])));
    expect(out).toEqual([ping]);
    expect(decoder.pendingBytes).toBe(0);
  });

  it('returns nothing until the frame is complete', () => {
    const decoder = new FrameDecoder();
    const bytes = encodeFrame(ping);
    expect(decoder.push(bytes.subarray(0, 2))).toEqual([]);
    expect(decoder.push(bytes.subarray(2, 10))).toEqual([]);
    expect(decoder.push(bytes.subarray(10))).toEqual([ping]);
  });

  it('splits two frames merged in one chunk, plus a partial third', () => {
    const decoder = new FrameDecoder();
    const second = Buffer.from('{"type":"list_rooms"}');
    const third = encodeFrame(Buffer.from('{"type":"logout"}'));
    const chunk = Buffer.concat([encodeFrame(ping), encodeFrame(second), third.subarray(0, 5)]);
    expect(decoder.push(chunk)).toEqual([ping, second]);
    expect(decoder.push(third.subarray(5))).toEqual([Buffer.from('{"type":"logout"}')]);
  });

  it('yields an empty payload for a zero-length frame', () => {
    const decoder = new FrameDecoder();
    const frames = decoder.push(Buffer.concat([Buffer.from([0, 0, 0, 0]), encodeFrame(ping)]));
    expect(frames).toHaveLength(2);
    expect(frames[0]!.length).toBe(0);
    expect(frames[1]).toEqual(ping);
  });

  it('accepts a frame of exactly 1 MiB', () => {
    const decoder = new FrameDecoder();
    const payload = Buffer.alloc(MAX_FRAME_BYTES, 0x61);
    const bytes = encodeFrame(payload);
    expect(decoder.push(bytes.subarray(0, 1000))).toEqual([]);
    const frames = decoder.push(bytes.subarray(1000));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.equals(payload)).toBe(true);
  });

  it('throws FrameTooLargeError as soon as a header announces 1 MiB + 1', () => {
    const decoder = new FrameDecoder();
    const header = Buffer.alloc(4);
    header.writeUInt32BE(MAX_FRAME_BYTES + 1, 0);
    expect(() => decoder.push(header)).toThrow(FrameTooLargeError);
    expect(() => decoder.push(encodeFrame(ping))).toThrow(FrameTooLargeError);
  });

  it('does not alias the input chunk in returned payloads', () => {
    const decoder = new FrameDecoder();
    const chunk = encodeFrame(ping);
    const [payload] = decoder.push(chunk);
    chunk.fill(0);
    expect(payload).toEqual(ping);
  });
});
