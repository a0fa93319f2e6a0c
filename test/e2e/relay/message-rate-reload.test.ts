// A config hot reload of LAIR_RATE_LIMIT_USER_MESSAGES reaches a running relay (docs/protocol/extensions.md §10): the relay built by startRelayFromSettings applies the new per-user send budget on the same connection, no reconnect.
import { composeServices } from '../../../shared/compose.js';
import { LiveConfig } from '../../../shared/config/reload.js';
import { loadSettings, type Settings } from '../../../shared/config/settings.js';
import { createLogger } from '../../../shared/platform/logger.js';
import { startRelayFromSettings } from '../../../relay/from-settings.js';
import type { RunningRelay } from '../../../relay/server.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import { TestTcpClient, type Msg } from '../../support/relay.js';
import { TEST_TOTP_KEY, userInput } from '../../support/services.js';

const envFor = (table: TestTable, perMinute: number): Record<string, string> => ({
  LAIR_TABLE_NAME: table.tableName,
  LAIR_DYNAMODB_ENDPOINT: table.endpoint,
  LAIR_JWT_SECRET: 'reload-test-secret',
  LAIR_TOTP_SECRET_KEY: TEST_TOTP_KEY,
  LAIR_TCP_PORT: '0',
  LAIR_RELAY_INTERNAL_PORT: '0',
  LAIR_RATE_LIMIT_AUTH: '0',
  LAIR_RATE_LIMIT_USER_MESSAGES: String(perMinute),
});

async function flood(client: TestTcpClient, roomId: string, n: number, tag: string): Promise<Msg[]> {
  for (let i = 0; i < n; i++)
    client.send({
      type: 'send_message',
      request_id: `${tag}${i}`,
      target: { type: 'room', room_id: roomId },
      content: `${tag}${i}`,
    });
  const out: Msg[] = [];
  for (let i = 0; i < n; i++) out.push(await client.nextOf('send_message_response', 15_000));
  return out;
}

describe('hot reload of the per-user message budget on a running relay', () => {
  let table: TestTable;
  let relay: RunningRelay;
  let settings: Settings;
  let next = 3;

  beforeAll(async () => {
    table = await createTestTable();
    settings = loadSettings(envFor(table, 3), () => 'unused');
    relay = await startRelayFromSettings({
      settings,
      doc: table.doc,
      logger: createLogger('silent', 'relay'),
    });
  });
  afterAll(async () => {
    await relay.close();
    await deleteTestTable(table);
  });

  it('3/min refuses a flood; after the reload to 1000/min the same connection sends freely', async () => {
    // The shared counter has 60 s windows: start early in one so phase 1 never straddles two.
    const intoWindow = Date.now() % 60_000;
    if (intoWindow > 45_000) await new Promise((r) => setTimeout(r, 60_500 - intoWindow));
    const { services } = composeServices({
      doc: table.doc,
      tableName: table.tableName,
      jwtSecret: settings.jwtSecret,
      events: { publish: () => Promise.resolve() },
    });
    const auth = await services.auth.register(userInput(), 'http');
    const client = await TestTcpClient.connect(relay.port);
    await client.login(auth.token, false, []);
    const room = (await client.request({ type: 'create_room', name: `rr-${Date.now()}` })).room;

    const before = await flood(client, room.id, 10, 'a');
    expect(before.filter((r) => r.success === true).length).toBeLessThanOrEqual(3);
    expect(before.filter((r) => r.success === false)[0]?.error.code).toBe('rate_limited');

    // The SIGHUP path: LiveConfig re-reads the source and mutates the one Settings object.
    const live = new LiveConfig(settings, () =>
      Promise.resolve(loadSettings(envFor(table, next), () => 'unused')),
    );
    next = 1000;
    expect(await live.reload()).toEqual({ applied: ['LAIR_RATE_LIMIT_USER_MESSAGES'], restart_required: [] });

    const after = await flood(client, room.id, 20, 'b');
    expect(after.filter((r) => r.success !== true)).toEqual([]);
    client.close();
  });
});
