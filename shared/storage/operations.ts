// Paginated query, count, batch get and batch delete helpers over the document client (with retries).
import {
  BatchGetCommand,
  BatchWriteCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '../kernel/errors.js';
import type { Item } from './index.js';
import type { Key } from './index.js';
import { GSI1 } from './table.js';

/** Attempts for unprocessed batch items and conflicting transactions before giving up. */
export const MAX_ATTEMPTS = 8;

/** Exponential backoff with full jitter: attempt 1 -> up to 20 ms, doubling, capped at 1 s. */
export async function backoff(attempt: number): Promise<void> {
  await sleep(Math.random() * Math.min(1000, 20 * 2 ** (attempt - 1)));
}

/** One or more pages of a query. `lastKey` is the LastEvaluatedKey to continue from (cursor source). */
export interface QueryResult {
  items: Item[];
  lastKey: Record<string, unknown> | undefined;
}

/**
 * Runs a Query page after page until `max` items (after `keep`) were collected or the partition ends
 * (docs/design.md §3: filters apply before the 1 MB page, so keep querying). With `max`, each page asks
 * for exactly the missing number of items (`Limit`), so `lastKey` is exact.
 * @param keep - in-code filter applied before counting (e.g. exact expiry checks)
 */
export async function queryPages(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  opts: { max?: number; keep?: (item: Item) => boolean } = {},
): Promise<QueryResult> {
  const items: Item[] = [];
  let lastKey: Record<string, unknown> | undefined = input.ExclusiveStartKey;
  const max = opts.max ?? Infinity;
  if (max <= 0) return { items, lastKey };
  do {
    const missing = max - items.length;
    const out = await doc.send(
      new QueryCommand({
        ...input,
        ExclusiveStartKey: lastKey,
        ...(Number.isFinite(missing) ? { Limit: missing } : {}),
      }),
    );
    lastKey = out.LastEvaluatedKey;
    for (const item of (out.Items ?? []) as Item[]) {
      if (opts.keep && !opts.keep(item)) continue;
      items.push(item);
    }
  } while (lastKey !== undefined && items.length < max);
  return { items, lastKey };
}

/** {@link queryPages} returning only the items. */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  opts: { max?: number; keep?: (item: Item) => boolean } = {},
): Promise<Item[]> {
  return (await queryPages(doc, input, opts)).items;
}

/** Query input selecting one whole GSI1 partition (`GSI1PK = pk`, e.g. `USERS`, `ROOMS#public`). */
export function gsi1Partition(tableName: string, pk: string): QueryCommandInput {
  return {
    TableName: tableName,
    IndexName: GSI1,
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': pk },
  };
}

/**
 * In-code filter for list search on lowercased names (issue 17 finding 5): keeps items whose
 * GSI1SK (the lowercased name; DynamoDB refuses filter expressions on key attributes) contains
 * `term`; `undefined` (no filter) when `term` is unset.
 */
export function gsi1SkContains(term: string | null | undefined): ((item: Item) => boolean) | undefined {
  if (term === null || term === undefined || term === '') return undefined;
  return (item) => typeof item.GSI1SK === 'string' && item.GSI1SK.includes(term);
}

/**
 * Offset paging over a Query in index order (docs/protocol/http.md list endpoints): reads at most
 * `offset + limit` items (after `keep`) and returns those from `offset` on; `limit <= 0` reads
 * nothing and a negative `offset` counts as 0.
 */
export async function queryOffsetPage(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  limit: number,
  offset: number,
  keep?: (item: Item) => boolean,
): Promise<Item[]> {
  if (limit <= 0) return [];
  const skip = Math.max(0, offset);
  return (await queryAll(doc, input, { max: skip + limit, ...(keep ? { keep } : {}) })).slice(skip);
}

/** Counts the items a Query matches (`Select: COUNT`, filters included), paginating to the end. */
export async function countAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<number> {
  let count = 0;
  let lastKey: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: lastKey }));
    count += out.Count ?? 0;
    lastKey = out.LastEvaluatedKey;
  } while (lastKey !== undefined);
  return count;
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

function dedupeKeys(list: Key[]): Key[] {
  const seen = new Map<string, Key>();
  for (const k of list) seen.set(`${k.PK}\u0000${k.SK}`, { PK: k.PK, SK: k.SK });
  return [...seen.values()];
}

/**
 * BatchGetItem in chunks of 100 keys, retrying UnprocessedKeys with backoff; missing keys are
 * simply absent from the result (any order).
 * @throws DomainError `database_error` when keys stay unprocessed after {@link MAX_ATTEMPTS}
 */
export async function batchGet(
  doc: DynamoDBDocumentClient,
  tableName: string,
  list: Key[],
  consistent = true,
): Promise<Item[]> {
  const found: Item[] = [];
  for (const chunk of chunks(dedupeKeys(list), 100)) {
    let pending: Key[] = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw new DomainError('database_error');
      if (attempt > 1) await backoff(attempt);
      const out = await doc.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: consistent } } }),
      );
      found.push(...((out.Responses?.[tableName] ?? []) as Item[]));
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
    }
  }
  return found;
}

type WriteRequest =
  { DeleteRequest: { Key: Record<string, unknown> } } | { PutRequest: { Item: Record<string, unknown> } };

/**
 * Sends write requests with BatchWriteItem in chunks of 25, retrying UnprocessedItems with backoff.
 * @throws DomainError `database_error` when items stay unprocessed after {@link MAX_ATTEMPTS}
 */
async function batchWrite(
  doc: DynamoDBDocumentClient,
  tableName: string,
  requests: WriteRequest[],
): Promise<void> {
  for (const chunk of chunks(requests, 25)) {
    let pending: WriteRequest[] = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw new DomainError('database_error');
      if (attempt > 1) await backoff(attempt);
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  }
}

/**
 * Deletes keys with BatchWriteItem in chunks of 25 (see {@link batchWrite}).
 * Deleting an absent key is not an error.
 * @throws DomainError `database_error` when items stay unprocessed
 */
export async function batchDelete(
  doc: DynamoDBDocumentClient,
  tableName: string,
  list: Key[],
): Promise<void> {
  await batchWrite(
    doc,
    tableName,
    dedupeKeys(list).map((k) => ({ DeleteRequest: { Key: { PK: k.PK, SK: k.SK } } })),
  );
}

/**
 * Puts whole items with BatchWriteItem in chunks of 25 (see {@link batchWrite}); items must have
 * distinct keys. @throws DomainError `database_error` when items stay unprocessed
 */
export async function batchPut(doc: DynamoDBDocumentClient, tableName: string, items: Item[]): Promise<void> {
  await batchWrite(
    doc,
    tableName,
    items.map((Item) => ({ PutRequest: { Item } })),
  );
}
