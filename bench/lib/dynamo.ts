// DynamoDB side of the bench: DynamoDB Local (or an endpoint), a fresh table, raw PutItem/UpdateItem baselines, message counts.
import { randomUUID } from 'node:crypto';
import {
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { toTimestamp } from '../../shared/kernel/time.js';
import type { IdGenerator } from '../../shared/kernel/ports.js';
import { createIdGenerator, systemClock } from '../../shared/platform/system.js';
import {
  DynamoMessageRepository,
  freshLifecycle,
  messageItem,
  type MessageRecord,
} from '../../shared/features/messages/index.js';
import { keys, partitions } from '../../shared/features/index.js';
import {
  ATTR,
  createDynamoClients,
  ensureTable,
  type DynamoClients,
  type Key,
} from '../../shared/storage/index.js';
import { mapPool } from './population.js';
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

/** A fresh message record (no reactions, replies, mentions) with `contentBytes` of content in room `bench-baseline`. */
export function baselineRecord(contentBytes: number, ids: IdGenerator): MessageRecord {
  const now = Date.now();
  const room = 'bench-baseline';
  return {
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
  };
}

/** A message item exactly as `DynamoMessageRepository.put` writes it, with `contentBytes` of content. */
function baselineItem(contentBytes: number, ids: IdGenerator): Record<string, unknown> {
  return messageItem(baselineRecord(contentBytes, ids));
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
 * Sequential latency of `op`: `warmup` untimed calls, then `ops` timed calls one at a time.
 * `op(i)` gets the call's index over both parts (0 … warmup + ops − 1), so calls can use
 * distinct items.
 */
export async function sequentialLatency(
  op: (i: number) => Promise<unknown>,
  opts: { ops: number; warmup: number },
): Promise<LatencySummary> {
  for (let i = 0; i < opts.warmup; i++) await op(i);
  const hist = createHistogram();
  for (let i = opts.warmup; i < opts.warmup + opts.ops; i++) {
    const t0 = nowMicros();
    await op(i);
    recordMicros(hist, nowMicros() - t0);
  }
  return summarize(hist);
}

/**
 * Times `op`: 100 warm-up calls, `ops` sequential calls for the latency, then `concurrency`
 * closed-loop workers for `seconds` for the throughput. `op(worker)` gets the worker index
 * (0 for the sequential part) so workers can use disjoint items.
 */
async function measureOp(
  op: (worker: number) => Promise<unknown>,
  opts: { ops: number; concurrency: number; seconds: number },
): Promise<OpBaseline> {
  const sequential = await sequentialLatency(() => op(0), { ops: opts.ops, warmup: 100 });
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
    sequential,
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

/** Raw DynamoDB references for `add_reaction` (bench/lifecycle.ts), each sequential, ms. */
export interface ReactionBaselines {
  /** Message items created beforehand (one per timed or warm-up call; every call below hits a distinct one). */
  items: number;
  /** `UpdateItem` `ADD n :one` on an existing item, no condition, no return values: the target's reference. */
  updateItem: LatencySummary;
  /** `DynamoMessageRepository.getById(id, { consistent: false })`: the GSI1 Query that finds a message by id. */
  gsi1Query: LatencySummary;
  /** The store's reaction write (`repository.react`, first reactor of an emoji): conditional UpdateItem, ALL_NEW. */
  reactionUpdate: LatencySummary;
  /** GSI1 Query then the reaction UpdateItem, back to back: the relay's storage path without relay and TCP. */
  queryThenUpdate: LatencySummary;
}

/**
 * Creates `n` fresh message items (`contentBytes` of content, 16 Puts in flight) with the message
 * repository's item shape and conditional Put; returns their records.
 */
export async function createBaselineMessages(
  doc: DynamoDBDocumentClient,
  tableName: string,
  n: number,
  contentBytes: number,
): Promise<MessageRecord[]> {
  const ids = createIdGenerator();
  const records = Array.from({ length: n }, () => baselineRecord(contentBytes, ids));
  await mapPool(records, 16, (r) =>
    doc.send(
      new PutCommand({
        TableName: tableName,
        Item: messageItem(r),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    ),
  );
  return records;
}

/**
 * Raw UpdateItem baseline: `ADD n :one` (no condition, no return values) on `records[i]`, one
 * item per call, timed by {@link sequentialLatency}; needs `warmup + ops` records.
 */
export function updateItemBaseline(
  doc: DynamoDBDocumentClient,
  tableName: string,
  records: readonly MessageRecord[],
  opts: { ops: number; warmup: number },
): Promise<LatencySummary> {
  if (records.length < opts.ops + opts.warmup) throw new Error('updateItemBaseline: too few records');
  return sequentialLatency((i) => {
    const r = records[i] as MessageRecord;
    return doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.message(r.conversation, r.seq),
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }, opts);
}

/**
 * Raw references for `add_reaction` against `tableName`: creates `warmup + ops` message items
 * ({@link createBaselineMessages}), then times four sequential series ({@link sequentialLatency},
 * `warmup` untimed calls first), each call on its own item: plain `ADD n :one`, the repository's
 * GSI1 lookup, the repository's reaction update (👍 by a fresh user), and lookup + reaction update
 * (🎉 by another fresh user) as one unit.
 */
export async function reactionBaselines(
  doc: DynamoDBDocumentClient,
  tableName: string,
  opts: { contentBytes: number; ops: number; warmup: number },
): Promise<ReactionBaselines> {
  const repo = new DynamoMessageRepository(doc, tableName, systemClock);
  const records = await createBaselineMessages(doc, tableName, opts.warmup + opts.ops, opts.contentBytes);
  const record = (i: number): MessageRecord => records[i] as MessageRecord;
  const series = { ops: opts.ops, warmup: opts.warmup };
  const now = (): string => toTimestamp(Date.now());

  const updateItem = await updateItemBaseline(doc, tableName, records, series);
  const gsi1Query = await sequentialLatency(async (i) => {
    if ((await repo.getById(record(i).id, { consistent: false })) === null)
      throw new Error(`baseline message ${record(i).id} not found through GSI1`);
  }, series);
  const reactionUpdate = await sequentialLatency(
    (i) => repo.react(record(i), '👍', randomUUID(), true, now()),
    series,
  );
  const queryThenUpdate = await sequentialLatency(async (i) => {
    const found = await repo.getById(record(i).id, { consistent: false });
    if (found === null) throw new Error(`baseline message ${record(i).id} not found through GSI1`);
    await repo.react(found, '🎉', randomUUID(), true, now());
  }, series);
  return { items: records.length, updateItem, gsi1Query, reactionUpdate, queryThenUpdate };
}
