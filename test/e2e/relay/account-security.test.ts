// Lockout shared by two processes over one table (this test process's services + a relay/main.ts process), and the TCP `login` second factor (docs/protocol/extensions.md §10).
import { TOTP, Secret } from 'otpauth';
import { composeServices } from '../../../shared/compose.js';
import type { Services } from '../../../shared/features/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import { spawnRelayProcess, type RelayProcess } from '../../support/relay-process.js';
import { RELAY_TEST_SECRET, TestTcpClient } from '../../support/relay.js';
import { RecordingPublisher, TEST_TOTP_KEY, userInput } from '../../support/services.js';

describe('account security across processes', () => {
  let table: TestTable;
  let services: Services;
  let relay: RelayProcess;
  const clients: TestTcpClient[] = [];

  beforeAll(async () => {
    table = await createTestTable();
    services = composeServices({
      doc: table.doc,
      tableName: table.tableName,
      jwtSecret: RELAY_TEST_SECRET,
      totpKey: TEST_TOTP_KEY,
      events: new RecordingPublisher(),
    }).services;
    relay = await spawnRelayProcess(table);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.destroy();
    if (relay?.child.exitCode === null) {
      relay.child.kill('SIGTERM');
      await relay.exited;
    }
    await deleteTestTable(table);
  });

  async function tcpLogin(fields: Record<string, unknown>) {
    const client = await TestTcpClient.connect(relay.port);
    clients.push(client);
    await client.handshake();
    return client.request({ type: 'login', ...fields });
  }

  it('5 failures split over both processes lock the account in both', async () => {
    const input = userInput();
    await services.auth.register(input, 'http');
    const wrong = { identifier: input.username, password: 'not-the-password' };
    for (let i = 0; i < 3; i++) {
      await expect(services.auth.login(wrong, 'http', { ip: `10.1.1.${i}` })).rejects.toMatchObject({
        code: 'invalid_credentials',
      });
    }
    for (let i = 0; i < 2; i++) {
      const res = await tcpLogin(wrong);
      expect(res.error.code).toBe('invalid_credentials');
    }
    const locked = await tcpLogin({ identifier: input.username, password: input.password });
    expect(locked).toMatchObject({
      type: 'login_response',
      success: false,
      error: { code: 'account_locked' },
    });
    expect(locked.error.retry_after_ms).toBeGreaterThan(14 * 60_000);
    await expect(
      services.auth.login({ identifier: input.username, password: input.password }, 'http', {
        ip: '10.2.2.2',
      }),
    ).rejects.toMatchObject({ code: 'account_locked' });
  });

  it('TCP login answers totp_required, then accepts a code once', async () => {
    const input = userInput();
    const reg = await services.auth.register(input, 'http');
    const { secret } = await services.twoFactor.setup(reg.user.id);
    const code = (ms: number) =>
      TOTP.generate({
        secret: Secret.fromBase32(secret),
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
        timestamp: ms,
      });
    // Enable with the previous step's code (±1 accepted) so the current step is still unused for login.
    await services.twoFactor.enable(reg.user.id, code(Date.now() - 30_000));
    const creds = { identifier: input.username, password: input.password };
    expect((await tcpLogin(creds)).error.code).toBe('totp_required');
    const current = code(Date.now());
    const ok = await tcpLogin({ ...creds, totp_code: current });
    expect(ok).toMatchObject({ success: true, user: { id: reg.user.id } });
    expect((await tcpLogin({ ...creds, totp_code: current })).error.code).toBe('totp_invalid');
  });
});
