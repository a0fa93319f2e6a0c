// Search + backup benchmark (`npm run bench:search`): 3-word search in one room of N messages vs one raw posting Query, index lag through the real stream poller, backup/restore items/s vs raw BatchWriteItem, one run.
import { mkdtempSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BatchWriteItemCommand, UpdateTableCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createStreamHandler } from '../lambdas/streams/handler.js';
import { startStreamPoller } from '../local/stream-poller.js';
import { backupTable, restoreTable } from '../local/table-backup.js';
import { composeServices } from '../shared/compose.js';
import { freshLifecycle, messageItem, type MessageRecord } from '../shared/features/messages/index.js';
import { countItem, indexedFromItem, postingItems, termsOf } from '../shared/features/search/index.js';
import { toTimestamp } from '../shared/kernel/time.js';
import { createIdGenerator } from '../shared/platform/system.js';
import { createLogger } from '../shared/platform/logger.js';
import { batchPut } from '../shared/storage/operations.js';
import { ensureTable } from '../shared/storage/index.js';
import { startStorage } from './lib/dynamo.js';
import { createHistogram, nowMicros, recordMicros, summarize } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '300' },
    lag: { type: 'string', default: '50' },
    writers: { type: 'string', default: '8' },
    'skip-backup': { type: 'boolean', default: false },
    endpoint: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
  },
});
const N = Number(values.messages);
const QUERIES = Number(values.queries);
const LAG = Number(values.lag);
const WRITERS = Number(values.writers);

// A 3000-word vocabulary, 10 words a message, Zipf-like (word i drawn with weight 1/(i+10)).
const VOCAB = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}x`);
const weights = VOCAB.map((_, i) => 1 / (i + 10));
const cum: number[] = [];
weights.reduce((a, w, i) => (cum[i] = a + w), 0);
const totalW = cum.at(-1) ?? 1;
const word = (): string => {
  const r = Math.random() * totalW;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cum[mid] ?? 0) < r) lo = mid + 1;
    else hi = mid;
  }
  return VOCAB[lo] ?? 'w0x';
};
const sentence = (): string => Array.from({ length: 10 }, word).join(' ');

const storage = await startStorage(values.endpoint);
const { doc, client } = storage.clients;
const tableName = storage.tableName;
const logger = createLogger('silent', 'bench');
const ids = createIdGenerator();
const comp = composeServices({
  doc,
  tableName,
  jwtSecret: 'bench-secret',
  events: { publish: () => Promise.resolve() },
});
const { services } = comp;
const out: Record<string, unknown> & { loadedItems?: number; loadSeconds?: number } = {
  startedAt: new Date().toISOString(),
  messages: N,
  writers: WRITERS,
  loadavg: loadavg(),
};

/** Turns the table's stream off/on (UpdateTable); false when the endpoint refuses (then it stays on). */
async function setStream(enabled: boolean): Promise<boolean> {
  try {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: enabled
          ? { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' }
          : { StreamEnabled: false },
      }),
    );
    return true;
  } catch (err) {
    process.stderr.write(`[search] stream ${enabled ? 'on' : 'off'} refused: ${String(err)}\n`);
    return false;
  }
}
try {
  const alice = await services.auth.register(
    {
      username: `alice${Date.now() % 1e6}`,
      email: `a${Date.now()}@example.com`,
      password: 'correct horse battery',
    },
    'http',
  );
  const room = await services.rooms.create(alice.user.id, { name: `bench-${Date.now()}` });

  // 1. Bulk load, bypassing the service and the stream: each message item plus the posting items
  // the stream consumer would write for it (the same postingItems/indexedFromItem it uses), then
  // the final term counters. BatchWriteItems of 25 with WRITERS in flight, fed continuously.
  const t0 = Date.now();
  const counts = new Map<string, number>();
  const contents: string[] = [];
  const buildMessage = (j: number): Record<string, unknown>[] => {
    const at = t0 - (N - j) * 1000;
    const content = sentence();
    contents.push(content);
    const record: MessageRecord = {
      ...freshLifecycle(toTimestamp(at)),
      id: ids.uuid(),
      author: alice.user.id,
      target: { type: 'room', room_id: room.id },
      content,
      edited: false,
      created_at: toTimestamp(at),
      seq: ids.ulid(at),
      conversation: room.id,
      version: 1,
    };
    const item = messageItem(record);
    const indexed = indexedFromItem(item);
    if (indexed === null) return [item];
    for (const t of indexed.terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    return [item, ...postingItems(indexed)];
  };
  // DynamoDB Local also writes every item into the table's stream; nothing consumes it during the
  // load (the poller starts afterwards at LATEST), so the stream is off while loading if Local allows.
  const streamOff = await setStream(false);
  let built = 0;
  let written = 0;
  const buffer: Record<string, unknown>[] = [];
  const nextBatch = (): Record<string, unknown>[] | null => {
    while (buffer.length < 25 && built < N) buffer.push(...buildMessage(built++));
    return buffer.length === 0 ? null : buffer.splice(0, 25);
  };
  let lastLog = Date.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let batch = nextBatch(); batch !== null; batch = nextBatch()) {
        await batchPut(doc, tableName, batch);
        written += batch.length;
        if (Date.now() - lastLog >= 5000) {
          lastLog = Date.now();
          const secs = (lastLog - t0) / 1000;
          const rate = built / secs;
          process.stderr.write(
            `[search] loaded ${built}/${N} messages (${written} items, ${Math.round(written / secs)} items/s, ${Math.round(rate)} msg/s, ETA ${Math.round((N - built) / rate)} s)\n`,
          );
        }
      }
    }),
  );
  await batchPut(
    doc,
    tableName,
    [...counts].map(([t, n]) => countItem(room.id, t, n)),
  );
  if (streamOff) await setStream(true);
  out.loadSeconds = (Date.now() - t0) / 1000;
  out.loadedItems = written + counts.size;
  out.loadItemsPerSecond = Math.round(out.loadedItems / out.loadSeconds);
  out.streamOffDuringLoad = streamOff;
  process.stderr.write(
    `[search] loaded ${N} messages, ${String(out.loadedItems)} items in ${String(out.loadSeconds)} s\n`,
  );

  const log = (msg: string) =>
    process.stderr.write(`[search] ${((Date.now() - t0) / 1000).toFixed(1)} s: ${msg}\n`);
  log('raw posting Query baseline');
  // 2. Raw baseline: one Query of 20 postings of a mid-frequency term.
  const raw = createHistogram();
  const mid = VOCAB[300] ?? 'w0x';
  for (let i = 0; i < QUERIES; i++) {
    const s = nowMicros();
    await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `SIDX#${room.id}#${mid}` },
        Limit: 20,
        ScanIndexForward: false,
      }),
    );
    recordMicros(raw, nowMicros() - s);
  }
  out.rawQuery = summarize(raw);

  log('3-word searches');
  // 3. Search: 3 words taken from a random loaded message (≥ 1 hit), limit 20.
  const search = createHistogram();
  let hits = 0;
  for (let i = 0; i < QUERIES + 20; i++) {
    const words = termsOf(contents[Math.floor(Math.random() * contents.length)] ?? '')
      .sort(() => Math.random() - 0.5)
      .slice(0, 3);
    const s = nowMicros();
    const page = await services.search.search(
      alice.user.id,
      words.join(' '),
      { room_id: room.id },
      { limit: 20 },
    );
    if (i >= 20) recordMicros(search, nowMicros() - s);
    hits += page.results.length;
  }
  out.search3Words = summarize(search);
  out.meanHits = hits / (QUERIES + 20);

  log(`index lag: ${LAG} sends through the service and the stream poller`);
  // 4. Index lag: send through the service, poll search until the hit appears (real poller, default 1 s rounds as npm start).
  const handler = createStreamHandler({ logger, deps: () => Promise.resolve(comp) });
  const poller = await startStreamPoller({
    endpoint: storage.endpoint,
    region: 'us-east-1',
    tableName,
    handler,
    logger,
  });
  const lag = createHistogram();
  for (let i = 0; i < LAG; i++) {
    const unique = `lag${i}q${Math.random().toString(36).slice(2, 8)}`;
    const s = nowMicros();
    await services.messages.send(alice.user.id, { type: 'room', room_id: room.id }, `${unique} arrives`);
    for (;;) {
      const p = await services.search.search(alice.user.id, unique, { room_id: room.id });
      if (p.results.length > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    recordMicros(lag, nowMicros() - s);
  }
  await poller.stop();
  out.indexLag = summarize(lag);

  if (!values['skip-backup']) {
    // The search numbers first: the backup phase is long on DynamoDB Local.
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    log('backup / restore / raw BatchWriteItem');
    let lastProgress = 0;
    const progress = (what: string) => (done: number, total?: number) => {
      if (Date.now() - lastProgress < 5000) return;
      lastProgress = Date.now();
      log(`${what}: ${done}/${total ?? '?'} items`);
    };
    // 5. Backup / restore of the whole table vs raw BatchWriteItem of the same items (8 writers, same run).
    const dir = mkdtempSync(join(tmpdir(), 'lair-bench-backup-'));
    const file = join(dir, 'backup.jsonl');
    let s = Date.now();
    const items = await backupTable({
      client,
      tableName,
      out: file,
      segments: 4,
      onProgress: progress('backup'),
    });
    log(`backup done`);
    out.backup = { items, itemsPerSecond: Math.round(items / ((Date.now() - s) / 1000)) };
    s = Date.now();
    await restoreTable({
      client,
      tableName: `${tableName}-restored`,
      in: file,
      writers: 8,
      onProgress: progress('restore'),
    });
    log(`restore done`);
    out.restore = { items, itemsPerSecond: Math.round(items / ((Date.now() - s) / 1000)) };
    // Raw: the first `items` message-shaped items, 25 per BatchWriteItem, 8 in flight, no file, no verification.
    const rawTable = `${tableName}-raw`;
    await ensureTable(client, rawTable);
    const requests: WriteRequest[] = Array.from({ length: items }, (_, i) => ({
      PutRequest: {
        Item: marshall({ PK: `RAW#${i % 1000}`, SK: String(i), entity: 'raw', content: sentence() }),
      },
    }));
    s = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < requests.length) {
          let pending = requests.slice(next, next + 25);
          next += 25;
          while (pending.length > 0) {
            const r = await client.send(new BatchWriteItemCommand({ RequestItems: { [rawTable]: pending } }));
            pending = r.UnprocessedItems?.[rawTable] ?? [];
          }
        }
      }),
    );
    out.rawBatchWrite = { items, itemsPerSecond: Math.round(items / ((Date.now() - s) / 1000)) };
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  await mkdir(values.out, { recursive: true });
  const file = join(values.out, `${String(out.startedAt).replace(/[:.]/g, '-')}-search.json`);
  await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
  process.stderr.write(`[search] result written to ${file}\n`);
} finally {
  await storage.stop();
}
