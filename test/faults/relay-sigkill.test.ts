// Fault test: SIGKILL of a relay process while 20 clients send — every acknowledged message is in history afterwards, none twice.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { composeServices } from '../../shared/compose.js';
import type { Services } from '../../shared/features/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../support/dynamo.js';
import { spawnRelayProcess, type RelayProcess } from '../support/relay-process.js';
import { RELAY_TEST_SECRET, TestTcpClient } from '../support/relay.js';
import { userInput } from '../support/services.js';
import { SEND_BEFORE_KILL_MS } from './scale.js';

const CLIENTS = 20;

describe('fault: relay SIGKILL under load', () => {
  let table: TestTable;
  let services: Services;
  let relay: RelayProcess;

  beforeAll(async () => {
    table = await createTestTable();
    services = composeServices({
      doc: table.doc,
      tableName: table.tableName,
      jwtSecret: RELAY_TEST_SECRET,
      events: { publish: () => Promise.resolve() },
    }).services;
    relay = await spawnRelayProcess(table, { LAIR_RATE_LIMIT_USER_MESSAGES: '0' });
  }, 60_000);
  afterAll(async () => {
    if (relay.child.exitCode === null && relay.child.signalCode === null) relay.child.kill('SIGKILL');
    await deleteTestTable(table);
  });

  it('acknowledged messages survive, exactly once', async () => {
    const owner = await services.auth.register(userInput(), 'http');
    const room = await services.rooms.create(owner.user.id, { name: `kill-${Date.now()}` });
    const clients: { client: TestTcpClient; n: number }[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const auth = await services.auth.register(userInput(), 'http');
      await services.rooms.join(auth.user.id, room.id);
      const client = await TestTcpClient.connect(relay.port);
      await client.login(auth.token);
      clients.push({ client, n: i });
    }
    const acked = new Map<string, string>(); // message id -> content
    let stop = false;
    const sender = async ({ client, n }: { client: TestTcpClient; n: number }): Promise<void> => {
      for (let k = 0; !stop && !client.isClosed; k++) {
        const content = `c${n}-${k}`;
        let res;
        try {
          res = await client.request(
            { type: 'send_message', target: { type: 'room', room_id: room.id }, content },
            5_000,
          );
        } catch {
          return; // the relay died before answering: not acknowledged
        }
        if (res.success === true) acked.set(res.message.id as string, content);
      }
    };
    const running = clients.map(sender);
    await new Promise((r) => setTimeout(r, SEND_BEFORE_KILL_MS));
    relay.child.kill('SIGKILL');
    await relay.exited;
    stop = true;
    await Promise.all(running);
    for (const { client } of clients) client.destroy();

    const stored: { id: string; content: string }[] = [];
    let lastKey: Record<string, unknown> | undefined;
    do {
      const out = await table.doc.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': `MSGS#${room.id}` },
          ConsistentRead: true,
          ExclusiveStartKey: lastKey,
        }),
      );
      for (const item of out.Items ?? [])
        stored.push({ id: item.id as string, content: item.content as string });
      lastKey = out.LastEvaluatedKey;
    } while (lastKey !== undefined);

    expect(acked.size).toBeGreaterThan(CLIENTS); // the load was real
    const byId = new Map(stored.map((m) => [m.id, m.content]));
    for (const [id, content] of acked) expect(byId.get(id)).toBe(content);
    expect(new Set(stored.map((m) => m.id)).size).toBe(stored.length);
    expect(new Set(stored.map((m) => m.content)).size).toBe(stored.length); // no message stored twice
  }, 120_000);
});
