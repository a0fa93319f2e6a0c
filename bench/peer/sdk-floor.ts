// The persisting relay's floor for the peer bench: CPU µs per call of the bare SDK write a send must make (the message repository's TransactWriteItems, and a PutItem), in a tight loop in its own process.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoMessageRepository, messageItem } from '../../shared/features/messages/index.js';
import { createIdGenerator, systemClock } from '../../shared/platform/system.js';
import { createDynamoClients } from '../../shared/storage/index.js';
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
  client.destroy();
  const out: SdkFloorResult = { transact, putItem };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

void main();
