// Integration: root endpoints /health, /ready, /metrics, routing 404/405, CORS preflight (docs/protocol/http.md §1, §2.2, §11).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createHttpDeps, setDeps } from '../../../lambdas/deps.js';
import { handler as systemHandler } from '../../../lambdas/system/handler.js';
import { localContext } from '../../../local/api-gateway.js';
import { createTestTable } from '../../support/dynamo.js';
import { registerUser, startTestApi, type TestApi } from '../../support/http.js';

describe('root endpoints', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('GET /health reports the package version and never reads DynamoDB (no rate-limit headers)', async () => {
    const res = await api.request('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.json).toEqual({ status: 'healthy', version: '0.8.0' });
    expect(res.headers.get('x-ratelimit-limit')).toBeNull();
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('GET /ready checks DynamoDB', async () => {
    const res = await api.request('GET', '/ready');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ready: true, database: 'connected' });
  });

  it('GET /ready is 503 when the table is gone', async () => {
    const other = await createTestTable();
    const deps = createHttpDeps({
      ...api.deps,
      client: other.client,
      doc: other.doc,
      tableName: other.tableName,
    });
    await other.client.send(new DeleteTableCommand({ TableName: other.tableName }));
    setDeps(deps);
    try {
      const res = await api.request('GET', '/ready');
      expect(res.status).toBe(503);
      expect(res.json).toEqual({ ready: false, database: 'unavailable' });
    } finally {
      setDeps(api.deps);
      other.client.destroy();
    }
  });

  it('as a Lambda (no local server) builds its deps from the environment on first use', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      LAIR_TABLE_NAME: api.table.tableName,
      LAIR_JWT_SECRET: 'env-secret',
      LAIR_LOG_LEVEL: 'silent',
    });
    setDeps(undefined);
    try {
      const event = {
        version: '2.0',
        routeKey: 'GET /ready',
        rawPath: '/ready',
        rawQueryString: '',
        headers: { 'x-forwarded-for': '198.51.100.7' },
        requestContext: { http: { method: 'GET', path: '/ready', sourceIp: '198.51.100.7' } },
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2;
      const res = await systemHandler(event, localContext('system'));
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body ?? '')).toEqual({ ready: true, database: 'connected' });
      expect(res.headers?.['x-ratelimit-limit']).toBe('100');
    } finally {
      process.env = saved;
      setDeps(api.deps);
    }
  });

  it('GET /metrics serves Prometheus text with gauges and request metrics', async () => {
    await registerUser(api);
    await api.request('GET', '/health');
    const res = await api.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.text).toMatch(/^lair_chat_total_users 1$/m);
    expect(res.text).toMatch(/^lair_chat_total_rooms 0$/m);
    expect(res.text).toMatch(/^lair_chat_online_users 0$/m);
    expect(res.text).toMatch(/^http_requests_total\{method="GET",route="\/health",status="200"\} \d+$/m);
    expect(res.text).toMatch(
      /^http_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/api\/v1\/auth\/register",status="201"\} 1$/m,
    );
  });

  it('unknown paths are 404 with an empty body, counted as route "unknown"', async () => {
    for (const path of [
      '/nope',
      '/api/v1/rooms/',
      '/api/v1',
      '/docs/a/b', // /docs is Swagger UI now (extensions.md §10)
      '/openapi.json',
      '/api/v1/messages/read/x',
    ]) {
      const res = await api.request('GET', path);
      expect({ path, status: res.status, text: res.text }).toEqual({ path, status: 404, text: '' });
    }
    const metrics = await api.request('GET', '/metrics');
    expect(metrics.text).toMatch(/^http_requests_total\{method="GET",route="unknown",status="404"\} \d+$/m);
  });

  it('a known path with the wrong method is 405 with Allow', async () => {
    const res = await api.request('DELETE', '/api/v1/users/me');
    expect(res.status).toBe(405);
    expect(res.text).toBe('');
    expect(res.headers.get('allow')).toBe('GET,PATCH');
    const health = await api.request('POST', '/health');
    expect(health.status).toBe(405);
    expect(health.headers.get('allow')).toBe('GET');
  });

  it('docs/upstream-differences.md says what the code sends for 404/405 (empty bodies, not the envelope)', async () => {
    const doc = await readFile(resolve(import.meta.dirname, '../../../docs/upstream-differences.md'), 'utf8');
    const item = doc.split('\n3. ')[1]?.split(/\n\d+\. /)[0] ?? '';
    expect(item).toMatch(/Framework errors/);
    expect(item).not.toMatch(/404\/405\) use the JSON error envelope/);
    expect(item).toMatch(/404 and 405 answer with an empty body/);
  });

  it('answers CORS preflight for any path without rate limiting', async () => {
    const res = await api.request('OPTIONS', '/api/v1/rooms', {
      headers: { origin: 'https://example.org', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBe('*');
    expect(res.headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('a non-upgrade GET /ws is a plain-text 4xx', async () => {
    const res = await api.request('GET', '/ws');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  });
});
