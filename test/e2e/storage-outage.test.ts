// Storage outage behaviour (issue 17 findings 3 and 11): bounded SDK calls, /health without DynamoDB, /ready within its budget, database_error on HTTP and TCP.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createHttpDeps, setDeps } from '../../lambdas/deps.js';
import { createDynamoClients, isStorageUnavailable } from '../../shared/storage/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../support/dynamo.js';
import { registerUser, startTestApi, type TestApi } from '../support/http.js';
import { connectUser, startTestRelay, type TestRelay } from '../support/relay.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/** Short SDK budgets so a stalled DynamoDB fails fast in tests. */
const FAST = { requestTimeoutMs: 400, connectTimeoutMs: 400, maxAttempts: 2 };

describe('storage outage', () => {
  let base: TestTable;
  let proxy: TcpProxy;
  let table: TestTable;

  beforeAll(async () => {
    base = await createTestTable();
    proxy = await startTcpProxy(base.endpoint);
    const clients = createDynamoClients({ endpoint: proxy.endpoint, region: 'us-east-1', ...FAST });
    table = { ...base, ...clients, endpoint: proxy.endpoint };
  });
  afterAll(async () => {
    table.client.destroy();
    await proxy.close();
    await deleteTestTable(base);
  });
  afterEach(async () => {
    await proxy.setMode('forward');
  });

  it('an SDK call against a stalled DynamoDB rejects within its budget, classified as unavailable', async () => {
    await proxy.setMode('stall');
    const err: unknown = await table.doc
      .send(new GetCommand({ TableName: table.tableName, Key: { pk: 'x', sk: 'x' } }))
      .then(() => null)
      .catch((e: unknown) => e);
    expect(err).not.toBeNull();
    expect(isStorageUnavailable(err)).toBe(true);
    await proxy.setMode('down');
    const refused: unknown = await table.doc
      .send(new GetCommand({ TableName: table.tableName, Key: { pk: 'x', sk: 'x' } }))
      .catch((e: unknown) => e);
    expect(isStorageUnavailable(refused)).toBe(true);
    expect(isStorageUnavailable(new Error('plain bug'))).toBe(false);
  });

  describe('HTTP', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await startTestApi({ LAIR_RATE_LIMIT_GENERAL: '1000' });
      setDeps(undefined);
    });
    afterAll(async () => {
      await api.close();
    });

    it('/health answers without DynamoDB; /ready is 503; a login is 500 database_error; all recover', async () => {
      const deps = createHttpDeps({
        ...api.deps,
        client: table.client,
        doc: table.doc,
        tableName: table.tableName,
      });
      setDeps(deps);
      const user = await registerUser(api);
      await proxy.setMode('stall');
      const health = await api.request('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.headers.get('x-ratelimit-limit')).toBeNull(); // no rate-limit read on /health
      expect((await api.request('GET', '/ready')).json).toEqual({ ready: false, database: 'unavailable' });
      const login = await api.request('POST', '/api/v1/auth/login', {
        body: { identifier: user.username, password: user.password },
      });
      expect(login.status).toBe(500);
      expect(login.json).toEqual({ error: { code: 'database_error', message: 'Database error' } });
      await proxy.setMode('forward');
      expect((await api.request('GET', '/ready')).status).toBe(200);
      expect((await api.request('GET', '/api/v1/users/me', { token: user.token })).status).toBe(200);
    });

    it('a rate limiter that hangs fails open after its budget', async () => {
      setDeps({ ...api.deps, rateLimiter: { consume: () => new Promise(() => undefined) } });
      const user = await registerUser(api).catch(() => null);
      expect(user).not.toBeNull();
      expect((await api.request('GET', '/ready')).status).toBe(200);
    });
  });

  describe('relay', () => {
    let relay: TestRelay;
    beforeAll(async () => {
      relay = await startTestRelay({ table });
    });
    afterAll(async () => {
      await relay.close();
    });

    it('send_message answers database_error while storage stalls, then works on the same connection', async () => {
      const alice = await connectUser(relay);
      const room = (await alice.client.request({ type: 'create_room', name: `outage-${Date.now()}` })).room;
      await proxy.setMode('stall');
      const failed = await alice.client.request(
        { type: 'send_message', target: { type: 'room', room_id: room.id }, content: 'lost?' },
        15_000,
      );
      expect(failed).toMatchObject({
        type: 'send_message_response',
        success: false,
        error: { code: 'database_error', message: 'Database error' },
      });
      await proxy.setMode('forward');
      const ok = await alice.client.request({
        type: 'send_message',
        target: { type: 'room', room_id: room.id },
        content: 'back',
      });
      expect(ok).toMatchObject({ success: true });
      alice.client.close();
    });
  });
});
