// Integration: fixed-window rate limits, headers and 429 envelope (docs/protocol/http.md §3), with low limits for this file only.
import { setDeps } from '../../../lambdas/deps.js';
import { DynamoRateLimiter } from '../../../shared/storage/index.js';
import {
  createRoom,
  expectError,
  expectNoServerErrors,
  randomIp,
  registerUser,
  startTestApi,
  type TestApi,
} from '../../support/http.js';

/** A limited route that needs no storage besides the limiter: 401 `missing_token` when allowed (`/health` is never limited). */
const PROBE = '/api/v1/rooms';

describe('rate limiting', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({
      LAIR_RATE_LIMIT_GENERAL: '6',
      LAIR_RATE_LIMIT_AUTH: '3',
      LAIR_RATE_LIMIT_MESSAGING: '4',
      LAIR_RATE_LIMIT_USER_MESSAGES: '3',
    });
    // Freeze the limiter's clock 30 s into a window so counts and Retry-After are deterministic.
    const now = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
    setDeps({
      ...api.deps,
      rateLimiter: new DynamoRateLimiter(api.table.doc, api.table.tableName, { now: () => now }),
    });
  });
  afterAll(async () => {
    setDeps(api.deps);
    await expectNoServerErrors(api);
    await api.close();
  });

  it('general bucket: X-RateLimit-* on success, then 429 with Retry-After, details and the refusing bucket in X-RateLimit-*', async () => {
    const ip = randomIp();
    for (let i = 1; i <= 6; i++) {
      const res = await api.request('GET', PROBE, { ip });
      expect(res.status).toBe(401);
      expect([
        res.headers.get('x-ratelimit-limit'),
        res.headers.get('x-ratelimit-remaining'),
        res.headers.get('x-ratelimit-reset'),
      ]).toEqual(['6', String(6 - i), '30']);
    }
    const res = await api.request('GET', PROBE, { ip });
    expectError(res, 429, 'rate_limited');
    expect(res.json).toEqual({
      error: { code: 'rate_limited', message: 'Too many requests', details: { retry_after: 30, limit: 6 } },
    });
    expect(res.headers.get('retry-after')).toBe('30');
    expect([
      res.headers.get('x-ratelimit-limit'),
      res.headers.get('x-ratelimit-remaining'),
      res.headers.get('x-ratelimit-reset'),
    ]).toEqual(['6', '0', '30']);
    // Other clients are unaffected; preflight is never limited.
    expect((await api.request('GET', PROBE, { ip: randomIp() })).status).toBe(401);
    expect((await api.request('OPTIONS', PROBE, { ip })).status).toBe(204);
  });

  it('429 beats 401 (check order)', async () => {
    const ip = randomIp();
    for (let i = 0; i < 6; i++) await api.request('GET', '/api/v1/users', { ip });
    expectError(await api.request('GET', '/api/v1/users', { ip }), 429, 'rate_limited');
  });

  it('auth bucket: 429 whose X-RateLimit-* headers name the auth bucket (limit 3), like its body; general was consumed too', async () => {
    const ip = randomIp();
    for (let i = 0; i < 3; i++) {
      expectError(
        await api.request('POST', '/api/v1/auth/login', {
          ip,
          body: { identifier: 'nobody', password: 'whatever1' },
        }),
        401,
        'invalid_credentials',
      );
    }
    const res = await api.request('POST', '/api/v1/auth/login', {
      ip,
      body: { identifier: 'nobody', password: 'whatever1' },
    });
    expectError(res, 429, 'rate_limited');
    expect(res.json.error.details).toEqual({ retry_after: 30, limit: 3 });
    expect(res.headers.get('retry-after')).toBe('30');
    expect([
      res.headers.get('x-ratelimit-limit'),
      res.headers.get('x-ratelimit-remaining'),
      res.headers.get('x-ratelimit-reset'),
    ]).toEqual(['3', '0', '30']);
    // Non-auth routes still pass until the general bucket is empty.
    expect((await api.request('GET', PROBE, { ip })).headers.get('x-ratelimit-remaining')).toBe('1');
  });

  it('messaging bucket covers GET /messages too (limit 4)', async () => {
    const ip = randomIp();
    for (let i = 0; i < 4; i++)
      expectError(await api.request('GET', '/api/v1/messages', { ip }), 401, 'missing_token');
    const res = await api.request('GET', '/api/v1/messages', { ip });
    expectError(res, 429, 'rate_limited');
    expect(res.json.error.details.limit).toBe(4);
  });

  it('keys on the first X-Forwarded-For entry, else X-Real-IP, else the socket address', async () => {
    const first = randomIp();
    for (let i = 0; i < 6; i++) await api.request('GET', PROBE, { ip: `${first}, 192.0.2.1` });
    expect((await api.request('GET', PROBE, { ip: ` ${first} ` })).status).toBe(429);
    expect((await api.request('GET', PROBE, { ip: '192.0.2.1' })).status).toBe(401);

    const real = randomIp();
    for (let i = 0; i < 6; i++) await api.request('GET', PROBE, { ip: null, headers: { 'x-real-ip': real } });
    expect((await api.request('GET', PROBE, { ip: real })).status).toBe(429);

    for (let i = 0; i < 6; i++) await api.request('GET', PROBE, { ip: '127.0.0.1' });
    expect((await api.request('GET', PROBE, { ip: null })).status).toBe(429);
  });

  it('without LAIR_TRUST_PROXY, rotating X-Forwarded-For cannot escape the limit (key = source address)', async () => {
    setDeps({
      ...api.deps,
      settings: { ...api.deps.settings, LAIR_TRUST_PROXY: false, LAIR_RATE_LIMIT_GENERAL: 3 },
      rateLimiter: new DynamoRateLimiter(api.table.doc, api.table.tableName, {
        now: () => Date.now() + 3_600_000,
      }),
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await api.request('GET', PROBE, { ip: randomIp() })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      // An oversized header is hashed into a bounded key: still limited, never a 500.
      const long = await api.request('GET', PROBE, { ip: '9'.repeat(5000) });
      expectError(long, 429, 'rate_limited');
    } finally {
      setDeps(api.deps);
    }
  });

  it('per-user message budget: the 4th POST /messages of one user is 429 with retry_after_ms, whatever its address', async () => {
    const frozen = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
    setDeps({
      ...api.deps,
      rateLimiter: new DynamoRateLimiter(api.table.doc, api.table.tableName, { now: () => frozen }),
    });
    const user = await registerUser(api).catch(() => null);
    expect(user).not.toBeNull();
    const room = await createRoom(api, user!);
    const send = () =>
      api.request('POST', '/api/v1/messages', {
        ip: randomIp(),
        token: user!.token,
        body: { target: { type: 'room', room_id: room }, content: 'hi' },
      });
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(201);
    const res = await send();
    expectError(res, 429, 'rate_limited');
    expect(res.json.error).toMatchObject({ details: { retry_after: 30, limit: 3 }, retry_after_ms: 30_000 });
  });
});
