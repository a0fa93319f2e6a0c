// E2E docs/protocol/extensions.md §9 on two relay PROCESSES: a ban closes every socket of the user on both with `account_banned`; moderation commands; notices on login.
import { composeServices } from '../../../shared/compose.js';
import { RelayEventPublisher } from '../../../shared/delivery/relay-publisher.js';
import type { Services } from '../../../shared/features/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import { makeAdmin } from '../../support/http.js';
import { spawnRelayProcess, type RelayProcess } from '../../support/relay-process.js';
import {
  expectFail,
  RELAY_TEST_SECRET,
  testLogger,
  TestTcpClient,
  TestWsClient,
} from '../../support/relay.js';
import { userInput } from '../../support/services.js';

describe('moderation across two relay processes', () => {
  let table: TestTable;
  let services: Services;
  let a: RelayProcess;
  let b: RelayProcess;
  const clients: (TestTcpClient | TestWsClient)[] = [];

  beforeAll(async () => {
    table = await createTestTable();
    services = composeServices({
      doc: table.doc,
      tableName: table.tableName,
      jwtSecret: RELAY_TEST_SECRET,
      events: (repos) =>
        new RelayEventPublisher({
          presence: repos.presence,
          secret: RELAY_TEST_SECRET,
          logger: testLogger(),
          relayCacheMs: 0,
        }),
    }).services;
    [a, b] = await Promise.all([
      spawnRelayProcess(table, { LAIR_RELAY_ID: 'mod-a' }),
      spawnRelayProcess(table, { LAIR_RELAY_ID: 'mod-b' }),
    ]);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) {
      if (c instanceof TestTcpClient) c.destroy();
      else c.close();
    }
    for (const p of [a, b] as (RelayProcess | undefined)[]) {
      if (p !== undefined && p.child.exitCode === null) {
        p.child.kill('SIGTERM');
        await p.exited;
      }
    }
    await deleteTestTable(table);
  });

  async function tcp(port: number, token: string): Promise<TestTcpClient> {
    const c = await TestTcpClient.connect(port);
    await c.login(token, false);
    clients.push(c);
    return c;
  }

  it('a ban closes every socket of the user on both relays with account_banned; login is refused', async () => {
    const victim = await services.auth.register(userInput(), 'http');
    const second = await services.auth.login(
      { identifier: victim.user.username, password: 'plaid-otter-quarry-9' },
      'http',
    );
    const mod = await services.auth.register(userInput(), 'http');
    await makeAdmin(table.doc, table.tableName, mod.user.id);
    const onA = await tcp(a.port, victim.token);
    const onB = await tcp(b.port, second.token);
    const ws = await TestWsClient.connect(b.wsPort, victim.token);
    clients.push(ws);
    await ws.nextOf('authenticate_response');
    const bystander = await services.auth.register(userInput(), 'http');
    const other = await tcp(a.port, bystander.token);

    const started = Date.now();
    await services.moderation.ban(mod.user.id, victim.user.id, { reason: 'spam' });
    for (const c of [onA, onB, ws]) {
      expect(await c.nextOf('error')).toMatchObject({
        code: 'account_banned',
        message: 'Account banned: spam',
      });
      await c.waitClosed(5000);
    }
    // Measured, not asserted (docs: no timed assertions; bench/ban-propagation.ts measures p50/max).
    testLogger().info({ ms: Date.now() - started }, 'ban propagation over two relay processes');
    expect(other.isClosed).toBe(false);

    const again = await TestTcpClient.connect(a.port);
    clients.push(again);
    await expect(again.login(second.token, false)).rejects.toThrow(/account_banned/);
    await expect(
      services.auth.login({ identifier: victim.user.username, password: 'plaid-otter-quarry-9' }, 'tcp'),
    ).rejects.toMatchObject({ code: 'account_banned' });
  });

  it('moderation commands over TCP: ban_user by name, get_audit_log, send_server_notice reaches both relays', async () => {
    const admin = await services.auth.register(userInput(), 'http');
    await makeAdmin(table.doc, table.tableName, admin.user.id);
    const target = await services.auth.register(userInput(), 'http');
    const onA = await tcp(a.port, admin.token);
    const onB = await tcp(b.port, target.token);
    const listener = await tcp(b.port, (await services.auth.register(userInput(), 'http')).token);

    const notice = await onA.request({ type: 'send_server_notice', message: 'hello all', severity: 'info' });
    expect(notice).toMatchObject({ success: true, notice: { message: 'hello all' } });
    for (const c of [onA, onB, listener])
      expect(await c.nextOf('server_notice', 5000, (m) => m.message === 'hello all')).toMatchObject({
        severity: 'info',
      });

    const banned = await onA.request({ type: 'ban_user', user: target.user.username, duration_minutes: 5 });
    expect(banned).toMatchObject({ success: true, ban: { user_id: target.user.id } });
    expect(await onB.nextOf('error')).toMatchObject({ code: 'account_banned' });

    const log = await onA.request({
      type: 'get_audit_log',
      filters: { action: 'user.ban', actor: admin.user.username },
    });
    expect(log.entries[0]).toMatchObject({ action: 'user.ban', target_id: target.user.id });
    const bad = await onA.request({ type: 'get_audit_log', filters: { before: 'not-a-date' } });
    expectFail(bad, 'get_audit_log_response', 'validation_failed');
    const self = await listener.request({ type: 'ban_user', user: admin.user.username });
    expectFail(self, 'ban_user_response', 'permission_denied');
  });
});
