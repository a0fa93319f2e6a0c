// DynamoDB side of the bench: DynamoDB Local (or an endpoint), a fresh table, the raw PutItem baseline, message counts.
import { randomUUID } from 'node:crypto';
import {
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { toTimestamp } from '../../shared/kernel/time.js';
import type { IdGenerator } from '../../shared/kernel/ports.js';
import { createIdGenerator } from '../../shared/platform/system.js';
import { freshLifecycle, messageItem } from '../../shared/features/messages/index.js';
import { partitions } from '../../shared/features/index.js';
import {
  ATTR,
  createDynamoClients,
  ensureTable,
  type DynamoClients,
  type Key,
} from '../../shared/storage/index.js';
import { childPids } from './proc.js';
import { createHistogram, nowMicros, recordMicros, summarize, type LatencySummary } from './stats.js';

/** Where the bench's DynamoDB runs and how to stop it. */
export interface BenchStorage {
  endpoint: string;
  /** Pid of the DynamoDB Local JVM we started (undefined for an external endpoint). */
  javaPid: number | undefined;
  clients: DynamoClients;
  /** Fresh table created for this run. */
  tableName: string;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local in memory (or uses `endpoint`), then creates a fresh table
 * `lair-bench-<time>` with the production definition (keys, GSIs, TTL) via `ensureTable`.
 */
export async function startStorage(endpoint: string | undefined): Promise<BenchStorage> {
  const local = endpoint === undefined ? await startDynamoDbLocal({}) : undefined;
  const url = endpoint ?? local?.endpoint ?? '';
  const clients = createDynamoClients({ region: 'us-east-1', endpoint: url });
  const tableName = `lair-bench-${Date.now()}`;
  await ensureTable(clients.client, tableName);
  const javaPid = local === undefined ? undefined : childPids(process.pid, 'java')[0];
  return {
    endpoint: url,
    javaPid,
    clients,
    tableName,
    async stop() {
      clients.client.destroy();
      await local?.stop();
    },
  };
}

/** A message item exactly as `DynamoMessageRepository.put` writes it, with `contentBytes` of content. */
function baselineItem(contentBytes: number, ids: IdGenerator): Record<string, unknown> {
  const now = Date.now();
  const room = 'bench-baseline';
  return messageItem({
    ...freshLifecycle(toTimestamp(now)),
    id: ids.uuid(),
    author: randomUUID(),
    target: { type: 'room', room_id: room },
    content: 'x'.repeat(contentBytes),
    edited: false,
    created_at: toTimestamp(now),
    seq: ids.ulid(now),
    conversation: room,
    version: 1,
  });
}

/** The message repository's Put of a fresh message item: conditional `attribute_not_exists(PK)`. */
function baselinePut(
  tableName: string,
  contentBytes: number,
  ids: IdGenerator,
): { TableName: string; Item: Record<string, unknown>; ConditionExpression: string } {
  return {
    TableName: tableName,
    Item: baselineItem(contentBytes, ids),
    ConditionExpression: 'attribute_not_exists(PK)',
  };
}

/** Latency and throughput of one DynamoDB operation, measured like the raw PutItem baseline. */
export interface OpBaseline {
  /** Sequential (one at a time) latency, ms. */
  sequential: LatencySummary;
  /** Concurrent closed-loop workers used for `opsPerSecond`. */
  concurrency: number;
  /** Successful calls per second with `concurrency` workers. */
  opsPerSecond: number;
  /** Latency while running `concurrency` workers, ms. */
  concurrent: LatencySummary;
}

/** Raw PutItem baseline of the issue (same shape as every {@link OpBaseline}). */
export type PutItemBaseline = OpBaseline;

/**
 * Times `op`: 100 warm-up calls, `ops` sequential calls for the latency, then `concurrency`
 * closed-loop workers for `seconds` for the throughput. `op(worker)` gets the worker index
 * (0 for the sequential part) so workers can use disjoint items.
 */
async function measureOp(
  op: (worker: number) => Promise<unknown>,
  opts: { ops: number; concurrency: number; seconds: number },
): Promise<OpBaseline> {
  for (let i = 0; i < 100; i++) await op(0);
  const seq = createHistogram();
  for (let i = 0; i < opts.ops; i++) {
    const t0 = nowMicros();
    await op(0);
    recordMicros(seq, nowMicros() - t0);
  }
  const conc = createHistogram();
  const start = nowMicros();
  const end = start + opts.seconds * 1e6;
  let done = 0;
  const worker = async (k: number): Promise<void> => {
    while (nowMicros() < end) {
      const t0 = nowMicros();
      await op(k);
      recordMicros(conc, nowMicros() - t0);
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, k) => worker(k)));
  const elapsed = (nowMicros() - start) / 1e6;
  return {
    sequential: summarize(seq),
    concurrency: opts.concurrency,
    opsPerSecond: Math.round((done / elapsed) * 10) / 10,
    concurrent: summarize(conc),
  };
}

/**
 * Raw PutItem baseline: `PutCommand` (conditional `attribute_not_exists(PK)`, the message
 * repository's call) of a message-sized item against the same table, timed by {@link measureOp}.
 */
export function putItemBaseline(
  doc: DynamoDBDocumentClient,
  tableName: string,
  opts: { contentBytes: number; ops: number; concurrency: number; seconds: number },
): Promise<PutItemBaseline> {
  const ids = createIdGenerator();
  return measureOp(() => doc.send(new PutCommand(baselinePut(tableName, opts.contentBytes, ids))), opts);
}

/**
 * PutItem latency at a fixed arrival rate (open loop, like the fixed-rate phase's senders): one
 * call every `1000 / ratePerSecond` ms for `seconds`, not waiting for earlier calls. Sporadic
 * calls meet a less warm DynamoDB Local than back-to-back ones, so this p50 is the like-for-like
 * reference for the relay's own Put in the fixed-rate phase (informational; the target uses the
 * sequential p50).
 */
export async function pacedPutItem(
  doc: DynamoDBDocumentClient,
  tableName: string,
  opts: { contentBytes: number; ratePerSecond: number; seconds: number },
): Promise<LatencySummary> {
  const ids = createIdGenerator();
  const hist = createHistogram();
  const intervalUs = 1e6 / opts.ratePerSecond;
  const total = Math.max(1, Math.round(opts.ratePerSecond * opts.seconds));
  const start = nowMicros();
  const calls: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * intervalUs;
    const wait = (due - nowMicros()) / 1000;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = nowMicros();
    calls.push(
      doc.send(new PutCommand(baselinePut(tableName, opts.contentBytes, ids))).then(() => {
        recordMicros(hist, nowMicros() - t0);
      }),
    );
  }
  await Promise.all(calls);
  return summarize(hist);
}

/** The caller of one candidate send: its session and membership items (one per concurrent worker). */
export interface SenderKeys {
  session: Key;
  membership: Key;
}

/**
 * Candidate one-round-trip `send_message` (proposed fix, bench/README.md): one TransactWriteItems
 * = ConditionCheck session (`attribute_exists(PK) AND expiresAt > now`) + ConditionCheck
 * membership (`attribute_exists(PK)`) + the message Put, timed by {@link measureOp}. Worker k
 * uses `senders[k]` (like one sender per room), so workers never touch the same items.
 */
export function transactSendCandidate(
  doc: DynamoDBDocumentClient,
  tableName: string,
  senders: readonly SenderKeys[],
  opts: { contentBytes: number; ops: number; concurrency: number; seconds: number },
): Promise<OpBaseline> {
  const ids = createIdGenerator();
  return measureOp((k) => {
    const s = senders[k % senders.length] as SenderKeys;
    return doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: tableName,
              Key: s.session,
              ConditionExpression: 'attribute_exists(PK) AND #ttl > :now',
              ExpressionAttributeNames: { '#ttl': ATTR.ttl },
              ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
            },
          },
          {
            ConditionCheck: {
              TableName: tableName,
              Key: s.membership,
              ConditionExpression: 'attribute_exists(PK)',
            },
          },
          {
            Put: baselinePut(tableName, opts.contentBytes, ids),
          },
        ],
      }),
    );
  }, opts);
}

/** Counts the stored messages of room `roomId` (strongly consistent COUNT query over `MSGS#<room>`). */
export async function countRoomMessages(
  doc: DynamoDBDocumentClient,
  tableName: string,
  roomId: string,
): Promise<number> {
  let total = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': partitions.messages(roomId) },
        Select: 'COUNT',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    total += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return total;
}
