// Relay shutdown contract of the ECS service (infra/config.ts drain timings): on SIGTERM the relay process tells clients with server_notice, closes them and exits 0 in time.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { composeServices } from '../../shared/compose.js';
import type { Services } from '../../shared/services/contracts.js';
import { REPO_ROOT } from '../../infra/constructs/chat-function.js';
import { stageConfig } from '../../infra/config.js';
import { createTestTable, deleteTestTable, type TestTable } from '../support/dynamo.js';
import { RELAY_TEST_SECRET, TestTcpClient, TestWsClient, type Msg } from '../support/relay.js';
import { RecordingPublisher, userInput } from '../support/services.js';

/** A started `relay/main.ts` process, as the container runs it (ports chosen by the OS). */
interface RelayProcess {
  child: ChildProcess;
  port: number;
  wsPort: number;
  exited: Promise<number | null>;
}

function spawnRelay(table: TestTable, drainDeadlineMs: number): Promise<RelayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'relay/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      LAIR_DYNAMODB_ENDPOINT: table.endpoint,
      LAIR_TABLE_NAME: table.tableName,
      LAIR_JWT_SECRET: RELAY_TEST_SECRET,
      LAIR_TCP_PORT: '0',
      LAIR_RELAY_INTERNAL_PORT: '0',
      LAIR_RELAY_WS_PORT: '0',
      LAIR_RELAY_DRAIN_DEADLINE_MS: String(drainDeadlineMs),
      LAIR_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`relay did not start: ${stderr}`));
    }, 30_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as Msg;
      if (msg.msg !== 'relay listening') return;
      clearTimeout(timer);
      resolve({ child, port: msg.port, wsPort: msg.wsPort, exited });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code}: ${stderr}`));
    });
  });
}

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
    relay = await spawnRelay(table, drainMs);
  }, 60_000);

  afterAll(async () => {
    if (relay.child.exitCode === null) relay.child.kill('SIGKILL');
    await deleteTestTable(table);
  });

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
