// `npm run reindex -- [--segments N] [--endpoint URL] [--table NAME]`: backfills the search index from the stored messages (local/search-reindex.ts), with progress.
import { parseCliArgs } from './cli-args.js';
import { countItems } from './table-backup.js';
import { openCliStorage } from './cli-storage.js';
import { progressBar } from './progress.js';
import { reindexMessages } from './search-reindex.js';

const USAGE = 'usage: npm run reindex -- [--segments N] [--endpoint URL] [--table NAME]';
const values = parseCliArgs(
  {
    segments: { type: 'string', default: '4' },
    endpoint: { type: 'string' },
    table: { type: 'string' },
  },
  USAGE,
);
const storage = await openCliStorage(values.endpoint, values.table);
try {
  const started = Date.now();
  // The bar counts scanned message items against the table's item count (an upper bound).
  const total = await countItems(storage.client, storage.tableName);
  const bar = progressBar('reindex');
  const r = await reindexMessages({
    doc: storage.doc,
    tableName: storage.tableName,
    segments: Math.max(1, Number.parseInt(values.segments, 10) || 4),
    onProgress: (p) => {
      bar.update(p.scanned, total);
    },
  });
  bar.update(r.scanned, r.scanned);
  bar.stop();
  process.stdout.write(
    `reindexed ${storage.tableName} on ${storage.where}: ${r.scanned} message items scanned, ` +
      `${r.indexed} indexed now, ${r.alreadyIndexed} already indexed, in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
} finally {
  await storage.close();
}
