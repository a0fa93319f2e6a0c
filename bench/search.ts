// Search + backup benchmark (`npm run bench:search`): 3-word search in one room of N messages vs one raw posting Query, index lag through the real stream poller, backup/restore items/s vs raw BatchWriteItem, one run.
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
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
    endpoint: { type: 'string' },
  },
});
const N = Number(values.messages);
const QUERIES = Number(values.queries);
const LAG = Number(values.lag);

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
const out: Record<string, unknown> = { messages: N, loadavg: loadavg() };
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

  // 1. Bulk load: message items + their postings + final term counts (what the consumer would have written).
  const t0 = Date.now();
  const counts = new Map<string, number>();
  const contents: string[] = [];
  const BATCH = 500;
  for (let i = 0; i < N; i += BATCH) {
    const items: Record<string, unknown>[] = [];
    for (let j = i; j < Math.min(N, i + BATCH); j++) {
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
      items.push(item);
      const indexed = indexedFromItem(item);
      if (indexed !== null) {
        items.push(...postingItems(indexed));
        for (const t of indexed.terms) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
    }
    await Promise.all(
      Array.from({ length: 4 }, (_, k) =>
        batchPut(
          doc,
          tableName,
          items.filter((_, x) => x % 4 === k),
        ),
      ),
    );
    if ((i / BATCH) % 20 === 0) process.stderr.write(`loaded ${i + BATCH}/${N}\n`);
  }
  await batchPut(
    doc,
    tableName,
    [...counts].map(([t, n]) => countItem(room.id, t, n)),
  );
  out.loadSeconds = (Date.now() - t0) / 1000;

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

  // 5. Backup / restore of the whole table vs raw BatchWriteItem of the same items (8 writers, same run).
  const dir = mkdtempSync(join(tmpdir(), 'lair-bench-backup-'));
  const file = join(dir, 'backup.jsonl');
  let s = Date.now();
  const items = await backupTable({ client, tableName, out: file, segments: 4 });
  out.backup = { items, itemsPerSecond: Math.round(items / ((Date.now() - s) / 1000)) };
  s = Date.now();
  await restoreTable({ client, tableName: `${tableName}-restored`, in: file, writers: 8 });
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
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} finally {
  await storage.stop();
}
