// A document client whose plain GetItem calls of one event-loop turn are sent together as BatchGetItem (DataLoader; no caching), so a storm of authentications costs a few requests instead of five GetItems each (docs/adr/029).
import DataLoader from 'dataloader';
import { GetCommand, type DynamoDBDocumentClient, type GetCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Item } from './items.js';
import type { Key } from './keys.js';
import { batchGet } from './operations.js';

/** Options of {@link coalesceGets}. */
export interface CoalesceOptions {
  /**
   * How long a batch stays open after its first GetItem, ms. 0 (default) = until the end of the
   * current event-loop turn (`setImmediate`): every GetItem issued while the loop handled that
   * turn's socket reads and DynamoDB answers joins, and an idle relay adds no wait.
   */
  windowMs?: number;
  /** Decides when an open batch is sent (overrides `windowMs`; tests hold a batch with it). */
  schedule?: (send: () => void) => void;
  /** Called once per BatchGetItem with the number of distinct keys it carried (metrics, tests). */
  onBatch?: (keys: number) => void;
}

/** Keys one BatchGetItem may carry (DynamoDB limit). */
const MAX_BATCH = 100;

const keyString = (key: Key): string => `${key.PK}\u0000${key.SK}`;

/** A GetItem this wrapper may batch: only the table's PK/SK key, no projection or capacity report. */
function batchable(input: GetCommandInput): input is GetCommandInput & { Key: Key; TableName: string } {
  const key = input.Key;
  if (key === undefined || typeof input.TableName !== 'string') return false;
  const names = Object.keys(key);
  return (
    names.length === 2 &&
    typeof key.PK === 'string' &&
    typeof key.SK === 'string' &&
    input.ProjectionExpression === undefined &&
    input.AttributesToGet === undefined &&
    input.ExpressionAttributeNames === undefined &&
    input.ReturnConsumedCapacity === undefined
  );
}

/**
 * Wraps `doc` so that every plain `GetCommand` (PK/SK key, no projection, no per-call options) is
 * answered from a BatchGetItem shared with the other GetItems of the same turn (or `windowMs`
 * window): one batch per (table, ConsistentRead), ≤ 100 distinct keys, UnprocessedKeys retried with
 * backoff (shared/storage/operations.ts `batchGet`). Everything else goes to `doc` unchanged.
 *
 * Semantics are a GetItem's: each read is sent **after** it was asked for (the batch only delays
 * sending, by at most one loop turn or `windowMs`), nothing is cached or shared between batches,
 * and a strongly consistent GetItem stays strongly consistent (BatchGetItem `ConsistentRead`). A
 * session deleted before an `authenticate` arrived is therefore never found (docs/adr/029).
 * The answer is `{ Item }` (absent when no item); `$metadata` is empty.
 * @throws what BatchGetItem throws (every GetItem of that batch rejects with it), or DomainError
 *   `database_error` when keys stay unprocessed after the retries
 */
export function coalesceGets(
  doc: DynamoDBDocumentClient,
  opts: CoalesceOptions = {},
): DynamoDBDocumentClient {
  const loaders = new Map<string, DataLoader<Key, Item | undefined, Key>>();
  const windowMs = opts.windowMs ?? 0;
  const schedule =
    opts.schedule ??
    (windowMs > 0
      ? (run: () => void) => {
          setTimeout(run, windowMs);
        }
      : (run: () => void) => {
          setImmediate(run);
        });

  const loaderFor = (tableName: string, consistent: boolean): DataLoader<Key, Item | undefined, Key> => {
    const id = `${consistent ? 'c' : 'e'}:${tableName}`;
    let loader = loaders.get(id);
    if (loader === undefined) {
      loader = new DataLoader<Key, Item | undefined, Key>(
        async (keys) => {
          const distinct = new Map(keys.map((k) => [keyString(k), k]));
          opts.onBatch?.(distinct.size);
          const items = await batchGet(doc, tableName, [...distinct.values()], consistent);
          const found = new Map(items.map((i) => [keyString({ PK: String(i.PK), SK: String(i.SK) }), i]));
          return keys.map((k) => found.get(keyString(k)));
        },
        { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: schedule },
      );
      loaders.set(id, loader);
    }
    return loader;
  };

  const wrapped = Object.create(doc) as DynamoDBDocumentClient;
  const send = (command: unknown, ...rest: unknown[]): Promise<unknown> => {
    if (rest.length === 0 && command instanceof GetCommand && batchable(command.input)) {
      const { TableName, Key: key, ConsistentRead } = command.input;
      return loaderFor(TableName, ConsistentRead === true)
        .load({ PK: key.PK, SK: key.SK })
        .then((item) => (item === undefined ? { $metadata: {} } : { $metadata: {}, Item: item }));
    }
    return (doc.send as (c: unknown, ...r: unknown[]) => Promise<unknown>)(command, ...rest);
  };
  Object.defineProperty(wrapped, 'send', { value: send, writable: false, enumerable: false });
  return wrapped;
}
