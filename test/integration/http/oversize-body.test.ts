// An oversize request body gets a readable 413 (issue 17 finding 12): the server drains before closing instead of resetting mid-upload.
import { request } from 'node:http';
import { connect } from 'node:net';
import { startTestApi, type TestApi } from '../../support/http.js';

/** POSTs `bytes` of JSON-ish body over a fresh connection; resolves with the status and body read, or the socket error. */
function postLarge(
  port: number,
  bytes: number,
  chunked: boolean,
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/rooms',
        agent: false,
        headers: {
          'content-type': 'application/json',
          ...(chunked ? {} : { 'content-length': String(bytes) }),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', (e) => {
          resolve({ error: e.message });
        });
      },
    );
    req.on('error', (e) => {
      resolve({ error: e.message });
    });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        const n = Math.min(chunk.length, bytes - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

/**
 * Like curl: writes the request head and the whole body first and only then reads; resolves with
 * the first complete response, or the socket error if the connection was reset before it was read.
 */
function postLikeCurl(port: number, bytes: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let error: string | undefined;
    socket.on('error', (e) => {
      error = e.message;
    });
    const finish = (): void => {
      socket.destroy();
      resolve(error ?? Buffer.concat(received).toString('utf8'));
    };
    socket.on('close', finish);
    socket.pause();
    socket.write(
      `POST /api/v1/rooms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${bytes}\r\n\r\n`,
    );
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        const n = Math.min(chunk.length, bytes - sent);
        sent += n;
        if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          socket.once('drain', pump);
          return;
        }
      }
      // Body written: now read the answer.
      socket.on('data', (d: Buffer) => {
        received.push(d);
        const text = Buffer.concat(received).toString('utf8');
        const head = text.indexOf('\r\n\r\n');
        const length = /content-length: (\d+)/i.exec(text)?.[1];
        if (head >= 0 && length !== undefined && text.length >= head + 4 + Number(length)) finish();
      });
      socket.resume();
    };
    pump();
  });
}

describe('oversize bodies', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it.each([
    ['with Content-Length', false],
    ['chunked', true],
  ])('a 10 MB POST (%s) reads its 413 payload_too_large envelope every time', async (_, chunked) => {
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await postLarge(api.server.port, 10 * 1024 * 1024, chunked));
    for (const r of results) {
      expect(r).toEqual({ status: 413, body: expect.stringContaining('"payload_too_large"') });
    }
  });

  it('fetch with a 10 MB body reads the 413 every time', async () => {
    const statuses: (number | string)[] = [];
    for (let i = 0; i < 10; i++) {
      try {
        const res = await fetch(`${api.baseUrl}/api/v1/rooms`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: 'a'.repeat(10 * 1024 * 1024),
        });
        statuses.push(res.status);
        await res.text();
      } catch (e) {
        statuses.push(String((e as Error).cause ?? e));
      }
    }
    expect(statuses).toEqual(Array(10).fill(413));
  });

  it('a client that reads only after sending all 10 MB still gets the 413 (no reset)', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) answers.push(await postLikeCurl(api.server.port, 10 * 1024 * 1024));
    for (const a of answers) {
      expect(a).toMatch(/^HTTP\/1\.1 413 /);
      expect(a).toContain('"payload_too_large"');
    }
  });
});
