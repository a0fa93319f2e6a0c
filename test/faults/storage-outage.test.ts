// Fault test: DynamoDB unreachable for 10 s, then back — the relay process stays up, sends fail fast with database_error, /ready goes false then true, clients continue on the same connection.
import { composeServices } from '../../shared/compose.js';
import type { Services } from '../../shared/features/index.js';
import { createHttpDeps, setDeps } from '../../lambdas/deps.js';
import { createDynamoClients } from '../../shared/storage/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../support/dynamo.js';
import { startTestApi, type TestApi } from '../support/http.js';
import { spawnRelayProcess, type RelayProcess } from '../support/relay-process.js';
import { RELAY_TEST_SECRET, TestTcpClient } from '../support/relay.js';
import { userInput } from '../support/services.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { OUTAGE_MS } from './scale.js';

/** SDK budgets of the processes under test (the defaults are 1 s connect, 3 s per attempt, 3 attempts). */
const BUDGET_ENV = {
  LAIR_DYNAMODB_TIMEOUT_MS: '1000',
  LAIR_DYNAMODB_CONNECT_TIMEOUT_MS: '500',
  LAIR_DYNAMODB_MAX_ATTEMPTS: '2',
};

describe('fault: DynamoDB outage and recovery', () => {
  let table: TestTable;
  let proxy: TcpProxy;
  let services: Services;
  let relay: RelayProcess;
  let api: TestApi;

  beforeAll(async () => {
    table = await createTestTable();
    proxy = await startTcpProxy(table.endpoint);
    services = composeServices({
      doc: table.doc,
      tableName: table.tableName,
      jwtSecret: RELAY_TEST_SECRET,
      events: { publish: () => Promise.resolve() },
    }).services;
    relay = await spawnRelayProcess(
      { ...table, endpoint: proxy.endpoint },
      { ...BUDGET_ENV, LAIR_RELAY_AUTH_LEASE_MS: '0' },
    );
    api = await startTestApi();
    const proxied = createDynamoClients({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      requestTimeoutMs: 1000,
      connectTimeoutMs: 500,
      maxAttempts: 2,
    });
    setDeps(createHttpDeps({ ...api.deps, ...proxied, tableName: table.tableName }));
  }, 60_000);
  afterAll(async () => {
    await proxy.setMode('forward');
    if (relay.child.exitCode === null) {
      relay.child.kill('SIGTERM');
      await relay.exited;
    }
    await api.close();
    await proxy.close();
    await deleteTestTable(table);
  });

  it('no crash, errors within 5 s, /ready false then true, same connection works again', async () => {
    const auth = await services.auth.register(userInput(), 'http');
    const room = await services.rooms.create(auth.user.id, { name: `outage-${Date.now()}` });
    const client = await TestTcpClient.connect(relay.port);
    await client.login(auth.token);
    const send = (content: string) =>
      client.request({ type: 'send_message', target: { type: 'room', room_id: room.id }, content }, 5_000);
    expect((await send('before')).success).toBe(true);
    expect((await api.request('GET', '/ready')).status).toBe(200);

    await proxy.setMode('down');
    const outageEnds = Date.now() + OUTAGE_MS;
    const during: string[] = [];
    let readyDuring = 0;
    while (Date.now() < outageEnds - 1500) {
      const res = await send(`during-${during.length}`); // rejects (fails the test) after 5 s
      during.push(res.success === true ? 'ok' : (res.error.code as string));
      readyDuring = (await api.request('GET', '/ready')).status;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(during.length).toBeGreaterThan(0);
    expect(new Set(during)).toEqual(new Set(['database_error']));
    expect(readyDuring).toBe(503);
    expect((await api.request('GET', '/health')).status).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, outageEnds - Date.now())));

    await proxy.setMode('forward');
    let ready = 0;
    for (let i = 0; i < 20 && ready !== 200; i++) {
      ready = (await api.request('GET', '/ready')).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(ready).toBe(200);
    let after: Record<string, unknown> = {};
    for (let i = 0; i < 10 && after.success !== true; i++) after = await send(`after-${i}`);
    expect(after.success).toBe(true);
    expect(client.isClosed).toBe(false); // never had to reconnect
    expect(relay.child.exitCode).toBeNull();
    client.destroy();
  }, 90_000);
});
