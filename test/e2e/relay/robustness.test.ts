// Malformed input, silent closes, timeouts and key-exchange switching over real TCP sockets (docs/protocol/tcp.md §1, §3, §5, §9.2).
import { randomBytes } from 'node:crypto';
import { encodeFrame, encryptPayload } from '../../../relay/protocol/index.js';
import { connectUser, startTestRelay, TestTcpClient, type TestRelay } from '../../support/relay.js';

const header = (length: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(length, 0);
  return b;
};

describe('relay robustness', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ timeouts: { handshakeMs: 400, authMs: 700, idleMs: 1000 } });
  });
  afterAll(async () => {
    await relay.close();
  });

  /** The relay still serves a fresh connection. */
  async function stillServes(): Promise<void> {
    const c = await TestTcpClient.connect(relay.relay.port);
    c.send({ type: 'ping' });
    await c.nextOf('pong');
    c.destroy();
  }

  it('bad JSON, empty frames, unknown types and numeric request_id => invalid_message, stays open', async () => {
    const c = await TestTcpClient.connect(relay.relay.port);
    await c.nextOf('server_hello');
    c.sendPayload(Buffer.from('{not json'));
    c.sendPayload(Buffer.alloc(0));
    c.send({ type: 'frobnicate' });
    c.send([1, 2]);
    c.send({ type: 'client_hello', version: '1.0' });
    c.send({ type: 'authenticate', request_id: 7, token: 'x' });
    for (let i = 0; i < 5; i++) {
      const err = await c.nextOf('error');
      expect(err).toMatchObject({ code: 'invalid_message' });
      expect(err.message).toMatch(/^Invalid JSON: /);
      expect(Object.keys(err)).toEqual(['type', 'code', 'message']);
    }
    c.send({ type: 'ping' });
    await c.nextOf('pong');
    expect(c.isClosed).toBe(false);
    c.destroy();
  });

  it('frames split byte by byte and merged in one write are reassembled', async () => {
    const c = await TestTcpClient.connect(relay.relay.port);
    await c.nextOf('server_hello');
    const ping = encodeFrame(Buffer.from('{"type":"ping"}'));
    for (const byte of ping) {
      c.sendRaw(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    await c.nextOf('pong');
    c.sendRaw(Buffer.concat([ping, ping, ping]));
    for (let i = 0; i < 3; i++) await c.nextOf('pong');
    c.destroy();
  });

  it('a payload of exactly 1 MiB is accepted; 1 MiB + 1 closes silently', async () => {
    const c = await TestTcpClient.connect(relay.relay.port);
    await c.nextOf('server_hello');
    const prefix = '{"type":"ping","pad":"';
    const body = Buffer.from(prefix + 'a'.repeat(1_048_576 - prefix.length - 2) + '"}');
    expect(body.length).toBe(1_048_576);
    c.sendPayload(body);
    await c.nextOf('pong', 10_000);

    c.sendRaw(header(1_048_577));
    await c.waitClosed();
    expect(c.inbox.all.map((m) => m.type)).toEqual(['server_hello', 'pong']);
    await stillServes();
  });

  it('a non-UTF-8 payload closes silently', async () => {
    const c = await TestTcpClient.connect(relay.relay.port);
    await c.nextOf('server_hello');
    c.sendPayload(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]));
    await c.waitClosed();
    expect(c.inbox.all).toHaveLength(1);
    await stillServes();
  });

  it('random garbage never crashes the relay', async () => {
    for (let i = 0; i < 5; i++) {
      const c = await TestTcpClient.connect(relay.relay.port);
      c.sendRaw(randomBytes(4096));
      await new Promise((r) => setTimeout(r, 50));
      c.destroy();
    }
    await stillServes();
  });

  it('encrypted: next server frame after key_exchange_response is encrypted; bad JSON inside => encrypted invalid_message', async () => {
    const c = await TestTcpClient.connect(relay.relay.port);
    await c.handshake(true);
    c.send({ type: 'ping' });
    await c.nextOf('pong');
    c.sendPayload(Buffer.from('nope'));
    expect(await c.nextOf('error')).toMatchObject({ code: 'invalid_message' });
    expect(c.garbage).toHaveLength(0);
    c.destroy();
  });

  it.each([
    ['shorter than 28 bytes', () => encodeFrame(randomBytes(27))],
    ['a bad GCM tag', () => encodeFrame(encryptPayload(randomBytes(32), Buffer.from('{"type":"ping"}')))],
  ])('encrypted frame with %s closes silently', async (_label, bad) => {
    const c = await TestTcpClient.connect(relay.relay.port);
    await c.handshake(true);
    const seen = c.inbox.all.length;
    c.sendRaw(bad());
    await c.waitClosed();
    expect(c.inbox.all).toHaveLength(seen);
    await stillServes();
  });

  it('encrypted plaintext that is not UTF-8 closes silently', async () => {
    const c = await TestTcpClient.connect(relay.relay.port);
    await c.handshake(true);
    c.sendPayload(Buffer.from([0xff, 0xfe]));
    await c.waitClosed();
  });

  it('an invalid key_exchange key gets no reply and the client may retry', async () => {
    const c = await TestTcpClient.connect(relay.relay.port);
    await c.nextOf('server_hello');
    c.send({ type: 'client_hello', version: '1.0', features: ['encryption'] });
    c.send({ type: 'key_exchange', public_key: 'AAAA' });
    c.send({ type: 'ping' });
    await c.nextOf('pong');
    expect(c.inbox.peek(() => true)).toHaveLength(0);
    c.send({ type: 'authenticate', token: 'x' });
    expect(await c.nextOf('error')).toMatchObject({
      code: 'unauthorized',
      message: 'Must complete key exchange first',
    });
    c.destroy();
  });

  it('version_mismatch is delivered, then the socket closes', async () => {
    const c = await TestTcpClient.connect(relay.relay.port);
    await c.nextOf('server_hello');
    c.send({ type: 'client_hello', version: '2.0' });
    expect(await c.nextOf('error')).toEqual({
      type: 'error',
      code: 'version_mismatch',
      message: 'Unsupported protocol version: 2.0. Server supports: 1.0',
    });
    await c.waitClosed();
  });

  it('inactivity: timeout error (encrypted when on) then close; pings keep a pre-auth connection alive', async () => {
    const quiet = await TestTcpClient.connect(relay.relay.port);
    const enc = await TestTcpClient.connect(relay.relay.port);
    await enc.handshake(true);
    const pinger = await TestTcpClient.connect(relay.relay.port);
    await pinger.handshake(false);
    const timer = setInterval(() => {
      pinger.send({ type: 'ping' });
    }, 200);
    try {
      expect(await quiet.nextOf('error', 3000)).toEqual({
        type: 'error',
        code: 'timeout',
        message: 'Connection timed out',
      });
      await quiet.waitClosed();
      expect(await enc.nextOf('error', 3000)).toMatchObject({ code: 'timeout' });
      expect(enc.garbage).toHaveLength(0);
      await enc.waitClosed();
      await new Promise((r) => setTimeout(r, 1200));
      expect(pinger.isClosed).toBe(false);
    } finally {
      clearInterval(timer);
      pinger.destroy();
    }
  });

  it('an authenticated connection times out after the idle limit', async () => {
    const { client } = await connectUser(relay);
    expect(await client.nextOf('error', 3000)).toMatchObject({ code: 'timeout' });
    await client.waitClosed();
  });
});
