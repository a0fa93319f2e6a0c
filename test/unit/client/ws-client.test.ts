// LairWsClient against an in-process `ws` server: pre-auth via ?token=, fallback hello, correlation, events.
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { LairWsClient } from '../../../client/sdk/ws.js';
import { SERVER_HELLO } from '../../../relay/protocol/index.js';
import type { EventPayload } from '../../../shared/kernel/events.js';
import { ROOM_ID, aUser } from './fixtures.js';

const session = { id: 'c0ffee00-1234-4abc-8def-0123456789ab', expires_at: '2025-01-22T12:00:00+00:00' };

describe('LairWsClient', () => {
  let wss: WebSocketServer;
  let port: number;
  const received: Record<string, unknown>[] = [];
  const urls: string[] = [];

  beforeEach(async () => {
    received.length = 0;
    urls.length = 0;
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => wss.once('listening', resolve));
    port = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws: WebSocket, req) => {
      urls.push(req.url ?? '');
      const send = (m: object): void => {
        ws.send(JSON.stringify(m));
      };
      send(SERVER_HELLO);
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
      if (token !== null) {
        send(
          token === 'good'
            ? { type: 'authenticate_response', request_id: null, success: true, user: aUser(), session }
            : {
                type: 'authenticate_response',
                request_id: null,
                success: false,
                error: { code: 'invalid_token', message: 'Invalid token: malformed token' },
              },
        );
      }
      ws.on('message', (data) => {
        const msg = JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>;
        received.push(msg);
        if (msg.type === 'authenticate')
          send({
            type: 'authenticate_response',
            request_id: msg.request_id,
            success: true,
            user: aUser(),
            session,
          });
        if (msg.type === 'leave_room') {
          const event: EventPayload = {
            type: 'user_left_room',
            room_id: ROOM_ID,
            user_id: aUser().id,
            reason: 'left',
          };
          send({ type: 'leave_room_response', request_id: msg.request_id, success: true });
          send(event);
        }
      });
    });
  });

  afterEach(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise((resolve) => {
      wss.close(resolve);
    });
  });

  it('pre-authenticates with ?token= and does not send client_hello', async () => {
    const client = new LairWsClient();
    const { hello, auth } = await client.connect({ host: '127.0.0.1', port, token: 'good', keepaliveMs: 0 });
    expect(hello.server_name).toBe('Lair Chat');
    expect(auth?.success).toBe(true);
    expect(urls[0]).toBe('/ws?token=good');
    const left = new Promise<EventPayload>((resolve) => client.once('user_left_room', resolve));
    await client.call({ type: 'leave_room', room_id: ROOM_ID });
    await expect(left).resolves.toMatchObject({ reason: 'left' });
    expect(received.map((m) => m.type)).toEqual(['leave_room']);
    client.close();
  });

  it('falls back to client_hello + authenticate when the token is rejected', async () => {
    const client = new LairWsClient();
    const { auth } = await client.connect({ host: '127.0.0.1', port, token: 'bad', keepaliveMs: 0 });
    expect(auth?.error?.code).toBe('invalid_token');
    const res = await client.authenticate('good');
    expect(res.user?.username).toBe('alice');
    expect(received.map((m) => m.type)).toEqual(['client_hello', 'authenticate']);
    client.close();
  });

  it('asks for extensions with ?features= on pre-auth and in client_hello otherwise', async () => {
    const pre = new LairWsClient();
    await pre.connect({
      host: '127.0.0.1',
      port,
      token: 'good',
      features: ['lair.messages'],
      keepaliveMs: 0,
    });
    expect(urls[0]).toBe('/ws?token=good&features=lair.messages');
    pre.close();
    const plain = new LairWsClient();
    await plain.connect({ host: '127.0.0.1', port, features: ['lair.messages'], keepaliveMs: 0 });
    await plain.authenticate('good');
    expect(urls[1]).toBe('/ws');
    expect(received[0]).toMatchObject({ type: 'client_hello', features: ['lair.messages'] });
    plain.close();
  });

  it('url-encodes the token', () => {
    expect(LairWsClient.urlFor({ host: 'h', port: 1, token: 'a b+c' })).toBe('ws://h:1/ws?token=a%20b%2Bc');
  });
});
