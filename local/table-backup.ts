// Whole-table backup and restore as JSONL (header, one DynamoDB-JSON item per line, trailer with count + SHA-256): parallel Scan segments, parallel BatchWriteItem, counts verified (docs/protocol/extensions.md §5).
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import {
  BatchWriteItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { partitions } from '../shared/features/index.js';
import { ensureTable } from '../shared/storage/index.js';

/**
 * Items that describe running processes, not data: relay heartbeats (`RELAYS`), relay stats
 * reports (`RELAYSTATS`) and connection items (`USER#…`/`CONN#…`, shared/features/presence/store.ts).
 * The stack rewrites them while it runs and their TTL removes them, so a restore neither counts them
 * as "the table is not empty" nor writes back the old ones (they would name relays that are gone).
 */
export function isEphemeralItem(item: Record<string, AttributeValue>): boolean {
  const pk = item.PK?.S ?? '';
  return pk === partitions.relays || pk === partitions.relayStats || (item.SK?.S ?? '').startsWith('CONN#');
}

/** First line of a backup file. */
export interface BackupHeader {
  format: 'lair-chat-backup';
  version: 1;
  table: string;
  created_at: string;
}

/** Last line of a backup file: its absence means the file is truncated. */
export interface BackupTrailer {
  trailer: true;
  items: number;
  /** Hex SHA-256 over the item lines (UTF-8, each followed by `\n`), in file order. */
  sha256: string;
}

/** Progress callback: items done so far (of `total` when known). */
export type Progress = (done: number, total?: number) => void;

/** A backup or restore that cannot go on; nothing was written to the table when thrown before the write phase. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

type RawItem = Record<string, AttributeValue>;

/**
 * Scans the whole table with `segments` parallel Scan segments (AWS "Parallel scan") and writes
 * the file: header, one DynamoDB JSON item per line, trailer. Strongly consistent reads.
 * @returns items written
 */
export async function backupTable(opts: {
  client: DynamoDBClient;
  tableName: string;
  out: string;
  segments?: number;
  onProgress?: Progress;
}): Promise<number> {
  const segments = opts.segments ?? 4;
  const file = createWriteStream(opts.out, { encoding: 'utf8' });
  const hash = createHash('sha256');
  let count = 0;
  const write = async (line: string): Promise<void> => {
    if (!file.write(line)) await once(file, 'drain');
  };
  const header: BackupHeader = {
    format: 'lair-chat-backup',
    version: 1,
    table: opts.tableName,
    created_at: new Date().toISOString(),
  };
  await write(`${JSON.stringify(header)}\n`);
  const total = await countItems(opts.client, opts.tableName, segments).catch(() => undefined);
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let start: RawItem | undefined;
      do {
        const out = await opts.client.send(
          new ScanCommand({
            TableName: opts.tableName,
            Segment: segment,
            TotalSegments: segments,
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        start = out.LastEvaluatedKey;
        for (const item of out.Items ?? []) {
          const line = `${JSON.stringify(item)}\n`;
          hash.update(line);
          count++;
          await write(line);
        }
        opts.onProgress?.(count, total);
      } while (start !== undefined);
    }),
  );
  const trailer: BackupTrailer = { trailer: true, items: count, sha256: hash.digest('hex') };
  await write(`${JSON.stringify(trailer)}\n`);
  file.end();
  await once(file, 'finish');
  return count;
}

/** Scan filter that leaves out the ephemeral items (isEphemeralItem), for data-only counts. */
const DATA_ONLY = {
  FilterExpression: 'NOT (PK IN (:relays, :relayStats)) AND NOT begins_with(SK, :conn)',
  ExpressionAttributeValues: {
    ':relays': { S: partitions.relays },
    ':relayStats': { S: partitions.relayStats },
    ':conn': { S: 'CONN#' },
  },
};

/** Number of items (parallel `Select: COUNT` scans); with `dataOnly`, ephemeral items are not counted. */
export async function countItems(
  client: DynamoDBClient,
  tableName: string,
  segments = 4,
  dataOnly = false,
): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let n = 0;
      let start: RawItem | undefined;
      do {
        const out = await client.send(
          new ScanCommand({
            TableName: tableName,
            Segment: segment,
            TotalSegments: segments,
            Select: 'COUNT',
            ConsistentRead: true,
            ...(dataOnly ? DATA_ONLY : {}),
            ExclusiveStartKey: start,
          }),
        );
        n += out.Count ?? 0;
        start = out.LastEvaluatedKey;
      } while (start !== undefined);
      return n;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Reads a backup file line by line: header, items, trailer. @throws BackupError for any malformed line */
async function* readBackup(
  path: string,
): AsyncGenerator<{ header: BackupHeader } | { item: RawItem; line: string } | { trailer: BackupTrailer }> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new BackupError(`line ${n}: not JSON (truncated or corrupt file)`);
    }
    if (n === 1) {
      const h = parsed as Partial<BackupHeader>;
      if (h.format !== 'lair-chat-backup' || h.version !== 1)
        throw new BackupError('not a lair-chat backup (header)');
      yield { header: h as BackupHeader };
    } else if ((parsed as { trailer?: unknown }).trailer === true) {
      yield { trailer: parsed as BackupTrailer };
    } else if (parsed !== null && typeof parsed === 'object') {
      yield { item: parsed as RawItem, line };
    } else throw new BackupError(`line ${n}: not an item`);
  }
}

/**
 * Checks a backup file end to end before anything is written: header, every line JSON, a trailer
 * last whose count and SHA-256 match the items. @returns the item count
 * @throws BackupError for a truncated or altered file
 */
export async function verifyBackup(path: string): Promise<number> {
  const hash = createHash('sha256');
  let count = 0;
  let trailer: BackupTrailer | undefined;
  let header = false;
  for await (const entry of readBackup(path)) {
    if ('header' in entry) header = true;
    else if ('trailer' in entry) {
      if (trailer !== undefined) throw new BackupError('two trailers');
      trailer = entry.trailer;
    } else {
      if (trailer !== undefined) throw new BackupError('items after the trailer');
      hash.update(`${entry.line}\n`);
      count++;
    }
  }
  if (!header) throw new BackupError('empty file');
  if (trailer === undefined) throw new BackupError(`truncated: no trailer after ${count} items`);
  if (trailer.items !== count)
    throw new BackupError(`count mismatch: trailer says ${trailer.items}, file has ${count}`);
  if (trailer.sha256 !== hash.digest('hex')) throw new BackupError('checksum mismatch');
  return count;
}

/**
 * Restores a verified backup into `tableName` (created with TTL and stream when missing):
 * refuses a table that holds any data (ephemeral items aside, isEphemeralItem) unless `force`;
 * skips the backup's ephemeral items; writes with `writers` parallel BatchWriteItem streams of
 * 25, retrying unprocessed items; then counts the table's non-ephemeral items.
 * @returns items written (the backup's items minus its ephemeral ones)
 * @throws BackupError for a bad file (nothing written), a non-empty table without `force`, or a
 *   count that does not match after the write
 */
export async function restoreTable(opts: {
  client: DynamoDBClient;
  tableName: string;
  in: string;
  force?: boolean;
  writers?: number;
  onProgress?: Progress;
}): Promise<number> {
  const total = await verifyBackup(opts.in);
  await ensureTable(opts.client, opts.tableName);
  const nonEmpty = await holdsData(opts.client, opts.tableName);
  if (nonEmpty && opts.force !== true)
    throw new BackupError(`table ${opts.tableName} is not empty: pass --force to restore over it`);
  const before = nonEmpty ? await countItems(opts.client, opts.tableName, 4, true) : 0;
  const writers = opts.writers ?? 8;
  let done = 0;
  let batch: WriteRequest[] = [];
  const inFlight = new Set<Promise<void>>();
  const flush = (requests: WriteRequest[]): void => {
    const p = writeBatch(opts.client, opts.tableName, requests).then(() => {
      done += requests.length;
      opts.onProgress?.(done + skipped, total);
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
  };
  let skipped = 0;
  for await (const entry of readBackup(opts.in)) {
    if (!('item' in entry)) continue;
    if (isEphemeralItem(entry.item)) {
      skipped++;
      continue;
    }
    batch.push({ PutRequest: { Item: entry.item } });
    if (batch.length === 25) {
      flush(batch);
      batch = [];
      if (inFlight.size >= writers) await Promise.race(inFlight);
    }
  }
  if (batch.length > 0) flush(batch);
  await Promise.all(inFlight);
  const written = total - skipped;
  const after = await countItems(opts.client, opts.tableName, 4, true);
  if (!nonEmpty && after !== written)
    throw new BackupError(`verification failed: table has ${after} items, backup ${written}`);
  if (nonEmpty && after < Math.max(before, written))
    throw new BackupError(
      `verification failed: table has ${after} items after restoring ${written} over ${before}`,
    );
  return written;
}

/** Whether the table holds any item that is not ephemeral (isEphemeralItem): pages until one is found. */
async function holdsData(client: DynamoDBClient, tableName: string): Promise<boolean> {
  let start: RawItem | undefined;
  do {
    const out = await client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    if ((out.Items ?? []).some((item) => !isEphemeralItem(item))) return true;
    start = out.LastEvaluatedKey;
  } while (start !== undefined);
  return false;
}

async function writeBatch(
  client: DynamoDBClient,
  tableName: string,
  requests: WriteRequest[],
): Promise<void> {
  let pending = requests;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > 10) throw new BackupError('BatchWriteItem kept returning unprocessed items');
    if (attempt > 1) await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
    pending = out.UnprocessedItems?.[tableName] ?? [];
  }
}
