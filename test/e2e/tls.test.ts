// LAIR_TLS_ENABLED serves the HTTP API over HTTPS with the given PEM pair; a missing path is a clear startup error.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../../local/main.js';

function baseEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    LAIR_DYNAMODB_ENDPOINT: process.env.LAIR_DYNAMODB_ENDPOINT,
    LAIR_TABLE_NAME: `tls-${Date.now()}`,
    LAIR_HTTP_PORT: '0',
    LAIR_TCP_PORT: '0',
    LAIR_JWT_SECRET: 'tls-test-secret',
    LAIR_LOG_LEVEL: 'silent',
    LAIR_TLS_ENABLED: 'true',
  };
}

function getHealth(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS on the HTTP port', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lair-tls-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves /health over HTTPS with a self-signed pair', async () => {
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ],
      {
        stdio: 'ignore',
      },
    );
    const stack = await startLocalStack({ ...baseEnv(), LAIR_TLS_CERT_PATH: cert, LAIR_TLS_KEY_PATH: key });
    try {
      const res = await getHealth(stack.httpPort);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ status: 'healthy', version: '0.8.0' });
    } finally {
      await stack.shutdown();
    }
  }, 60_000);

  it('refuses to start when a path is missing, naming the settings', async () => {
    await expect(startLocalStack(baseEnv())).rejects.toThrow(/LAIR_TLS_CERT_PATH and LAIR_TLS_KEY_PATH/);
  });
});
