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
import { ensureTable } from '../shared/storage/index.js';

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

/** Number of items (parallel `Select: COUNT` scans). */
export async function countItems(client: DynamoDBClient, tableName: string, segments = 4): Promise<number> {
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
 * refuses a table that has any item unless `force`; writes with `writers` parallel
 * BatchWriteItem streams of 25, retrying unprocessed items; then counts the table.
 * @returns items written
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
  const existing = await opts.client.send(
    new ScanCommand({ TableName: opts.tableName, Limit: 1, Select: 'COUNT' }),
  );
  const nonEmpty = (existing.Count ?? 0) > 0 || existing.LastEvaluatedKey !== undefined;
  if (nonEmpty && opts.force !== true)
    throw new BackupError(`table ${opts.tableName} is not empty: pass --force to restore over it`);
  const before = nonEmpty ? await countItems(opts.client, opts.tableName) : 0;
  const writers = opts.writers ?? 8;
  let done = 0;
  let batch: WriteRequest[] = [];
  const inFlight = new Set<Promise<void>>();
  const flush = (requests: WriteRequest[]): void => {
    const p = writeBatch(opts.client, opts.tableName, requests).then(() => {
      done += requests.length;
      opts.onProgress?.(done, total);
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
  };
  for await (const entry of readBackup(opts.in)) {
    if (!('item' in entry)) continue;
    batch.push({ PutRequest: { Item: entry.item } });
    if (batch.length === 25) {
      flush(batch);
      batch = [];
      if (inFlight.size >= writers) await Promise.race(inFlight);
    }
  }
  if (batch.length > 0) flush(batch);
  await Promise.all(inFlight);
  const after = await countItems(opts.client, opts.tableName);
  if (!nonEmpty && after !== total)
    throw new BackupError(`verification failed: table has ${after} items, backup ${total}`);
  if (nonEmpty && after < Math.max(before, total))
    throw new BackupError(
      `verification failed: table has ${after} items after restoring ${total} over ${before}`,
    );
  return total;
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
