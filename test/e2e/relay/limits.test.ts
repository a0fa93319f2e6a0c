// Connection limit (docs/protocol/tcp.md §11) and slow-client backpressure: bounded per-connection queues never stall others.
import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../../../shared/kernel/events.js';
import { connectUser, startTestRelay, TestTcpClient, type TestRelay } from '../../support/relay.js';
import { eventually } from '../../support/streams.js';

describe('LAIR_TCP_MAX_CONNECTIONS', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({
      maxConnections: 2,
      timeouts: { handshakeMs: 300, authMs: 300, idleMs: 300 },
    });
  });
  afterAll(async () => {
    await relay.close();
  });

  it('over the limit: accepted then closed with no frame; every kind of close frees the slot', async () => {
    const a = await TestTcpClient.connect(relay.relay.port);
    const b = await TestTcpClient.connect(relay.relay.port);
    await a.nextOf('server_hello');
    await b.nextOf('server_hello');
    const over = await TestTcpClient.connect(relay.relay.port);
    await over.waitClosed();
    expect(over.inbox.all).toHaveLength(0);
    expect(relay.relay.tcpConnectionCount()).toBe(2);

    a.destroy(); // client-side close
    await eventually(() => relay.relay.tcpConnectionCount() === 1, 5000);
    const c = await TestTcpClient.connect(relay.relay.port);
    await c.nextOf('server_hello');

    c.send({ type: 'client_hello', version: '9.0' }); // server-side close after version_mismatch
    await c.waitClosed();
    b.sendRaw(Buffer.from([0xff, 0xff, 0xff, 0xff])); // oversize: silent close
    await b.waitClosed();
    await eventually(() => relay.relay.tcpConnectionCount() === 0, 5000);

    const d = await TestTcpClient.connect(relay.relay.port);
    const e = await TestTcpClient.connect(relay.relay.port);
    await d.nextOf('server_hello');
    await e.nextOf('server_hello');
    await d.waitClosed(); // inactivity timeout
    await e.waitClosed();
    await eventually(() => relay.relay.tcpConnectionCount() === 0, 5000);
    const f = await TestTcpClient.connect(relay.relay.port);
    await f.nextOf('server_hello');
    f.destroy();
  });
});

describe.each([
  ['frame limit', { queueLimit: 16 }],
  ['byte limit', { queueLimit: 1_000_000, queueByteLimit: 512 * 1024 }],
])('slow client (%s)', (_label, limits) => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay(limits);
  });
  afterAll(async () => {
    await relay.close();
  });

  it('a burst larger than the frame bound reaches a reader that keeps up', async () => {
    const reader = await connectUser(relay);
    const burst: DomainEvent[] = Array.from({ length: 200 }, (_, i) => ({
      id: randomUUID(),
      at: Date.now(),
      audience: { kind: 'users', userIds: [reader.auth.user.id] },
      payload: { type: 'server_notice', message: `n${i}`, severity: 'info' },
    }));
    await relay.relay.publisher.publish(...burst);
    for (let i = 0; i < 200; i++) {
      expect(await reader.client.nextOf('server_notice')).toMatchObject({ message: `n${i}` });
    }
    expect(reader.client.isClosed).toBe(false);
    reader.client.destroy();
  });

  it('a reader that never reads is disconnected and does not delay delivery to others', async () => {
    const stalled = await connectUser(relay, { encrypt: true });
    const healthy = await connectUser(relay);
    stalled.client.socket.pause(); // never reads again: kernel buffers fill, then the relay's queue
    const big = 'x'.repeat(64 * 1024);
    const flood: DomainEvent[] = Array.from({ length: 400 }, () => ({
      id: randomUUID(),
      at: Date.now(),
      audience: { kind: 'users', userIds: [stalled.auth.user.id] },
      payload: { type: 'server_notice', message: big, severity: 'info' },
    }));
    await relay.relay.publisher.publish(...flood);

    const started = Date.now();
    const sent = await healthy.client.request({
      type: 'send_message',
      target: { type: 'dm', recipient: healthy.auth.user.id },
      content: 'still here',
    });
    await healthy.client.nextOf('message_received', 2000, (m) => m.message.id === sent.message.id);
    expect(Date.now() - started).toBeLessThan(2000);

    await eventually(() => relay.relay.registry.connectionCount === 1, 5000);
    await eventually(() => relay.relay.tcpConnectionCount() === 1, 5000);
    stalled.client.socket.resume();
    await stalled.client.waitClosed();
    healthy.client.destroy();
  });
});

describe('password attempts over TCP (docs/protocol/tcp.md §10: rate_limited in the command response)', () => {
  it('refuses login/register beyond the per-address budget, keeps the socket open, leaves authenticate alone', async () => {
    const relay = await startTestRelay({ authAttemptsPerMinute: 3 });
    try {
      const auth = await relay.register();
      const c = await TestTcpClient.connect(relay.relay.port);
      await c.handshake(false);
      // The budget is a fixed 60 s window (docs/protocol/tcp.md §10): start the four attempts well
      // inside one window so a reset cannot land between them.
      const intoWindow = Date.now() % 60_000;
      if (intoWindow > 50_000) await new Promise((r) => setTimeout(r, 60_000 - intoWindow + 50));
      const codes: string[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await c.request({
          type: 'login',
          request_id: `l${i}`,
          identifier: 'nobody',
          password: 'wrong-pass',
        });
        codes.push(res.error.code);
      }
      expect(codes).toEqual([
        'invalid_credentials',
        'invalid_credentials',
        'invalid_credentials',
        'rate_limited',
      ]);
      // Token authentication does not spend password attempts.
      const ok = await c.request({ type: 'authenticate', request_id: 'a1', token: auth.token });
      expect(ok).toMatchObject({ type: 'authenticate_response', success: true });
      c.destroy();
    } finally {
      await relay.close();
    }
  });
});
