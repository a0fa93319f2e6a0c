// `npm run backup -- --out FILE [--segments N] [--endpoint URL] [--table NAME]`: the whole table to a verified JSONL file (docs/deploy.md).
import { parseCliArgs } from './cli-args.js';
import { backupTable, countItems } from './table-backup.js';
import { openCliStorage } from './cli-storage.js';
import { progressBar } from './progress.js';

const USAGE = 'usage: npm run backup -- --out FILE [--segments N] [--endpoint URL] [--table NAME]';
const values = parseCliArgs(
  {
    out: { type: 'string' },
    segments: { type: 'string', default: '4' },
    endpoint: { type: 'string' },
    table: { type: 'string' },
  },
  USAGE,
);
if (values.out === undefined) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const storage = await openCliStorage(values.endpoint, values.table);
try {
  const bar = progressBar('backup');
  const started = Date.now();
  const n = await backupTable({
    client: storage.client,
    tableName: storage.tableName,
    out: values.out,
    segments: Math.max(1, Number.parseInt(values.segments, 10) || 4),
    onProgress: (done, total) => {
      bar.update(done, total);
    },
  });
  bar.stop();
  const now = await countItems(storage.client, storage.tableName);
  const secs = (Date.now() - started) / 1000;
  process.stdout.write(
    `backed up ${n} items of ${storage.tableName} from ${storage.where} to ${values.out} in ${secs.toFixed(1)} s` +
      (now === n ? ' (count verified)\n' : ` (the table now has ${now}: it changed during the backup)\n`),
  );
} finally {
  await storage.close();
}
