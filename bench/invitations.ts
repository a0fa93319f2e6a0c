// Invitation benchmark (`npm run bench:invitations`): bulk invite of 50 vs one raw TransactWriteItems (one invitation's, and the 50 invitations' own split at 100 actions), a phase profile of the bulk, and one page of a 1,000-record list vs one raw Query, in one run.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { BatchWriteCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { composeServices } from '../shared/compose.js';
import type { Room } from '../shared/features/rooms/index.js';
import {
  bulkChunks,
  invitationRecordItem,
  slotItem,
  type Invitation,
} from '../shared/features/invitations/index.js';
import type { TransactItem } from '../shared/storage/transactions.js';
import { startStorage } from './lib/dynamo.js';
import { machineInfo, type MachineInfo } from './lib/proc.js';
import { createHistogram, nowMicros, recordMicros, summarize, type LatencySummary } from './lib/stats.js';
import { runBench } from './lib/main.js';

interface Args {
  /** Timed bulk invites (each into a fresh room). */
  reps: number;
  /** Timed raw transactions / queries / list pages. */
  ops: number;
  /** Records in the listed partition. */
  records: number;
  endpoint: string | undefined;
  outDir: string;
  label: string;
}

interface Result {
  startedAt: string;
  label: string;
  machine: MachineInfo;
  loadavg: number[];
  args: Omit<Args, 'outDir'>;
  rawTransactWrite: LatencySummary;
  bulkInvite50: LatencySummary;
  bulkRatio: number;
  /**
   * Second baseline: raw TransactWriteItems carrying the same 50 invitations' items (room check,
   * membership check, slot Put, record Put — the minimal write the bulk must do), split at 100
   * actions exactly as the bulk splits (`bulkChunks`), the transactions in parallel; timed
   * alternately with the bulk (same load).
   */
  rawTransactWrite50: LatencySummary;
  bulkRatio50: number;
  /** Median ms per phase of profiled bulks: reads (start → first transaction), writes (transactions), rest. */
  bulkPhases: { readsMs: number; writesMs: number; restMs: number; commands: Record<string, number> };
  /** The bulk's writes alone (`InvitationRepository.createMany` of 50: its TransactWriteItems). */
  bulkWrites50: LatencySummary;
  bulkWritesRatio: number;
  /** Floor: the same 100 items (50 slots + 50 records) by unconditional BatchWriteItem, 4 × 25 in parallel. */
  batchWrite100: LatencySummary;
  batchWriteRatio: number;
  rawQueryPage: LatencySummary;
  listPage: LatencySummary;
  listRatio: number;
  targets: { bulk: string; list: string };
}

type Doc = Awaited<ReturnType<typeof startStorage>>['clients']['doc'];

/**
 * Times `n` bulks with a middleware on the document client that stamps every command: reads =
 * call start → first TransactWriteItems sent, writes = first sent → last answered, rest = the
 * remainder (emits, result rows). `setup` runs untimed and returns the call to profile.
 */
async function profileBulk(
  doc: Doc,
  n: number,
  setup: () => Promise<() => Promise<void>>,
): Promise<Result['bulkPhases']> {
  let log: { name: string; t0: number; t1: number }[] | null = null;
  doc.middlewareStack.add(
    (next, context) => async (a) => {
      const entry = { name: context.commandName ?? '?', t0: performance.now(), t1: 0 };
      log?.push(entry);
      try {
        return await next(a);
      } finally {
        entry.t1 = performance.now();
      }
    },
    { step: 'initialize', name: 'benchProfile' },
  );
  const phases: { r: number; w: number; x: number }[] = [];
  const commands: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const call = await setup();
    log = [];
    const t0 = performance.now();
    await call();
    const t1 = performance.now();
    const writes = log.filter((e) => e.name.startsWith('TransactWrite'));
    const w0 = Math.min(...writes.map((e) => e.t0));
    const w1 = Math.max(...writes.map((e) => e.t1));
    phases.push({ r: w0 - t0, w: w1 - w0, x: t1 - w1 });
    if (i === 0) for (const e of log) commands[e.name] = (commands[e.name] ?? 0) + 1;
    log = null;
  }
  doc.middlewareStack.remove('benchProfile');
  const med = (xs: number[]) => Math.round(xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]! * 10) / 10;
  return {
    readsMs: med(phases.map((p) => p.r)),
    writesMs: med(phases.map((p) => p.w)),
    restMs: med(phases.map((p) => p.x)),
    commands,
  };
}

const USAGE =
  'usage: npm run bench:invitations -- [--reps 30] [--ops 300] [--records 1000] [--endpoint URL] [--out bench/results] [--label text]';

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      reps: { type: 'string', default: '30' },
      ops: { type: 'string', default: '300' },
      records: { type: 'string', default: '1000' },
      endpoint: { type: 'string' },
      out: { type: 'string', default: 'bench/results' },
      label: { type: 'string', default: '' },
    },
  });
  const int = (n: string, v: string, min: number) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < min) throw new Error(`--${n} must be an integer >= ${min}\n${USAGE}`);
    return x;
  };
  return {
    reps: int('reps', values.reps, 1),
    ops: int('ops', values.ops, 1),
    records: int('records', values.records, 50),
    endpoint: values.endpoint ?? process.env.LAIR_DYNAMODB_ENDPOINT,
    outDir: values.out,
    label: values.label,
  };
}

async function time(n: number, warmup: number, op: (i: number) => Promise<unknown>): Promise<LatencySummary> {
  for (let i = 0; i < warmup; i++) await op(i);
  const h = createHistogram();
  for (let i = 0; i < n; i++) {
    const t0 = nowMicros();
    await op(warmup + i);
    recordMicros(h, nowMicros() - t0);
  }
  return summarize(h);
}

const log = (m: string) => process.stderr.write(`[bench:invitations] ${m}\n`);

async function run(args: Args, cleanup: (() => Promise<void>)[]): Promise<Result> {
  const startedAt = new Date().toISOString();
  const storage = await startStorage(args.endpoint);
  cleanup.push(() => storage.stop());
  const { doc } = storage.clients;
  const TableName = storage.tableName;
  const c = composeServices({
    doc,
    tableName: TableName,
    jwtSecret: 'bench',
    events: { publish: () => Promise.resolve() },
  });
  const { services } = c;
  log('population: inviter, 50 invitees');
  const reg = (i: number) =>
    services.auth.register(
      {
        username: `b${i}_${randomUUID().slice(0, 6)}`,
        email: `b${i}_${randomUUID().slice(0, 6)}@bench.invalid`,
        password: 'bench-password-1',
      },
      'http',
    );
  const inviter = (await reg(0)).user;
  const invitees = (await Promise.all(Array.from({ length: 50 }, (_, i) => reg(i + 1)))).map(
    (r) => r.user.id,
  );
  const newRoom = (): Promise<Room> =>
    services.rooms.create(inviter.id, { name: `r${randomUUID().slice(0, 12)}` });
  const opts = { requireModerator: true };

  // Raw baseline: one invitation's transaction with its real items (room check, membership check,
  // slot Put with its GSI2 entry, record Put with GSI1 + GSI2) — what a single invite writes.
  log('raw TransactWriteItems');
  const rawRoom = await newRoom();
  const rawInvitation = (i: number): Invitation => ({
    id: randomUUID(),
    room_id: rawRoom.id,
    room_name: rawRoom.name,
    inviter_id: inviter.id,
    inviter_name: inviter.username,
    invitee_id: `raw-${i}-${randomUUID()}`,
    invitee_name: `raw${i}`,
    status: 'pending',
    message: null,
    created_at: new Date().toISOString(),
    expires_at: new Date(Date.now() + 7 * 24 * 3600_000).toISOString(),
    responded_at: null,
    role: 'member',
    cancelled_at: null,
    cancelled_by: null,
  });
  const rawTransactWrite = await time(args.ops, 50, (i) => {
    const inv = rawInvitation(i);
    return doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName,
              Key: { PK: `ROOM#${rawRoom.id}`, SK: 'META' },
              ConditionExpression: 'attribute_exists(PK)',
            },
          },
          {
            ConditionCheck: {
              TableName,
              Key: { PK: `ROOM#${rawRoom.id}`, SK: `MEMBER#${inv.invitee_id}` },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          { Put: { TableName, Item: slotItem(inv), ConditionExpression: 'attribute_not_exists(PK)' } },
          {
            Put: {
              TableName,
              Item: invitationRecordItem({ ...inv, history: [] }, `01RAW${String(i).padStart(21, '0')}`),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ],
      }),
    );
  });

  // The 50 invitations' own transactions, as the bulk writes them: per transaction one room
  // check, then per invitee membership check + slot Put + record Put (same conditions).
  const raw50Room = await newRoom();
  const nowSec = () => Math.floor(Date.now() / 1000);
  const raw50 = async (i: number) => {
    const invs = invitees.map((id, k) => ({
      ...rawInvitation(k),
      id: randomUUID(),
      room_id: raw50Room.id,
      invitee_id: `${id}-${i}`,
    }));
    await Promise.all(
      bulkChunks(invs.length).map((chunk) => {
        const items: TransactItem[] = [
          {
            ConditionCheck: {
              TableName,
              Key: { PK: `ROOM#${raw50Room.id}`, SK: 'META' },
              ConditionExpression: 'attribute_exists(PK)',
            },
          },
          ...chunk.flatMap((k): TransactItem[] => {
            const inv = invs[k]!;
            return [
              {
                ConditionCheck: {
                  TableName,
                  Key: { PK: `ROOM#${raw50Room.id}`, SK: `MEMBER#${inv.invitee_id}` },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              {
                Put: {
                  TableName,
                  Item: slotItem(inv),
                  ConditionExpression: 'attribute_not_exists(PK) OR #status <> :pending OR #ttl <= :nowSec',
                  ExpressionAttributeNames: { '#status': 'status', '#ttl': 'expiresAt' },
                  ExpressionAttributeValues: { ':pending': 'pending', ':nowSec': nowSec() },
                },
              },
              {
                Put: {
                  TableName,
                  Item: invitationRecordItem(
                    { ...inv, history: [{ status: 'pending', at: inv.created_at, by: inv.inviter_id }] },
                    `01R50${String(i * 100 + k).padStart(21, '0')}`,
                  ),
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
            ];
          }),
        ];
        return doc.send(new TransactWriteCommand({ TransactItems: items }));
      }),
    );
  };

  log(
    `bulk invite of 50 x ${args.reps} (fresh room each), alternating with the raw 50-invitation transactions`,
  );
  const rooms = await Promise.all(Array.from({ length: args.reps + 2 }, () => newRoom()));
  const bulk = async (i: number) => {
    const out = await services.invitations.createBulk(inviter.id, rooms[i]!.id, { userIds: invitees }, opts);
    if (out.created !== 50) throw new Error(`bulk created ${out.created}`);
  };
  const hBulk = createHistogram();
  const hRaw50 = createHistogram();
  for (let i = 0; i < 2; i++) {
    await bulk(i);
    await raw50(i);
  }
  for (let i = 2; i < args.reps + 2; i++) {
    let t0 = nowMicros();
    await bulk(i);
    recordMicros(hBulk, nowMicros() - t0);
    t0 = nowMicros();
    await raw50(i);
    recordMicros(hRaw50, nowMicros() - t0);
  }
  const bulkInvite50 = summarize(hBulk);
  const rawTransactWrite50 = summarize(hRaw50);

  log('phase profile of 5 bulks');
  const bulkPhases = await profileBulk(doc, 5, async () => {
    const room = await newRoom();
    return () => bulk2(room);
  });
  async function bulk2(room: Room) {
    await services.invitations.createBulk(inviter.id, room.id, { userIds: invitees }, opts);
  }

  // Where the bulk's time goes: its transactions alone, and the floor of writing the same items
  // without any condition or transaction (not a valid implementation: no one-pending rule).
  log(`bulk writes alone x ${args.reps}, BatchWriteItem floor x ${args.reps}`);
  const inviteesOf = (room: Room): Invitation[] =>
    invitees.map((id, k) => ({
      ...rawInvitation(k),
      id: randomUUID(),
      room_id: room.id,
      room_name: room.name,
      invitee_id: id,
    }));
  const writeRooms = await Promise.all(Array.from({ length: args.reps + 2 }, () => newRoom()));
  const bulkWrites50 = await time(args.reps, 2, async (i) => {
    const out = await c.repos.invitations.createMany(inviteesOf(writeRooms[i]!));
    if (out.some((o) => o !== null)) throw new Error('createMany refused an invitee');
  });
  const batchWrite100 = await time(args.reps, 2, async () => {
    const items = inviteesOf(rawRoom).flatMap((inv, k) => [
      { ...slotItem(inv), SK: `INVITE#${inv.id}` },
      invitationRecordItem({ ...inv, history: [] }, `01BW${String(k).padStart(22, '0')}`),
    ]);
    await Promise.all(
      [0, 25, 50, 75].map((k) =>
        doc.send(
          new BatchWriteCommand({
            RequestItems: { [TableName]: items.slice(k, k + 25).map((Item) => ({ PutRequest: { Item } })) },
          }),
        ),
      ),
    );
  });

  const have = (args.reps + 2) * 50;
  log(`list population to ${args.records} records`);
  for (let n = have; n < args.records; n += 50) {
    await services.invitations.createBulk(inviter.id, (await newRoom()).id, { userIds: invitees }, opts);
  }
  log('raw Query page vs list page');
  const rawQueryPage = await time(args.ops, 20, () =>
    doc.send(
      new QueryCommand({
        TableName,
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': `INVITER#${inviter.id}` },
        ScanIndexForward: false,
        Limit: 50,
      }),
    ),
  );
  const listPage = await time(args.ops, 20, () =>
    services.invitations.list(inviter.id, { direction: 'sent', status: 'all', limit: 50 }),
  );
  const bulkRatio = Math.round((bulkInvite50.p50 / rawTransactWrite.p50) * 100) / 100;
  const bulkRatio50 = Math.round((bulkInvite50.p50 / rawTransactWrite50.p50) * 100) / 100;
  const listRatio = Math.round((listPage.p50 / rawQueryPage.p50) * 100) / 100;
  const bulkWritesRatio = Math.round((bulkWrites50.p50 / rawTransactWrite.p50) * 100) / 100;
  const batchWriteRatio = Math.round((batchWrite100.p50 / rawTransactWrite.p50) * 100) / 100;
  return {
    startedAt,
    label: args.label,
    machine: machineInfo(),
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    args: {
      reps: args.reps,
      ops: args.ops,
      records: args.records,
      endpoint: args.endpoint,
      label: args.label,
    },
    rawTransactWrite,
    bulkInvite50,
    bulkRatio,
    rawTransactWrite50,
    bulkRatio50,
    bulkPhases,
    bulkWrites50,
    bulkWritesRatio,
    batchWrite100,
    batchWriteRatio,
    rawQueryPage,
    listPage,
    listRatio,
    targets: {
      bulk: `${bulkRatio <= 4 ? 'met' : 'MISSED'} vs one invitation's transaction; ${
        bulkRatio50 <= 4 ? 'met' : 'MISSED'
      } vs the 50 invitations' transactions (≤ 4×)`,
      list: listRatio <= 1.5 ? 'met (≤ 1.5×)' : 'MISSED (> 1.5×)',
    },
  };
}

function format(r: Result): string {
  const row = (name: string, s: LatencySummary) =>
    `${name.padEnd(34)} p50 ${s.p50.toFixed(2).padStart(8)} ms  p90 ${s.p90.toFixed(2).padStart(8)} ms  p99 ${s.p99.toFixed(2).padStart(8)} ms  n=${s.count}`;
  return [
    `Invitations bench ${r.startedAt} (load ${r.loadavg.join(' ')})`,
    row('raw TransactWriteItems (1 invite)', r.rawTransactWrite),
    row('bulk invite of 50', r.bulkInvite50),
    `  ratio p50 ${r.bulkRatio}× vs one invitation's TransactWriteItems`,
    row('raw TWI of the 50 invitations', r.rawTransactWrite50),
    `  ratio p50 ${r.bulkRatio50}× vs the 50 invitations' own TransactWriteItems`,
    `  target ≤ 4×: ${r.targets.bulk}`,
    `  bulk phases (median of 5): reads ${r.bulkPhases.readsMs} ms, transactions ${r.bulkPhases.writesMs} ms, rest ${r.bulkPhases.restMs} ms; commands ${JSON.stringify(r.bulkPhases.commands)}`,
    row('  of which its transactions', r.bulkWrites50),
    `  ratio p50 ${r.bulkWritesRatio}×`,
    row('  floor: same 100 items, BatchWrite', r.batchWrite100),
    `  ratio p50 ${r.batchWriteRatio}×`,
    row('raw Query (GSI2, Limit 50)', r.rawQueryPage),
    row(`list page (50 of ${r.args.records})`, r.listPage),
    `  ratio p50 ${r.listRatio}×  target ≤ 1.5×: ${r.targets.list}`,
    '',
  ].join('\n');
}

await runBench<Args, Result>({ log, parse, run, format, suffix: '-invitations' });
