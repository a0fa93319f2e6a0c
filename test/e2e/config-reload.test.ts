// Hot reload of `npm start` (local/main.ts --config FILE): SIGHUP changes the auth rate limit under 200 live TCP connections with 0 disconnects; critical keys say "restart required"; an invalid file keeps the old config; the admin route reloads (docs/protocol/extensions.md §10).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { composeServices } from '../../shared/compose.js';
import { createTestTable, deleteTestTable, type TestTable } from '../support/dynamo.js';
import { makeAdmin } from '../support/http.js';
import { RELAY_TEST_SECRET, TestTcpClient } from '../support/relay.js';
import { RecordingPublisher, userInput } from '../support/services.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CONNECTIONS = 200;

describe('config hot reload (npm start --config)', () => {
  let table: TestTable;
  let child: ChildProcess;
  let exited: Promise<number | null>;
  const lines: Record<string, unknown>[] = [];
  let httpPort = 0;
  let tcpPort = 0;
  const dir = mkdtempSync(join(tmpdir(), 'lair-config-'));
  const file = join(dir, 'lair.toml');
  const clients: TestTcpClient[] = [];

  /** The example file with free ports, the test table and the given auth limit. */
  const config = (auth: number, tableName = table.tableName) =>
    readFileSync(join(ROOT, 'config/lair.example.toml'), 'utf8')
      .replace(/^tcp_port = \d+/m, 'tcp_port = 0')
      .replace(/^http_port = \d+/m, 'http_port = 0')
      .replace(/^table_name = ".*"/m, `table_name = "${tableName}"`)
      .replace(/^# dynamodb_endpoint = .*$/m, `dynamodb_endpoint = "${table.endpoint}"`)
      .replace(/^auth = 10 /m, `auth = ${auth} `);

  function waitLog(
    pred: (l: Record<string, unknown>) => boolean,
    ms = 20_000,
  ): Promise<Record<string, unknown>> {
    const start = lines.length;
    return new Promise((res, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no matching log line; got ${JSON.stringify(lines.slice(start))}`));
      }, ms);
      const check = setInterval(() => {
        const hit = lines.slice(start).find(pred);
        if (hit) {
          clearTimeout(timer);
          clearInterval(check);
          res(hit);
        }
      }, 50);
    });
  }

  beforeAll(async () => {
    table = await createTestTable();
    writeFileSync(file, config(1000));
    child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts', '--config', file], {
      cwd: ROOT,
      env: { ...process.env, LAIR_JWT_SECRET: RELAY_TEST_SECRET, LAIR_DATA_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((r) => child.once('exit', r));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const http = /HTTP API\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      const tcp = /TCP relay\s+127\.0\.0\.1:(\d+)/.exec(line);
      if (http) httpPort = Number(http[1]);
      if (tcp) tcpPort = Number(tcp[1]);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        /* banner lines */
      }
    });
    const deadline = Date.now() + 60_000;
    while ((httpPort === 0 || tcpPort === 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    if (tcpPort === 0) throw new Error('npm start did not come up');
  }, 90_000);

  afterAll(async () => {
    for (const c of clients) c.destroy();
    if (child?.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await deleteTestTable(table);
  });

  it('SIGHUP applies the new auth limit with 0 of 200 connections dropped; table change = restart required; bad file kept out', async () => {
    const { services } = composeServices({
      doc: table.doc,
      tableName: table.tableName,
      jwtSecret: RELAY_TEST_SECRET,
      events: new RecordingPublisher(),
    });
    const input = userInput();
    const reg = await services.auth.register(input, 'http');
    for (let i = 0; i < CONNECTIONS; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, CONNECTIONS - i) }, async () => {
          const c = await TestTcpClient.connect(tcpPort);
          await c.handshake();
          // A generous wait: the shared CI machine can be slow; 200 authentications in batches of 20.
          const res = await c.request({ type: 'authenticate', token: reg.token }, 30_000);
          if (res.success !== true) throw new Error(`authenticate failed: ${JSON.stringify(res)}`);
          return c;
        }),
      );
      clients.push(...batch);
    }
    expect(clients).toHaveLength(CONNECTIONS);

    const login = () =>
      fetch(`http://127.0.0.1:${httpPort}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: 'nobody-here', password: 'x' }),
      }).then((r) => r.status);
    expect(await login()).toBe(401);

    writeFileSync(file, config(2));
    child.kill('SIGHUP');
    const reloaded = await waitLog((l) => l.msg === 'config reloaded' && l.by === 'sighup');
    expect(reloaded.applied).toEqual(['LAIR_RATE_LIMIT_AUTH']);
    // The new limit (2 per minute) is in force: the earlier attempt counted, one more passes, then 429.
    expect(await login()).toBe(401);
    expect(await login()).toBe(429);

    // Every connection is alive and answering.
    const pongs = await Promise.all(
      clients.map((c) => {
        c.send({ type: 'ping' });
        return c.nextOf('pong', 10_000).then(() => !c.isClosed);
      }),
    );
    expect(pongs.filter(Boolean)).toHaveLength(CONNECTIONS);

    // A critical key: logged, not applied.
    writeFileSync(file, config(2, 'renamed-table'));
    child.kill('SIGHUP');
    const restart = await waitLog((l) => typeof l.msg === 'string' && l.msg.startsWith('restart required'));
    expect(restart.keys).toEqual(['LAIR_TABLE_NAME']);

    // An invalid file: rejected with the key, the server keeps serving.
    writeFileSync(file, 'tcp_port = 70000\n');
    child.kill('SIGHUP');
    const rejected = await waitLog((l) => l.msg === 'config reload rejected; keeping the old config');
    expect(rejected.key).toBe('tcp_port');
    const health = await fetch(`http://127.0.0.1:${httpPort}/health`);
    expect(health.status).toBe(200);

    // The admin route reloads too (and refuses a non-admin).
    writeFileSync(file, config(5));
    const call = (token: string) =>
      fetch(`http://127.0.0.1:${httpPort}/api/v1/admin/config/reload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await call(reg.token)).status).toBe(403);
    await makeAdmin(table.doc, table.tableName, reg.user.id);
    const res = await call(reg.token);
    expect(res.status).toBe(200);
    // The file watcher may have applied the change first (it polls every second): either way the
    // route answers the two lists and nothing needs a restart.
    expect(await res.json()).toEqual({ applied: expect.any(Array), restart_required: [] });
    expect(clients.filter((c) => c.isClosed)).toHaveLength(0);
  }, 120_000);
});
