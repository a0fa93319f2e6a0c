// Local TTL stand-in (local/ttl-sweeper.ts) on DynamoDB Local: expired items go (also those DynamoDB Local's own TTL job stalls on), live and re-stamped ones stay, and the poller hands consumers a TTL REMOVE.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startTtlSweeper } from '../../../local/ttl-sweeper.js';
import type { StreamChange, StreamConsumer } from '../../../lambdas/streams/consumer.js';
import { testLogger } from '../../support/relay.js';
import { createTestServices, type TestServices } from '../../support/services.js';
import { eventually, startTestStreams, type TestStreamPipeline } from '../../support/streams.js';

describe('local TTL sweeper', () => {
  let ts: TestServices;
  let streams: TestStreamPipeline;
  const seen: StreamChange[] = [];
  const recorder: StreamConsumer = {
    name: 'recorder',
    handle: (change) => {
      seen.push(change);
      return Promise.resolve(true);
    },
  };

  beforeAll(async () => {
    ts = await createTestServices();
    streams = await startTestStreams(ts, [recorder]);
  }, 60_000);
  afterAll(async () => {
    await streams.stop();
    await ts.close();
  });

  const put = (sk: string, expiresAt: number) =>
    ts.doc.send(
      new PutCommand({
        TableName: ts.tableName,
        // Only PK/SK: none of the GSI key attributes DynamoDB Local's own TTL job needs.
        Item: { PK: 'SWEEPTEST', SK: sk, entity: 'sweep_test', expiresAt },
      }),
    );
  const exists = async (sk: string) =>
    (await ts.doc.send(new GetCommand({ TableName: ts.tableName, Key: { PK: 'SWEEPTEST', SK: sk } })))
      .Item !== undefined;

  it('deletes only items whose TTL (epoch seconds) is due; consumers see REMOVE with ttl: true', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    await put('expired-1', nowS - 3600);
    await put('expired-2', nowS - 1);
    await put('live', nowS + 3600);
    const sweeper = startTtlSweeper({
      doc: ts.doc,
      tableName: ts.tableName,
      logger: testLogger(),
      intervalMs: 3_600_000,
    });
    try {
      expect(await sweeper.sweepOnce()).toBe(2);
      expect(await exists('expired-1')).toBe(false);
      expect(await exists('expired-2')).toBe(false);
      expect(await exists('live')).toBe(true);
      expect(await sweeper.sweepOnce()).toBe(0); // nothing left to do
    } finally {
      await sweeper.stop();
    }
    const removes = await eventually(async () => {
      const r = seen.filter((c) => c.eventName === 'REMOVE' && String(c.oldImage?.SK).startsWith('expired'));
      return Promise.resolve(r.length === 2 ? r : undefined);
    }, 20_000);
    expect(removes.every((c) => c.ttl)).toBe(true);
  }, 60_000);

  it('an application delete of a live item is not marked as TTL', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    await put('deleted-by-app', nowS + 3600);
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    await ts.doc.send(
      new DeleteCommand({ TableName: ts.tableName, Key: { PK: 'SWEEPTEST', SK: 'deleted-by-app' } }),
    );
    const change = await eventually(
      () =>
        Promise.resolve(seen.find((c) => c.eventName === 'REMOVE' && c.oldImage?.SK === 'deleted-by-app')),
      20_000,
    );
    expect(change.ttl).toBe(false);
  }, 60_000);
});
