// Backup -> restore into a fresh DynamoDB Local: identical item counts and identical history; truncated files and non-empty tables are refused (local/table-backup.ts).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '../../../shared/compose.js';
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClients, ensureTable } from '../../../shared/storage/index.js';
import { startDynamoDbLocal, type DynamoDbLocalHandle } from '../../../local/dynamodb-local.js';
import { BackupError, backupTable, countItems, restoreTable } from '../../../local/table-backup.js';
import {
  createTestServices,
  populatedRoom,
  registerCast,
  RecordingPublisher,
  TEST_JWT_SECRET,
  type TestServices,
} from '../../support/services.js';

describe('backup and restore of the whole table', () => {
  let ts: TestServices;
  let fresh: DynamoDbLocalHandle;
  const dir = mkdtempSync(join(tmpdir(), 'lair-backup-'));
  const file = join(dir, 'backup.jsonl');

  beforeAll(async () => {
    ts = await createTestServices();
    fresh = await startDynamoDbLocal({});
  }, 60_000);
  afterAll(async () => {
    await ts.close();
    await fresh.stop();
  });

  it('restores identical item counts and identical GET /messages results; refuses over a non-empty table without --force', async () => {
    const cast = await registerCast(ts.services);
    const room = await populatedRoom(ts, cast, 'backup-room');
    const target = { type: 'room' as const, room_id: room.id };
    for (let i = 0; i < 60; i++)
      await ts.services.messages.send(cast.bob.user.id, target, `message ${i} ✓ crème`);
    const edited = await ts.services.messages.send(cast.bob.user.id, target, 'to edit');
    await ts.services.messages.edit(cast.bob.user.id, edited.id, 'edited');
    await ts.services.messages.react(cast.alice.user.id, edited.id, '👍', true);
    await ts.services.messages.send(cast.alice.user.id, { type: 'dm', recipient: cast.bob.user.id }, 'dm');

    const { client } = createDynamoClients({
      region: 'us-east-1',
      endpoint: process.env.LAIR_DYNAMODB_ENDPOINT ?? '',
    });
    const sourceCount = await countItems(client, ts.tableName);
    expect(await backupTable({ client, tableName: ts.tableName, out: file, segments: 3 })).toBe(sourceCount);

    const target2 = createDynamoClients({ region: 'us-east-1', endpoint: fresh.endpoint });
    expect(await restoreTable({ client: target2.client, tableName: ts.tableName, in: file })).toBe(
      sourceCount,
    );
    expect(await countItems(target2.client, ts.tableName)).toBe(sourceCount);

    const restored = composeServices({
      doc: target2.doc,
      tableName: ts.tableName,
      jwtSecret: TEST_JWT_SECRET,
      events: new RecordingPublisher(),
    });
    const page = async (s: typeof ts.services) => {
      const all = [];
      let cursor: string | undefined;
      do {
        const p = await s.messages.history(
          cast.bob.user.id,
          target,
          25,
          cursor === undefined ? {} : { cursor },
        );
        all.push(...p.messages);
        cursor = p.next_cursor ?? undefined;
      } while (cursor !== undefined);
      return all;
    };
    const before = await page(ts.services);
    expect(before).toHaveLength(61);
    expect(await page(restored.services)).toEqual(before);
    expect(
      (
        await restored.services.messages.history(
          cast.bob.user.id,
          { type: 'dm', recipient: cast.alice.user.id },
          50,
        )
      ).messages,
    ).toEqual(
      (
        await ts.services.messages.history(
          cast.bob.user.id,
          { type: 'dm', recipient: cast.alice.user.id },
          50,
        )
      ).messages,
    );

    await expect(restoreTable({ client: target2.client, tableName: ts.tableName, in: file })).rejects.toThrow(
      /not empty/,
    );
    expect(
      await restoreTable({ client: target2.client, tableName: ts.tableName, in: file, force: true }),
    ).toBe(sourceCount);
    expect(await countItems(target2.client, ts.tableName)).toBe(sourceCount);
    target2.client.destroy();
    client.destroy();
  }, 120_000);

  it('refuses a truncated or altered file and writes nothing', async () => {
    const target2 = createDynamoClients({ region: 'us-east-1', endpoint: fresh.endpoint });
    const lines = readFileSync(file, 'utf8').split('\n');
    const truncated = join(dir, 'truncated.jsonl');
    writeFileSync(truncated, lines.slice(0, Math.floor(lines.length / 2)).join('\n'));
    const cut = join(dir, 'cut.jsonl');
    const text = readFileSync(file, 'utf8');
    writeFileSync(cut, text.slice(0, Math.floor(text.length / 2)));
    const altered = join(dir, 'altered.jsonl');
    writeFileSync(altered, text.replace('message 1 ', 'message X '));
    for (const [path, why] of [
      [truncated, /truncated/],
      [cut, /truncated|not JSON/],
      [altered, /checksum/],
    ] as const) {
      await expect(
        restoreTable({ client: target2.client, tableName: 'fresh-table', in: path }),
      ).rejects.toThrow(why);
      await expect(
        restoreTable({ client: target2.client, tableName: 'fresh-table', in: path }),
      ).rejects.toBeInstanceOf(BackupError);
    }
    // Verification happens before the table is even created.
    await expect(countItems(target2.client, 'fresh-table')).rejects.toThrow();
    target2.client.destroy();
  }, 60_000);

  it("a table holding only a running stack's heartbeats counts as empty; the backup's old heartbeats are not restored", async () => {
    const source = createDynamoClients({
      region: 'us-east-1',
      endpoint: process.env.LAIR_DYNAMODB_ENDPOINT ?? '',
    });
    const heartbeat = (relay: string) => ({
      PK: { S: 'RELAYS' },
      SK: { S: `RELAY#${relay}` },
      ttl: { N: String(Math.floor(Date.now() / 1000) + 60) },
    });
    await source.client.send(new PutItemCommand({ TableName: ts.tableName, Item: heartbeat('old-relay') }));
    const withBeat = join(dir, 'with-heartbeat.jsonl');
    const total = await backupTable({ client: source.client, tableName: ts.tableName, out: withBeat });
    const data = await countItems(source.client, ts.tableName, 4, true);
    expect(total).toBe(data + 1);

    const target2 = createDynamoClients({ region: 'us-east-1', endpoint: fresh.endpoint });
    const table = 'restarted-stack';
    await ensureTable(target2.client, table);
    await target2.client.send(new PutItemCommand({ TableName: table, Item: heartbeat('new-relay') }));
    expect(await restoreTable({ client: target2.client, tableName: table, in: withBeat })).toBe(data);
    expect(await countItems(target2.client, table, 4, true)).toBe(data);
    const beats = await target2.client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'RELAYS' } },
      }),
    );
    expect(beats.Items?.map((i) => i.SK?.S)).toEqual(['RELAY#new-relay']);
    target2.client.destroy();
    source.client.destroy();
  }, 60_000);
});
