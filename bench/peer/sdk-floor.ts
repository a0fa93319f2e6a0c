// The persisting relay's floor for the peer bench: CPU µs per call of the bare SDK write a send must make (the message repository's TransactWriteItems, and a PutItem), in a tight loop in its own process.
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoMessageRepository, headKeys, messageItem } from '../../shared/features/messages/index.js';
import { createIdGenerator, systemClock } from '../../shared/platform/system.js';
import { createDynamoClients, DEFAULT_DYNAMO_TIMEOUTS } from '../../shared/storage/index.js';
import { baselineRecord } from '../lib/dynamo.js';
import { cpuSeconds } from '../lib/proc.js';
import { createHistogram, nowMicros, recordMicros, summarize } from '../lib/stats.js';
import type { SdkFloorOp, SdkFloorResult } from './sdk-floor-spawn.js';

async function measure(calls: number, warmup: number, op: () => Promise<unknown>): Promise<SdkFloorOp> {
  for (let i = 0; i < warmup; i++) await op();
  const hist = createHistogram();
  const cpu0 = cpuSeconds(process.pid);
  for (let i = 0; i < calls; i++) {
    const t0 = nowMicros();
    await op();
    recordMicros(hist, nowMicros() - t0);
  }
  const cpu = cpuSeconds(process.pid) - cpu0;
  return { calls, cpuPerCallUs: (cpu * 1e6) / calls, latency: summarize(hist) };
}

/**
 * Run: `node --import tsx bench/peer/sdk-floor.ts <endpoint> <table> <calls> <contentBytes>`.
 * The clients are built by the relay's own `createDynamoClients` (same budgets and handler), one
 * call at a time (no overlap), after `calls / 4` warm-up calls; prints one {@link SdkFloorResult} line.
 */
/** The settings `createDynamoClients` gives the relay's client (region, endpoint, budgets, local credentials). */
function lowConfig(endpoint: string): NonNullable<ConstructorParameters<typeof DynamoDBClient>[0]> {
  return {
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: DEFAULT_DYNAMO_TIMEOUTS.maxAttempts,
    requestHandler: {
      connectionTimeout: DEFAULT_DYNAMO_TIMEOUTS.connectTimeoutMs,
      requestTimeout: DEFAULT_DYNAMO_TIMEOUTS.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

async function main(): Promise<void> {
  const [endpoint = '', tableName = '', callsArg = '2000', bytesArg = '128'] = process.argv.slice(2);
  const calls = Number(callsArg);
  const contentBytes = Number(bytesArg);
  const { client, doc } = createDynamoClients({ region: 'us-east-1', endpoint });
  const ids = createIdGenerator();
  const repo = new DynamoMessageRepository(doc, tableName, systemClock);
  const record = (): ReturnType<typeof baselineRecord> => baselineRecord(contentBytes, ids);
  const warmup = Math.ceil(calls / 4);
  const transact = await measure(calls, warmup, () => repo.put(record()));
  const putItem = await measure(calls, warmup, () =>
    doc.send(
      new PutCommand({
        TableName: tableName,
        Item: messageItem(record()),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    ),
  );
  // The same transaction on the low-level client with the SDK's handler cache on (`cacheMiddleware`,
  // which DynamoDBDocumentClient refuses) and util-dynamodb marshalling: what the SDK can do at best.
  const low = new DynamoDBClient({ ...lowConfig(endpoint), cacheMiddleware: true });
  const opts = { removeUndefinedValues: true };
  const transactLowLevel = await measure(calls, warmup, () => {
    const m = record();
    return low.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: marshall(messageItem(m), opts),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Update: {
              TableName: tableName,
              Key: marshall(headKeys.head(m.conversation), opts),
              UpdateExpression:
                'ADD n :one, #own :one SET last_message_id = :id, last_seq = :seq, entity = :e',
              ExpressionAttributeNames: { '#own': `o:${m.author}` },
              ExpressionAttributeValues: marshall({
                ':one': 1,
                ':id': m.id,
                ':seq': m.seq,
                ':e': 'target_head',
              }),
            },
          },
        ],
      }),
    );
  });
  low.destroy();
  client.destroy();
  const out: SdkFloorResult = { transact, transactLowLevel, putItem };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

void main();
