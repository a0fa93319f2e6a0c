// Connection state machine (docs/protocol/tcp.md §3–§6) driven through an in-memory transport over the real services.
import { PresenceHeartbeat } from '../../../relay/connection/presence-link.js';
import { Connection, type ConnectionTimeouts } from '../../../relay/connection/connection.js';
import type { Transport, TransportKind } from '../../../relay/connection/transport.js';
import { DeliveryRegistry } from '../../../relay/delivery/registry.js';
import { generateKeyPair } from '../../../relay/protocol/index.js';
import { createTestServices, registerUser, type TestServices } from '../../support/services.js';
import { testLogger, type Msg } from '../../support/relay.js';

/** Records what the connection sends; `startEncryption` only for the TCP flavour (no real crypto here). */
class MemoryTransport implements Transport {
  readonly remoteAddress = '203.0.113.7';
  readonly sent: Msg[] = [];
  ended = false;
  destroyedReason: string | undefined;
  encryptionStarted = false;
  startEncryption?: Transport['startEncryption'];

  constructor(readonly kind: TransportKind) {
    if (kind === 'tcp') {
      this.startEncryption = (peer, response) => {
        if (!/^[A-Za-z0-9+/]{43}=$/.test(peer)) return false;
        this.send(response('c2VydmVyLWtleQ=='));
        this.encryptionStarted = true;
        return true;
      };
    }
  }

  get closing(): boolean {
    return this.ended || this.destroyedReason !== undefined;
  }
  send(json: Buffer): void {
    if (!this.closing) this.sent.push(JSON.parse(json.toString('utf8')) as Msg);
  }
  unwrap(payload: Buffer): Buffer {
    return payload;
  }
  end(): void {
    this.ended = true;
  }
  destroy(reason: string): void {
    this.destroyedReason = reason;
  }
}

const FAST: ConnectionTimeouts = { handshakeMs: 150, authMs: 250, idleMs: 350 };
const frame = (m: unknown): Buffer => Buffer.from(JSON.stringify(m), 'utf8');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Connection state machine', () => {
  let ts: TestServices;
  let token: string;

  beforeAll(async () => {
    ts = await createTestServices();
    token = (await registerUser(ts.services)).token;
  });
  afterAll(async () => {
    await ts.close();
  });

  function open(
    kind: TransportKind = 'tcp',
    timeouts: ConnectionTimeouts = { handshakeMs: 30_000, authMs: 60_000, idleMs: 90_000 },
  ) {
    const transport = new MemoryTransport(kind);
    const conn = new Connection(transport, {
      services: ts.services,
      registry: new DeliveryRegistry({ logger: testLogger() }),
      loadRooms: async (userId) => (await ts.repos.memberships.listByUser(userId)).map((m) => m.room_id),
      relayId: 'unit-relay',
      logger: testLogger(),
      timeouts,
      authLeaseMs: 30_000,
      presence: new PresenceHeartbeat(
        ts.services.presence,
        { ttlSeconds: 60, heartbeatMs: 60_000 },
        testLogger(),
      ),
    });
    conn.start();
    /** Feeds a frame and waits until the connection processed everything queued. */
    const feed = async (m: unknown, raw?: Buffer) => {
      conn.receive(raw ?? frame(m));
      for (let i = 0; i < 200 && transport.sent.length === 0; i++) await sleep(0);
      await sleep(20);
    };
    return { transport, conn, feed, last: () => transport.sent[transport.sent.length - 1] };
  }

  async function settle(c: ReturnType<typeof open>, until: () => boolean, ms = 5000) {
    const end = Date.now() + ms;
    while (!until() && Date.now() < end) await sleep(10);
  }

  it('sends server_hello first, plaintext, with the upstream values', () => {
    const { transport, conn } = open();
    expect(transport.sent[0]).toEqual({
      type: 'server_hello',
      version: '1.0',
      server_name: 'Lair Chat',
      features: [
        'encryption',
        'lair.messages',
        'lair.invitations',
        'lair.receipts',
        'lair.sync',
        'lair.moderation',
        'lair.social',
      ],
      encryption_required: false,
    });
    expect(conn.state).toBe('AWAIT_HELLO');
    void conn.handleClose();
  });

  it('AWAIT_HELLO: rejects other messages with unauthorized, answers ping, stays open', async () => {
    const c = open();
    await c.feed({ type: 'authenticate', token });
    expect(c.last()).toEqual({
      type: 'error',
      code: 'unauthorized',
      message: 'Must complete handshake first',
    });
    await c.feed({ type: 'key_exchange', public_key: generateKeyPair().publicKeyB64 });
    expect(c.last()).toMatchObject({ code: 'unauthorized', message: 'Must complete handshake first' });
    await c.feed({ type: 'ping' });
    expect(c.last()?.type).toBe('pong');
    expect(c.last()?.server_time).toMatch(/\+00:00$/);
    expect(c.conn.state).toBe('AWAIT_HELLO');
    expect(c.transport.closing).toBe(false);
    void c.conn.handleClose();
  });

  it.each(['1.0', '1.1', '1.99'])('accepts client_hello version %s silently', async (version) => {
    const c = open();
    await c.feed({ type: 'client_hello', version });
    expect(c.transport.sent).toHaveLength(1);
    expect(c.conn.state).toBe('AWAIT_AUTH');
    void c.conn.handleClose();
  });

  it.each(['2.0', '1', '0.9'])('rejects version %s with version_mismatch and closes', async (version) => {
    const c = open();
    await c.feed({ type: 'client_hello', version });
    expect(c.last()).toEqual({
      type: 'error',
      code: 'version_mismatch',
      message: `Unsupported protocol version: ${version}. Server supports: 1.0`,
    });
    expect(c.transport.ended).toBe(true);
    void c.conn.handleClose();
  });

  it('TCP: "encryption" leads to AWAIT_KEY; a bad key gets no reply; a good one answers and moves to AWAIT_AUTH', async () => {
    const c = open('tcp');
    await c.feed({ type: 'client_hello', version: '1.0', features: ['encryption'] });
    expect(c.conn.state).toBe('AWAIT_KEY');
    await c.feed({ type: 'ping' });
    await c.feed({ type: 'authenticate', token });
    expect(c.last()).toEqual({
      type: 'error',
      code: 'unauthorized',
      message: 'Must complete key exchange first',
    });
    const before = c.transport.sent.length;
    c.conn.receive(frame({ type: 'key_exchange', public_key: 'not-base64' }));
    await sleep(30);
    expect(c.transport.sent).toHaveLength(before);
    expect(c.conn.state).toBe('AWAIT_KEY');
    await c.feed({ type: 'key_exchange', public_key: generateKeyPair().publicKeyB64 });
    expect(c.last()).toEqual({ type: 'key_exchange_response', public_key: 'c2VydmVyLWtleQ==' });
    expect(c.transport.encryptionStarted).toBe(true);
    expect(c.conn.state).toBe('AWAIT_AUTH');
    void c.conn.handleClose();
  });

  it('WebSocket: "encryption" is ignored (no AWAIT_KEY)', async () => {
    const c = open('websocket');
    await c.feed({ type: 'client_hello', version: '1.0', features: ['encryption'] });
    expect(c.conn.state).toBe('AWAIT_AUTH');
    void c.conn.handleClose();
  });

  it('AWAIT_AUTH: unauthorized "Must authenticate first"; a failed authenticate stays; a retry succeeds', async () => {
    const c = open();
    await c.feed({ type: 'client_hello', version: '1.0' });
    await c.feed({ type: 'list_rooms' });
    expect(c.last()).toEqual({ type: 'error', code: 'unauthorized', message: 'Must authenticate first' });
    await c.feed({ type: 'key_exchange', public_key: generateKeyPair().publicKeyB64 });
    expect(c.last()).toMatchObject({ code: 'unauthorized', message: 'Must authenticate first' });
    c.conn.receive(frame({ type: 'authenticate', request_id: 'a1', token: 'garbage' }));
    await settle(c, () => c.last()?.type === 'authenticate_response');
    expect(c.last()).toMatchObject({
      type: 'authenticate_response',
      request_id: 'a1',
      success: false,
      error: { code: 'invalid_token' },
    });
    expect(c.last()).not.toHaveProperty('user');
    expect(c.conn.state).toBe('AWAIT_AUTH');
    c.conn.receive(frame({ type: 'authenticate', request_id: 'a2', token }));
    await settle(c, () => c.last()?.request_id === 'a2');
    expect(c.last()).toMatchObject({ type: 'authenticate_response', request_id: 'a2', success: true });
    expect(c.conn.state).toBe('AUTHENTICATED');
    await c.conn.handleClose();
  });

  it('AUTHENTICATED: hello/auth => invalid_state; key_exchange => not_implemented (TCP) / not_supported (WS)', async () => {
    for (const kind of ['tcp', 'websocket'] as const) {
      const c = open(kind);
      await c.feed({ type: 'client_hello', version: '1.0' });
      c.conn.receive(frame({ type: 'authenticate', token }));
      await settle(c, () => c.conn.state === 'AUTHENTICATED' && c.last()?.type === 'authenticate_response');
      for (const m of [
        { type: 'client_hello', version: '1.0' },
        { type: 'authenticate', token },
        { type: 'login', identifier: 'x', password: 'y' },
      ]) {
        await c.feed(m);
        expect(c.last()).toEqual({ type: 'error', code: 'invalid_state', message: 'Already authenticated' });
      }
      await c.feed({ type: 'key_exchange', public_key: generateKeyPair().publicKeyB64 });
      expect(c.last()).toEqual(
        kind === 'tcp'
          ? { type: 'error', code: 'not_implemented', message: 'Operation not yet implemented' }
          : { type: 'error', code: 'not_supported', message: 'Key exchange not needed for WebSocket' },
      );
      await c.conn.handleClose();
    }
  });

  it('bad JSON / unknown type / empty payload => invalid_message, stays open; non-UTF-8 => silent close', async () => {
    const c = open();
    await c.feed(null, Buffer.from('{"type":'));
    expect(c.last()?.code).toBe('invalid_message');
    expect(String(c.last()?.message)).toMatch(/^Invalid JSON: /);
    await c.feed(null, Buffer.alloc(0));
    expect(c.last()?.code).toBe('invalid_message');
    await c.feed({ type: 'pong' });
    expect(c.last()?.message).toMatch(/unknown variant `pong`/);
    await c.feed({ type: 'ping', request_id: 5 });
    expect(c.last()?.type).toBe('pong');
    expect(c.transport.closing).toBe(false);
    const count = c.transport.sent.length;
    c.conn.receive(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    await sleep(30);
    expect(c.transport.destroyedReason).toMatch(/UTF-8/);
    expect(c.transport.sent).toHaveLength(count);
    void c.conn.handleClose();
  });

  it('times out per state with error "timeout" then closes; every frame re-arms the timer', async () => {
    const c = open('tcp', FAST);
    for (let i = 0; i < 4; i++) {
      await sleep(80);
      c.conn.receive(frame({ type: 'ping' }));
    }
    expect(c.transport.ended).toBe(false);
    await sleep(FAST.handshakeMs + 50);
    expect(c.last()).toEqual({ type: 'error', code: 'timeout', message: 'Connection timed out' });
    expect(c.transport.ended).toBe(true);
    void c.conn.handleClose();

    const d = open('tcp', FAST);
    await d.feed({ type: 'client_hello', version: '1.0' });
    await sleep(FAST.handshakeMs + 40);
    expect(d.transport.ended).toBe(false); // AWAIT_AUTH has the longer limit
    await sleep(FAST.authMs - FAST.handshakeMs + 40);
    expect(d.last()?.code).toBe('timeout');
    void d.conn.handleClose();
  });

  it('logout answers logout_response (request_id echoed) and closes; the session is gone', async () => {
    const auth = await registerUser(ts.services);
    const c = open();
    await c.feed({ type: 'client_hello', version: '1.0' });
    c.conn.receive(frame({ type: 'authenticate', token: auth.token }));
    await settle(c, () => c.conn.state === 'AUTHENTICATED' && c.last()?.type === 'authenticate_response');
    c.conn.receive(frame({ type: 'logout', request_id: 'r9' }));
    await settle(c, () => c.transport.ended);
    expect(c.last()).toEqual({ type: 'logout_response', request_id: 'r9', success: true });
    expect(c.transport.ended).toBe(true);
    await expect(ts.services.auth.authenticate(auth.token)).rejects.toMatchObject({
      code: 'session_not_found',
    });
    await c.conn.handleClose();
  });
});
