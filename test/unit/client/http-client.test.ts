// LairHttpClient against an in-process node:http server: JSON bodies, bearer token, error envelope.
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LairHttpClient, LairHttpError } from '../../../client/sdk/http.js';
import { aUser } from './fixtures.js';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: string;
}

describe('LairHttpClient', () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        resolve(body);
      });
    });

  beforeAll(async () => {
    server = createServer((req, res) => {
      void readBody(req).then((body) => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
        const json = (status: number, value: unknown): void => {
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
        };
        if (req.url === '/api/v1/auth/login') {
          const { password } = JSON.parse(body) as { password: string };
          if (password !== 'hunter22!') {
            json(401, { error: { code: 'invalid_credentials', message: 'Invalid credentials' } });
            return;
          }
          json(200, { user: aUser(), session: { id: 's', expires_at: 'e' }, token: 'jwt-1' });
          return;
        }
        if (req.url?.startsWith('/api/v1/messages')) {
          json(201, { message: { ok: true } });
          return;
        }
        if (req.url === '/api/v1/rooms') {
          res.writeHead(415).end('Unsupported Media Type');
          return;
        }
        json(200, { success: true });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(
    () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  );
  beforeEach(() => {
    seen.length = 0;
  });

  it('logs in, keeps the token and sends it as Bearer', async () => {
    const http = new LairHttpClient(base);
    const auth = await http.login('alice', 'hunter22!');
    expect(auth.token).toBe('jwt-1');
    await http.joinRoom('r1');
    expect(seen[1]).toMatchObject({ method: 'POST', url: '/api/v1/rooms/r1/join', auth: 'Bearer jwt-1' });
    expect(JSON.parse(seen[0]!.body)).toEqual({ identifier: 'alice', password: 'hunter22!' });
  });

  it('throws LairHttpError from the error envelope', async () => {
    const http = new LairHttpClient(base);
    const err = await http.login('alice', 'wrong').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LairHttpError);
    expect(err).toMatchObject({ status: 401, code: 'invalid_credentials', message: 'Invalid credentials' });
  });

  it('maps a non-envelope error body to http_<status>', async () => {
    await expect(new LairHttpClient(base, 't').createRoom('x')).rejects.toMatchObject({
      status: 415,
      code: 'http_415',
    });
  });

  it('sends DMs with the HTTP-only direct_message tag and builds history queries', async () => {
    const http = new LairHttpClient(base, 't');
    await http.sendMessage({ type: 'dm', recipient: 'u2' }, 'hi');
    await http.messageHistory({ type: 'dm', recipient: 'u2' }, 10);
    expect(JSON.parse(seen[0]!.body)).toEqual({
      target: { type: 'direct_message', recipient: 'u2' },
      content: 'hi',
    });
    expect(seen[1]!.url).toBe('/api/v1/messages?target_type=direct_message&target_id=u2&limit=10');
  });
});
