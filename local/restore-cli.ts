// `npm run restore -- --in FILE [--force] [--endpoint URL] [--table NAME]`: a verified backup into an empty (or, with --force, any) table.
import { parseCliArgs } from './cli-args.js';
import { BackupError, restoreTable } from './table-backup.js';
import { openCliStorage } from './cli-storage.js';
import { progressBar } from './progress.js';

const USAGE = 'usage: npm run restore -- --in FILE [--force] [--writers N] [--endpoint URL] [--table NAME]';
const values = parseCliArgs(
  {
    in: { type: 'string' },
    force: { type: 'boolean', default: false },
    writers: { type: 'string', default: '8' },
    endpoint: { type: 'string' },
    table: { type: 'string' },
  },
  USAGE,
);
if (values.in === undefined) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const storage = await openCliStorage(values.endpoint, values.table);
let code = 0;
try {
  const bar = progressBar('restore');
  const started = Date.now();
  const n = await restoreTable({
    client: storage.client,
    tableName: storage.tableName,
    in: values.in,
    force: values.force,
    writers: Math.max(1, Number.parseInt(values.writers, 10) || 8),
    onProgress: (done, total) => {
      bar.update(done, total);
    },
  });
  bar.stop();
  const secs = (Date.now() - started) / 1000;
  process.stdout.write(
    `restored ${n} items into ${storage.tableName} at ${storage.where} in ${secs.toFixed(1)} s (count verified; ` +
      'relay heartbeats and connection items are not restored: the running stack writes its own)\n',
  );
} catch (err) {
  if (!(err instanceof BackupError)) throw err;
  process.stderr.write(`restore refused: ${err.message}\n`);
  code = 1;
} finally {
  await storage.close();
}
process.exit(code);
