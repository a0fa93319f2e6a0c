// WebSocket `/ws` (docs/protocol/websocket.md) over a real HTTP server: flows with and without ?token=, framing rules, close codes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import {
  connectUser,
  startTestRelay,
  TestTcpClient,
  TestWsClient,
  type TestRelay,
} from '../../support/relay.js';

describe('WebSocket endpoint', () => {
  let relay: TestRelay;
  let http: Server;
  let port: number;

  beforeAll(async () => {
    relay = await startTestRelay({
      maxConnections: 1,
      timeouts: { handshakeMs: 600, authMs: 800, idleMs: 1000 },
    });
    http = createServer((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    relay.relay.attachWebSocket(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    port = (http.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await relay.close();
    await new Promise((resolve) => http.close(resolve));
  });

  it('without a token: hello (encryption ignored) -> authenticate -> commands; errors per docs/protocol/websocket.md', async () => {
    const auth = await relay.register();
    const ws = await TestWsClient.connect(port);
    expect(await ws.nextOf('server_hello')).toMatchObject({
      version: '1.0',
      features: [
        'encryption',
        'lair.messages',
        'lair.invitations',
        'lair.receipts',
        'lair.sync',
        'lair.moderation',
        'lair.social',
      ],
    });
    ws.send({ type: 'key_exchange', public_key: 'x' });
    expect(await ws.nextOf('error')).toMatchObject({
      code: 'unauthorized',
      message: 'Must complete handshake first',
    });
    ws.send({ type: 'client_hello', version: '1.0', client_name: 'web', features: ['encryption'] });
    const res = await ws.request({ type: 'authenticate', request_id: 'a1', token: auth.token });
    expect(res).toMatchObject({
      type: 'authenticate_response',
      request_id: 'a1',
      success: true,
      user: { id: auth.user.id },
    });

    ws.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await ws.nextOf('error')).toEqual({
      type: 'error',
      code: 'unsupported',
      message: 'Binary messages not supported',
    });
    ws.ws.send('{oops');
    expect(await ws.nextOf('error')).toMatchObject({ code: 'invalid_message' });
    ws.send({ type: 'key_exchange', public_key: 'x' });
    expect(await ws.nextOf('error')).toEqual({
      type: 'error',
      code: 'not_supported',
      message: 'Key exchange not needed for WebSocket',
    });
    expect((await ws.request({ type: 'get_current_user', request_id: 'me' })).user.id).toBe(auth.user.id);
    expect(ws.isClosed).toBe(false);

    const out = await ws.request({ type: 'logout', request_id: 'bye' });
    expect(out).toEqual({ type: 'logout_response', request_id: 'bye', success: true });
    await ws.waitClosed();
    expect(ws.closeCode).toBe(1000);
  });

  it('with ?token=: authenticate_response right after server_hello; a later client_hello is a harmless invalid_state', async () => {
    const auth = await relay.register();
    const ws = await TestWsClient.connect(port, auth.token);
    expect((await ws.next()).type).toBe('server_hello');
    const res = await ws.next();
    expect(res).toMatchObject({
      type: 'authenticate_response',
      request_id: null,
      success: true,
      user: { id: auth.user.id },
    });
    expect(res.session.expires_at).toMatch(/\+00:00$/);
    ws.send({ type: 'client_hello', version: '1.0', client_name: 'Lair Chat TUI', features: [] });
    expect(await ws.nextOf('error')).toEqual({
      type: 'error',
      code: 'invalid_state',
      message: 'Already authenticated',
    });
    ws.send({ type: 'ping' });
    await ws.nextOf('pong');
    ws.close();
  });

  it('a bad ?token= answers authenticate_response failure and falls back to the normal flow', async () => {
    const auth = await relay.register();
    const ws = await TestWsClient.connect(port, 'garbage');
    await ws.nextOf('server_hello');
    expect(await ws.nextOf('authenticate_response')).toMatchObject({
      success: false,
      error: { code: 'invalid_token' },
    });
    ws.send({ type: 'authenticate', token: auth.token });
    expect(await ws.nextOf('error')).toMatchObject({
      code: 'unauthorized',
      message: 'Must complete handshake first',
    });
    ws.send({ type: 'client_hello', version: '1.0' });
    expect(await ws.request({ type: 'authenticate', token: auth.token })).toMatchObject({ success: true });
    ws.close();
  });

  it('a logged-out ?token= is refused (session_not_found) and the connection stays unauthenticated', async () => {
    const auth = await relay.register();
    await relay.services.auth.logout(auth.user.id, auth.session.id);
    const ws = await TestWsClient.connect(port, auth.token);
    await ws.nextOf('server_hello');
    expect(await ws.nextOf('authenticate_response')).toMatchObject({
      success: false,
      error: { code: 'session_not_found' },
    });
    ws.send({ type: 'get_current_user', request_id: 'me' });
    expect(await ws.nextOf('error')).toMatchObject({ code: 'unauthorized' });
    ws.close();
  });

  it('events flow between TCP and WebSocket clients; WS does not count toward the TCP limit', async () => {
    // Register first: Argon2 on a loaded machine can outlast the TCP client's 1 s idle timeout.
    const auth = await relay.register();
    const tcp = await connectUser(relay); // uses the single TCP slot
    const ws = await TestWsClient.connect(port, auth.token);
    await ws.nextOf('authenticate_response');
    const room = (await tcp.client.request({ type: 'create_room', name: `ws-${Date.now()}` })).room;
    await ws.request({ type: 'join_room', room_id: room.id });
    await tcp.client.nextOf('user_joined_room');
    const sent = await tcp.client.request({
      type: 'send_message',
      target: { type: 'room', room_id: room.id },
      content: 'to ws',
    });
    expect(await ws.nextOf('message_received')).toMatchObject({ message: { id: sent.message.id } });
    const back = await ws.request({
      type: 'send_message',
      target: { type: 'room', room_id: room.id },
      content: 'to tcp',
    });
    await tcp.client.nextOf('message_received', 5000, (m) => m.message.id === back.message.id);
    const refused = await TestTcpClient.connect(relay.relay.port);
    await refused.waitClosed();
    tcp.client.destroy();
    ws.close();
  });

  it('control pings count as activity; silence ends with error timeout then Close 1000', async () => {
    const pinged = await TestWsClient.connect(port);
    const silent = await TestWsClient.connect(port);
    const timer = setInterval(() => {
      pinged.ws.ping();
    }, 200);
    try {
      expect(await silent.nextOf('error', 3000)).toEqual({
        type: 'error',
        code: 'timeout',
        message: 'Connection timed out',
      });
      await silent.waitClosed();
      expect(silent.closeCode).toBe(1000);
      expect(pinged.isClosed).toBe(false);
    } finally {
      clearInterval(timer);
      pinged.close();
    }
  });

  it('other paths are not upgraded', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/other`);
    const status = await new Promise<number | undefined>((resolve) => {
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode);
      });
      ws.on('error', () => {
        resolve(undefined);
      });
    });
    expect(status).toBe(404);
  });

  it('a malformed upgrade URL or a reset upgrade socket never crashes the process; next upgrade still works', async () => {
    const { connect } = await import('node:net');
    const raw = (request: string, reset: boolean) =>
      new Promise<string>((resolve) => {
        const sock = connect(port, '127.0.0.1', () => {
          sock.write(request);
          if (reset) sock.resetAndDestroy();
        });
        let got = '';
        sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
        sock.on('error', () => {
          resolve(got);
        });
        sock.on('close', () => {
          resolve(got);
        });
      });
    const upgrade = (path: string) =>
      `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    expect(await raw(upgrade('//['), false)).toMatch(/^HTTP\/1\.1 400/);
    await raw(upgrade('/nope'), true);
    // Still serving: a normal client connects and gets its hello.
    const ws = await TestWsClient.connect(port);
    expect(await ws.nextOf('server_hello')).toMatchObject({ type: 'server_hello' });
    ws.ws.close();
  });
});
