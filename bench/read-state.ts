// Read-state benchmark driver (`npm run bench:read-state`): GET /unread's service call for a user in 200 rooms vs one raw Query, sync after 1,000 changes over 100 rooms, and the send cost of the per-target head and of fan-out (docs/adr/011, docs/adr/012, docs/adr/028).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { composeServices } from '../shared/compose.js';
import type { MessageTarget } from '../shared/features/messages/index.js';
import { messageItem } from '../shared/features/messages/index.js';
import { createIdGenerator } from '../shared/platform/system.js';
import { baselineRecord, startStorage } from './lib/dynamo.js';
import { runBench } from './lib/main.js';
import { mapPool } from './lib/population.js';
import { machineInfo, type MachineInfo } from './lib/proc.js';
import { createHistogram, nowMicros, recordMicros, summarize, type LatencySummary } from './lib/stats.js';

const USAGE = `Usage: tsx bench/read-state.ts [--ops N] [--warmup N] [--rooms N] [--sync-rooms N] [--changes N] [--endpoint URL] [--out DIR]`;

interface Args {
  ops: number;
  warmup: number;
  rooms: number;
  syncRooms: number;
  changes: number;
  endpoint: string | undefined;
  outDir: string;
}

/** Everything one run measured (bench/results/<startedAt>-read-state.json). */
interface Result {
  startedAt: string;
  machine: MachineInfo;
  args: Omit<Args, 'outDir'>;
  rawQuery200: LatencySummary;
  unread200: LatencySummary;
  unreadRows: number;
  unreadRatio: number;
  /** The rounds of `receipts.unread` timed alone: the GSI1 index Query, the head reads, the mention Query. */
  profile: { indexQuery: LatencySummary; heads: LatencySummary; mentions: LatencySummary; indexRows: number };
  sync: LatencySummary;
  syncMessages: number;
  rawPut: LatencySummary;
  rawTransact2: LatencySummary;
  /** Raw TransactWriteItems of what a fan-out send to a 2-member room writes: message + head + 2 copies. */
  rawTransact4: LatencySummary;
  /** `MessageService.send` into a 2-member fan-out room (docs/adr/028). */
  send: LatencySummary;
  /** `MessageService.send` into a head-mode room (no copies). */
  sendHeadMode: LatencySummary;
  /** The same 200-room read for a reader whose rooms are all in head mode (index Query + 200 heads). */
  unreadHeadMode: LatencySummary;
  unreadHeadModeRatio: number;
}

const log = (msg: string) => process.stderr.write(`[read-state] ${msg}\n`);

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      ops: { type: 'string' },
      warmup: { type: 'string' },
      rooms: { type: 'string' },
      'sync-rooms': { type: 'string' },
      changes: { type: 'string' },
      endpoint: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const int = (name: string, raw: string | undefined, dflt: number) => {
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer\n${USAGE}`);
    return n;
  };
  return {
    ops: int('ops', values.ops, 200),
    warmup: int('warmup', values.warmup, 20),
    rooms: int('rooms', values.rooms, 200),
    syncRooms: int('sync-rooms', values['sync-rooms'], 100),
    changes: int('changes', values.changes, 1000),
    endpoint: values.endpoint ?? process.env.LAIR_DYNAMODB_ENDPOINT,
    outDir: values.out ?? 'bench/results',
  };
}

/** `warmup` untimed then `ops` timed sequential calls of `fn`. */
async function series(
  ops: number,
  warmup: number,
  fn: (i: number) => Promise<unknown>,
): Promise<LatencySummary> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const h = createHistogram();
  for (let i = 0; i < ops; i++) {
    const t0 = nowMicros();
    await fn(warmup + i);
    recordMicros(h, nowMicros() - t0);
  }
  return summarize(h);
}

async function run(args: Args, cleanup: (() => Promise<void>)[]): Promise<Result> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  log(`machine: ${machine.nproc} cores, load ${machine.loadavg.join(' ')}, node ${machine.node}`);
  const storage = await startStorage(args.endpoint);
  cleanup.push(() => storage.stop());
  const { doc } = storage.clients;
  const { tableName } = storage;
  const { services, repos } = composeServices({
    doc,
    tableName,
    jwtSecret: randomBytes(32).toString('base64'),
    events: { publish: () => Promise.resolve() },
  });
  // Same table, K = 0: every room this composition creates is in head mode (docs/adr/028).
  const headMode = composeServices({
    doc,
    tableName,
    jwtSecret: randomBytes(32).toString('base64'),
    events: { publish: () => Promise.resolve() },
    fanoutMaxMembers: 0,
  }).services;
  const tag = Date.now().toString(36);
  const reg = (name: string) =>
    services.auth.register(
      { username: `${name}${tag}`, email: `${name}${tag}@example.com`, password: 'bench-password-1' },
      'http',
    );
  const [reader, writer, syncer, headReader] = await Promise.all([reg('r'), reg('w'), reg('s'), reg('h')]);

  log(`${args.rooms} rooms with the reader, 5 messages each by another user, markers on every other room`);
  const rooms = await mapPool(
    Array.from({ length: args.rooms }, (_, i) => i),
    8,
    async (i) => {
      const room = await services.rooms.create(writer.user.id, { name: `b${tag}${i}` });
      await services.rooms.join(reader.user.id, room.id);
      if (i < args.syncRooms) await services.rooms.join(syncer.user.id, room.id);
      const target: MessageTarget = { type: 'room', room_id: room.id };
      let last = '';
      for (let k = 0; k < 5; k++) last = (await services.messages.send(writer.user.id, target, `m${k}`)).id;
      if (i % 2 === 0) await services.receipts.markRead(reader.user.id, target, last);
      return room;
    },
  );
  log(`${args.rooms} head-mode rooms (K = 0) with a second reader, same shape`);
  const headRooms = await mapPool(
    Array.from({ length: args.rooms }, (_, i) => i),
    8,
    async (i) => {
      const room = await headMode.rooms.create(writer.user.id, { name: `h${tag}${i}` });
      await headMode.rooms.join(headReader.user.id, room.id);
      const target: MessageTarget = { type: 'room', room_id: room.id };
      let last = '';
      for (let k = 0; k < 5; k++) last = (await headMode.messages.send(writer.user.id, target, `m${k}`)).id;
      if (i % 2 === 0) await headMode.receipts.markRead(headReader.user.id, target, last);
      return room;
    },
  );

  log(`raw baseline: one Query of a 200-item partition (the reader's ${args.rooms} membership rows on GSI1)`);
  const rawQuery200 = await series(args.ops, args.warmup, () =>
    doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :p)',
        ExpressionAttributeValues: { ':pk': `USER#${reader.user.id}`, ':p': 'ROOM#' },
      }),
    ),
  );
  let unreadRows = 0;
  const unread200 = await series(args.ops, args.warmup, async () => {
    unreadRows = (await services.receipts.unread(reader.user.id)).length;
  });
  const unreadHeadMode = await series(args.ops, args.warmup, () =>
    services.receipts.unread(headReader.user.id),
  );
  log('unread profile: each round alone (docs/adr/011 "Read cost")');
  const index = await repos.receipts.userIndex(reader.user.id);
  const conversations = index.rooms.map((r) => r.room_id);
  const oldest = index.markers.reduce((low, m) => (m.up_to_seq < low ? m.up_to_seq : low), '~');
  const profile = {
    indexQuery: await series(args.ops, args.warmup, () => repos.receipts.userIndex(reader.user.id)),
    heads: await series(args.ops, args.warmup, () => repos.heads.many(conversations, reader.user.id)),
    mentions: await series(args.ops, args.warmup, () =>
      repos.heads.mentionsAfter(reader.user.id, oldest, 2000),
    ),
    indexRows: index.rooms.length + index.markers.length + index.dmPeers.length,
  };

  log(`sync: ${args.changes} changes (sends, edits, reactions) over ${args.syncRooms} rooms after a token`);
  const token = (await services.sync.sync(syncer.user.id, null, 1)).next_since;
  const sent: { id: string }[] = [];
  await mapPool(
    Array.from({ length: args.changes }, (_, i) => i),
    8,
    async (i) => {
      const room = rooms[i % args.syncRooms]!;
      const kind = i % 10;
      if (kind < 6 || sent.length < 10) {
        sent.push(await services.messages.send(writer.user.id, { type: 'room', room_id: room.id }, `c${i}`));
      } else if (kind < 8) {
        await services.messages
          .edit(writer.user.id, sent[i % sent.length]!.id, `edit ${i}`)
          .catch(() => undefined);
      } else {
        await services.messages
          .react(syncer.user.id, sent[i % sent.length]!.id, '👍', true)
          .catch(() => undefined);
      }
    },
  );
  let syncMessages = 0;
  const sync = await series(Math.min(args.ops, 50), Math.min(args.warmup, 5), async () => {
    const r = await services.sync.sync(syncer.user.id, token, 50);
    syncMessages = r.targets.reduce((n, t) => n + t.messages.length, 0);
  });

  log('send cost: raw PutItem vs raw 2-item TransactWriteItems vs MessageService.send (message + head)');
  const ids = createIdGenerator();
  const rawPut = await series(args.ops, args.warmup, () =>
    doc.send(new PutCommand({ TableName: tableName, Item: messageItem(baselineRecord(32, ids)) })),
  );
  /** The send's raw transaction: the message Put, the head `ADD`, and one copy update per member in `copiesFor`. */
  const rawTransact = (copiesFor: string[]) => () => {
    const m = baselineRecord(32, ids);
    return doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: messageItem(m),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Update: {
              TableName: tableName,
              Key: { PK: `HEAD#${m.conversation}`, SK: 'HEAD' },
              UpdateExpression: 'ADD n :one',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
          ...copiesFor.map((u) => ({
            Update: {
              TableName: tableName,
              Key: { PK: `ROOM#${m.conversation}`, SK: `MEMBER#${u}` },
              UpdateExpression: 'ADD hc_n :one SET hc_last_id = :id',
              ExpressionAttributeValues: { ':one': 1, ':id': m.id },
            },
          })),
        ],
      }),
    );
  };
  const rawTransact2 = await series(args.ops, args.warmup, rawTransact([]));
  const rawTransact4 = await series(args.ops, args.warmup, rawTransact(['a', 'b']));
  const leased = {
    authorUsername: writer.user.username,
    access: { isMember: () => Promise.resolve(true), membership: () => Promise.resolve(null) },
  };
  // A room past the sync rooms: writer + reader, 2 members (2 copies per send).
  const target: MessageTarget = {
    type: 'room',
    room_id: rooms[Math.min(args.syncRooms, rooms.length - 1)]!.id,
  };
  const send = await series(args.ops, args.warmup, (i) =>
    services.messages.send(writer.user.id, target, `s${i}`, leased),
  );
  const headTarget: MessageTarget = { type: 'room', room_id: headRooms[0]!.id };
  const sendHeadMode = await series(args.ops, args.warmup, (i) =>
    services.messages.send(writer.user.id, headTarget, `s${i}`, leased),
  );
  const { outDir: _out, ...rest } = args;
  return {
    startedAt,
    machine,
    args: rest,
    rawQuery200,
    unread200,
    unreadRows,
    unreadRatio: Math.round((unread200.p50 / rawQuery200.p50) * 100) / 100,
    profile,
    sync,
    syncMessages,
    rawPut,
    rawTransact2,
    rawTransact4,
    send,
    sendHeadMode,
    unreadHeadMode,
    unreadHeadModeRatio: Math.round((unreadHeadMode.p50 / rawQuery200.p50) * 100) / 100,
  };
}

function format(r: Result): string {
  const row = (name: string, s: LatencySummary) =>
    `${name.padEnd(44)} p50 ${s.p50.toFixed(2).padStart(7)} ms  p90 ${s.p90.toFixed(2).padStart(7)}  p99 ${s.p99.toFixed(2).padStart(7)}  (n=${s.count})`;
  return [
    row('raw Query, 200 items (baseline)', r.rawQuery200),
    row(`receipts.unread, ${r.args.rooms} fan-out rooms (${r.unreadRows} rows)`, r.unread200),
    `  ratio p50 unread / raw Query: ${r.unreadRatio}x (target <= 3x)`,
    row(`  round 1: GSI1 index Query with copies (${r.profile.indexRows} rows)`, r.profile.indexQuery),
    row(`  round 2: heads of ${r.args.rooms} targets (head mode only)`, r.profile.heads),
    row('  round 2 (parallel): mention Query', r.profile.mentions),
    row(`receipts.unread, ${r.args.rooms} head-mode rooms (K = 0)`, r.unreadHeadMode),
    `  ratio p50 head-mode unread / raw Query: ${r.unreadHeadModeRatio}x`,
    row(`sync after ${r.args.changes} changes / ${r.args.syncRooms} rooms (${r.syncMessages} msgs)`, r.sync),
    `  target: p50 <= 100 ms`,
    row('raw PutItem (message item)', r.rawPut),
    row('raw TransactWriteItems (message + head)', r.rawTransact2),
    row('raw TransactWriteItems (message + head + 2 copies)', r.rawTransact4),
    row('MessageService.send, fan-out room of 2 (leased)', r.send),
    row('MessageService.send, head-mode room (leased)', r.sendHeadMode),
    '',
  ].join('\n');
}

void runBench({ log, parse, run, format, suffix: '-read-state' });
