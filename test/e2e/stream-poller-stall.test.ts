// local/stream-poller.ts behind a stalled DynamoDB Local: its calls time out and the next round resumes from the same iterator, so a record written during the stall still arrives.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { startStreamPoller, type StreamPoller } from '../../local/stream-poller.js';
import { createTestTable, deleteTestTable, type TestTable } from '../support/dynamo.js';
import { testLogger } from '../support/relay.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { eventually } from '../support/streams.js';

describe('stream poller, stalled DynamoDB', () => {
  let table: TestTable;
  let proxy: TcpProxy;
  let poller: StreamPoller;
  const seen = new Set<string>();

  beforeAll(async () => {
    table = await createTestTable();
    proxy = await startTcpProxy(table.endpoint);
    poller = await startStreamPoller({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      tableName: table.tableName,
      logger: testLogger(),
      intervalMs: 100,
      requestTimeoutMs: 300,
      handler: (event: DynamoDBStreamEvent) => {
        for (const r of event.Records) {
          const pk = r.dynamodb?.NewImage?.PK?.S;
          if (pk !== undefined) seen.add(pk);
        }
        return Promise.resolve();
      },
    });
  });
  afterAll(async () => {
    await proxy.setMode('forward');
    await poller.stop();
    await proxy.close();
    await deleteTestTable(table);
  });

  const put = (pk: string): Promise<unknown> =>
    table.doc.send(new PutCommand({ TableName: table.tableName, Item: { PK: pk, SK: 'x' } }));

  it('keeps polling after a stall: the record written meanwhile is delivered once DynamoDB answers again', async () => {
    await put('before');
    await eventually(() => seen.has('before'), 20_000);
    await proxy.setMode('stall');
    await put('during');
    // Several rounds run into the stall (each call gives up after 300 ms × 3 attempts).
    await new Promise((r) => setTimeout(r, 2500));
    expect(seen.has('during')).toBe(false);
    await proxy.setMode('forward');
    await eventually(() => seen.has('during'), 20_000);
    await put('after');
    await eventually(() => seen.has('after'), 20_000);
    expect([...seen].sort()).toEqual(['after', 'before', 'during']);
  }, 60_000);

  it('stops during a stall: the round in progress gives up instead of hanging on the dead connection', async () => {
    await proxy.setMode('stall');
    await new Promise((r) => setTimeout(r, 500)); // a round is now waiting on the stalled socket
    const outcome = await Promise.race([
      poller.stop().then(() => 'stopped'),
      new Promise((r) => {
        setTimeout(() => {
          r('still waiting');
        }, 8000);
      }),
    ]);
    expect(outcome).toBe('stopped');
  }, 30_000);
});
