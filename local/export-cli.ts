// `npm run export -- --room NAME --out FILE [--since T] [--until T]`: an operator's JSONL export of one room (oldest first, retention applied) with a progress bar.
import { parseCliArgs } from './cli-args.js';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { composeServices } from '../shared/compose.js';
import { exportLines } from '../shared/features/exports/index.js';
import { keys, partitions } from '../shared/features/index.js';
import { createRetentionPolicy, floorSeq } from '../shared/features/retention/index.js';
import { openCliStorage } from './cli-storage.js';
import { progressBar } from './progress.js';

const USAGE = 'usage: npm run export -- --room NAME --out FILE [--endpoint URL] [--table NAME]';
const values = parseCliArgs(
  {
    room: { type: 'string' },
    out: { type: 'string' },
    endpoint: { type: 'string' },
    table: { type: 'string' },
  },
  USAGE,
);
if (values.room === undefined || values.out === undefined) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const storage = await openCliStorage(values.endpoint, values.table);
let code = 0;
try {
  const sentinel = await storage.doc.send(
    new GetCommand({ TableName: storage.tableName, Key: keys.roomNameSentinel(values.room) }),
  );
  const roomId = sentinel.Item?.room_id as string | undefined;
  if (roomId === undefined) {
    process.stderr.write(`no room named ${values.room}\n`);
    code = 1;
  } else {
    const { repos, deps } = composeServices({
      doc: storage.doc,
      tableName: storage.tableName,
      jwtSecret: storage.settings.jwtSecret,
      retentionDefaultDays: storage.settings.LAIR_RETENTION_DEFAULT_DAYS,
      events: { publish: () => Promise.resolve() },
    });
    // Total for the bar: the partition's item count (tombstones included, so an upper bound).
    let total = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await storage.doc.send(
        new QueryCommand({
          TableName: storage.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': partitions.messages(roomId) },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      total += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    const floor = floorSeq(await createRetentionPolicy(deps).cutoffFor(roomId));
    const bar = progressBar('export');
    const file = createWriteStream(values.out, { encoding: 'utf8' });
    let n = 0;
    for await (const line of exportLines(repos.messages, roomId, floor, undefined)) {
      if (!file.write(line)) await once(file, 'drain');
      n++;
      if (n % 100 === 0) bar.update(n, total);
    }
    bar.update(n, Math.max(n, total));
    bar.stop();
    file.end();
    await once(file, 'finish');
    process.stdout.write(`exported ${n} messages of #${values.room} to ${values.out}\n`);
  }
} finally {
  await storage.close();
}
process.exit(code);
