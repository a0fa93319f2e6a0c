// Relay shutdown contract of the ECS service (infra/config.ts drain timings): on SIGTERM the relay process tells clients with server_notice, closes them and exits 0 in time.
import { composeServices } from '../../shared/compose.js';
import type { Services } from '../../shared/features/index.js';
import { stageConfig } from '../../infra/config.js';
import { createTestTable, deleteTestTable, type TestTable } from '../support/dynamo.js';
import { spawnRelayProcess, type RelayProcess } from '../support/relay-process.js';
import { RELAY_TEST_SECRET, TestTcpClient, TestWsClient } from '../support/relay.js';
import { RecordingPublisher, userInput } from '../support/services.js';

describe('relay SIGTERM drain (ECS stop)', () => {
  const drainMs = stageConfig('prod').relay.drainSeconds * 1000;
  let table: TestTable;
  let services: Services;
  let relay: RelayProcess;

  beforeAll(async () => {
    table = await createTestTable();
    services = composeServices({
      doc: table.doc,
      tableName: table.tableName,
      jwtSecret: RELAY_TEST_SECRET,
      events: new RecordingPublisher(),
    }).services;
    relay = await spawnRelayProcess(table, { LAIR_RELAY_DRAIN_DEADLINE_MS: String(drainMs) });
  }, 60_000);

  afterAll(async () => {
    if (relay.child.exitCode === null) relay.child.kill('SIGKILL');
    await deleteTestTable(table);
  });

  it('GET /health on the HTTP port (the container health check) answers 200 while the relay is at its TCP limit', async () => {
    const full = await spawnRelayProcess(table, { LAIR_TCP_MAX_CONNECTIONS: '1' });
    try {
      const auth = await services.auth.register(userInput(), 'http');
      const only = await TestTcpClient.connect(full.port);
      await only.login(auth.token);
      const refused = await TestTcpClient.connect(full.port);
      await refused.waitClosed(); // the TCP port is full: a TCP probe would fail here
      const res = await fetch(`http://127.0.0.1:${full.wsPort}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', tcpConnections: 1 });
      only.destroy();
    } finally {
      full.child.kill('SIGKILL');
      await full.exited;
    }
  }, 30_000);

  it('sends server_notice to TCP and WebSocket clients, closes them and exits 0 within the deadline', async () => {
    const tcpAuth = await services.auth.register(userInput(), 'http');
    const tcp = await TestTcpClient.connect(relay.port);
    await tcp.login(tcpAuth.token, true);
    const wsAuth = await services.auth.register(userInput(), 'http');
    const ws = await TestWsClient.connect(relay.wsPort, wsAuth.token);
    await ws.nextOf('authenticate_response');

    const started = Date.now();
    relay.child.kill('SIGTERM');
    for (const client of [tcp, ws]) {
      expect(await client.nextOf('server_notice', 5000)).toEqual({
        type: 'server_notice',
        message: expect.stringMatching(/restart/i),
        severity: 'warning',
      });
    }
    await tcp.waitClosed();
    await ws.waitClosed();
    expect(await relay.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(drainMs);
    expect(tcp.garbage).toHaveLength(0);
    await expect(TestTcpClient.connect(relay.port)).rejects.toThrow(); // no longer accepting
  }, 30_000);
});
