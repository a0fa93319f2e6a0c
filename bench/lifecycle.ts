// Message lifecycle benchmark (`npm run bench:lifecycle`): add_reaction round trip vs raw UpdateItem, and relay DynamoDB calls per plain send_message, one run.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { LairRequestError, type LairTcpClient } from '../client/sdk/index.js';
import { ClientPool, DeliveryRecorder } from './lib/clients.js';
import {
  createBaselineMessages,
  reactionBaselines,
  startStorage,
  updateItemBaseline,
  type ReactionBaselines,
} from './lib/dynamo.js';
import { populate } from './lib/population.js';
import { cpuSeconds, machineInfo, type MachineInfo } from './lib/proc.js';
import { spawnRelay, type RelayProcess } from './lib/relay-process.js';
import type { CallStats } from './lib/relay-probe.js';
import { createHistogram, nowMicros, recordMicros, summarize, type LatencySummary } from './lib/stats.js';
import { runBench } from './lib/main.js';

/** Flags of this benchmark. */
interface LifecycleArgs {
  /** TCP clients, one user each, all members of one room. */
  clients: number;
  /** Timed sequential `add_reaction`s (and timed calls of every raw baseline series). */
  ops: number;
  /** Untimed calls before each series. */
  warmup: number;
  /** Plain `send_message`s whose relay DynamoDB calls are counted. */
  sends: number;
  contentBytes: number;
  endpoint: string | undefined;
  outDir: string;
  label: string;
}

const USAGE = `usage: npm run bench:lifecycle -- [--clients 10] [--ops 1000] [--warmup 100] [--sends 300]
  [--content-bytes 128] [--endpoint http://127.0.0.1:8000] [--out bench/results] [--label text]`;

function parseLifecycleArgs(argv: string[]): LifecycleArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      clients: { type: 'string', default: '10' },
      ops: { type: 'string', default: '1000' },
      warmup: { type: 'string', default: '100' },
      sends: { type: 'string', default: '300' },
      'content-bytes': { type: 'string', default: '128' },
      endpoint: { type: 'string' },
      out: { type: 'string', default: 'bench/results' },
      label: { type: 'string', default: '' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(USAGE);
  const int = (name: string, raw: string, min: number): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}\n${USAGE}`);
    return n;
  };
  return {
    clients: int('clients', values.clients, 2),
    ops: int('ops', values.ops, 1),
    warmup: int('warmup', values.warmup, 0),
    sends: int('sends', values.sends, 1),
    contentBytes: int('content-bytes', values['content-bytes'], 32),
    endpoint: values.endpoint ?? process.env.LAIR_DYNAMODB_ENDPOINT,
    outDir: values.out,
    label: values.label,
  };
}

/** Relay DynamoDB calls per operation, by probe label (`Query:MSG@GSI1`, `Put:message` …). */
type CallsPerOp = Record<string, { perOp: number; meanMs: number; errors: number }>;

/** DynamoDB API names of the probe's operation prefixes. */
const API: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactWrite: 'TransactWriteItems',
  TransactGet: 'TransactGetItems',
};

const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d;

function perOp(calls: CallStats, ops: number): { byLabel: CallsPerOp; byCommand: Record<string, number> } {
  const byLabel: CallsPerOp = {};
  const byCommand: Record<string, number> = {};
  for (const [label, s] of Object.entries(calls)) {
    byLabel[label] = { perOp: round(s.count / ops), meanMs: round(s.totalMs / s.count), errors: s.errors };
    const prefix = label.split(/[:\s]/)[0] ?? label;
    const api = API[prefix] ?? prefix;
    byCommand[api] = round((byCommand[api] ?? 0) + s.count / ops);
  }
  return { byLabel, byCommand };
}

/** CPU milliseconds per operation of the relay, the bench and DynamoDB Local over one phase. */
interface CpuPerOp {
  relay: number;
  bench: number;
  dynamodbLocal: number | null;
}

/** Takes a CPU reading now; the returned function gives ms of CPU per op since then. */
function cpuMeter(relay: RelayProcess, javaPid: number | undefined): (ops: number) => CpuPerOp {
  const relay0 = relay.cpuSeconds();
  const bench0 = process.cpuUsage();
  const java0 = cpuSeconds(javaPid ?? -1);
  return (ops) => {
    const bench = process.cpuUsage(bench0);
    const java = cpuSeconds(javaPid ?? -1) - java0;
    return {
      relay: round(((relay.cpuSeconds() - relay0) * 1000) / ops),
      bench: round((bench.user + bench.system) / 1000 / ops),
      dynamodbLocal: Number.isNaN(java) ? null : round((java * 1000) / ops),
    };
  };
}

/** Everything one run measured (bench/results/<startedAt>-lifecycle.json). */
interface LifecycleResult {
  startedAt: string;
  label: string;
  command: string;
  args: LifecycleArgs;
  machine: MachineInfo;
  loadavgEnd: number[];
  /** HEAD and the uncommitted files of the tree that ran (other engineers work in it). */
  git: { commit: string; dirty: string[] };
  /** Raw DynamoDB series from the bench process, relay running with no client, before the TCP phases. */
  baselines: ReactionBaselines;
  /** The raw UpdateItem series again on fresh items after the TCP phases (drift of DynamoDB Local). */
  updateItemAfter: LatencySummary;
  addReaction: {
    messages: number;
    /** Timed round trips: all, first reactor of the emoji on that message, joining an existing emoji. */
    all: LatencySummary;
    firstReactor: LatencySummary;
    joinReactor: LatencySummary;
    errors: Record<string, number>;
    /** Responses whose count for the emoji was not the expected one (a write that did not happen). */
    countMismatches: number;
    relayCalls: CallsPerOp;
    relayCallsByCommand: Record<string, number>;
    cpuMsPerOp: CpuPerOp;
    /** `reaction_added` events received by all clients (lair.messages) vs ops x members. */
    events: { expected: number; received: number };
  };
  sendMessage: {
    sends: number;
    ack: LatencySummary;
    errors: Record<string, number>;
    relayCalls: CallsPerOp;
    relayCallsByCommand: Record<string, number>;
    cpuMsPerOp: CpuPerOp;
  };
  ratios: {
    addReactionP50OverUpdateItemP50: number;
    addReactionP50OverUpdateItemAfterP50: number;
    addReactionP50OverQueryThenUpdateP50: number;
  };
  target: { name: string; value: number; limit: string; pass: boolean };
}

const log = (msg: string): void => {
  process.stderr.write(`[bench:lifecycle ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

function gitState(): { commit: string; dirty: string[] } {
  const git = (...a: string[]): string => {
    try {
      return execFileSync('git', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return '';
    }
  };
  return {
    commit: git('rev-parse', 'HEAD').trim(),
    dirty: git('status', '--porcelain')
      .split('\n')
      .filter((l) => l.trim() !== ''),
  };
}

const errorCode = (err: unknown): string =>
  err instanceof LairRequestError ? err.code : err instanceof Error ? err.name : 'unknown';

async function run(args: LifecycleArgs, cleanup: (() => Promise<void>)[]): Promise<LifecycleResult> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const git = gitState();
  log(`machine: ${machine.nproc} cores, load ${machine.loadavg.join(' ')}, node ${machine.node}`);
  const runId = Date.now().toString(36);
  const jwtSecret = randomBytes(32).toString('base64');

  log(args.endpoint ? `using DynamoDB at ${args.endpoint}` : 'starting DynamoDB Local (in memory)');
  const storage = await startStorage(args.endpoint);
  cleanup.push(() => storage.stop());
  const { doc } = storage.clients;

  log(`creating ${args.clients} users in one room in ${storage.tableName}`);
  const pop = await populate(doc, storage.tableName, jwtSecret, {
    clients: args.clients,
    roomSize: args.clients,
    runId,
  });
  const room = pop.rooms[0];
  if (room === undefined || pop.rooms.length !== 1) throw new Error('expected exactly one room');

  const relay = await spawnRelay({ endpoint: storage.endpoint, tableName: storage.tableName, jwtSecret });
  cleanup.push(() => relay.stop());
  log(`relay pid ${relay.pid} listening on ${relay.port}`);

  // Before the clients connect, so their 30 s session leases (docs/adr/005) start right before the TCP phases.
  log(`raw baselines: ${args.warmup} + ${args.ops} sequential calls per series, each on its own item`);
  const baselines = await reactionBaselines(doc, storage.tableName, {
    contentBytes: args.contentBytes,
    ops: args.ops,
    warmup: args.warmup,
  });

  const recorder = new DeliveryRecorder();
  const pool = new ClientPool(relay.port, recorder, {
    encryption: false,
    concurrency: args.clients,
    features: ['lair.messages'],
  });
  cleanup.push(async () => {
    await relay.stop(3000);
    pool.close();
  });
  log(`connecting ${args.clients} clients (features lair.messages)`);
  await pool.connect(pop.users);
  const client = (u: number): LairTcpClient => pool.clients[u] as LairTcpClient;

  // Op i reacts to message i % M as user floor(i / M) with 👍 (even users) or 🎉 (odd users):
  // every (message, user, emoji) once, so every op writes; users 0 and 1 are first reactors.
  const total = args.warmup + args.ops;
  const messageCount = Math.ceil(total / args.clients);
  log(`sending ${messageCount} messages into the room (round robin over the clients)`);
  const messageIds: string[] = [];
  for (let j = 0; j < messageCount; j++) {
    const res = await client(j % args.clients).call({
      type: 'send_message',
      target: { type: 'room', room_id: room.id },
      content: `lifecycle target ${j}`.padEnd(args.contentBytes, '.'),
    });
    if (res.message === undefined) throw new Error('send_message_response without message');
    messageIds.push(res.message.id);
  }

  const all = createHistogram();
  const first = createHistogram();
  const join = createHistogram();
  const errors: Record<string, number> = {};
  let countMismatches = 0;
  const events0 = pool.eventsByType.get('reaction_added') ?? 0;
  const react = async (i: number, timed: boolean): Promise<void> => {
    const user = Math.floor(i / messageCount);
    const emoji = user % 2 === 0 ? '👍' : '🎉';
    const t0 = nowMicros();
    try {
      const res = await client(user).call({
        type: 'add_reaction',
        message_id: messageIds[i % messageCount] as string,
        emoji,
      });
      const elapsed = nowMicros() - t0;
      const count = res.message?.reactions.find((r) => r.emoji === emoji)?.count;
      if (count !== Math.floor(user / 2) + 1) countMismatches += 1;
      if (!timed) return;
      recordMicros(all, elapsed);
      recordMicros(user < 2 ? first : join, elapsed);
    } catch (err) {
      const code = errorCode(err);
      errors[code] = (errors[code] ?? 0) + 1;
    }
  };
  log(`add_reaction: ${args.warmup} warm-up, then ${args.ops} timed, sequential`);
  for (let i = 0; i < args.warmup; i++) await react(i, false);
  await relay.calls(true);
  let cpu = cpuMeter(relay, storage.javaPid);
  for (let i = args.warmup; i < total; i++) await react(i, true);
  const reactCpu = cpu(args.ops);
  const reactCalls = perOp(await relay.calls(true), args.ops);
  const expectedEvents = total * args.clients;
  for (let waited = 0; waited < 5000; waited += 50) {
    if ((pool.eventsByType.get('reaction_added') ?? 0) - events0 >= expectedEvents) break;
    await sleep(50);
  }
  const receivedEvents = (pool.eventsByType.get('reaction_added') ?? 0) - events0;

  log(`send_message: ${args.sends} sequential plain sends (no reply_to, no '@'), relay calls counted`);
  const ack = createHistogram();
  const sendErrors: Record<string, number> = {};
  await relay.calls(true);
  cpu = cpuMeter(relay, storage.javaPid);
  for (let i = 0; i < args.sends; i++) {
    const content = `lifecycle plain send ${i}`.padEnd(args.contentBytes, '.');
    const t0 = nowMicros();
    try {
      await client(i % args.clients).call({
        type: 'send_message',
        target: { type: 'room', room_id: room.id },
        content,
      });
      recordMicros(ack, nowMicros() - t0);
    } catch (err) {
      const code = errorCode(err);
      sendErrors[code] = (sendErrors[code] ?? 0) + 1;
    }
  }
  const sendCpu = cpu(args.sends);
  const sendCalls = perOp(await relay.calls(true), args.sends);

  log('raw UpdateItem again on fresh items (DynamoDB Local drift during the run)');
  const fresh = await createBaselineMessages(doc, storage.tableName, total, args.contentBytes);
  const updateItemAfter = await updateItemBaseline(doc, storage.tableName, fresh, {
    ops: args.ops,
    warmup: args.warmup,
  });

  const reaction = summarize(all);
  const ratio = round(reaction.p50 / baselines.updateItem.p50, 2);
  return {
    startedAt,
    label: args.label,
    command:
      `npm run bench:lifecycle ${process.argv.slice(2).length > 0 ? `-- ${process.argv.slice(2).join(' ')}` : ''}`.trim(),
    args,
    machine,
    loadavgEnd: loadavg().map((l) => round(l, 2)),
    git,
    baselines,
    updateItemAfter,
    addReaction: {
      messages: messageCount,
      all: reaction,
      firstReactor: summarize(first),
      joinReactor: summarize(join),
      errors,
      countMismatches,
      relayCalls: reactCalls.byLabel,
      relayCallsByCommand: reactCalls.byCommand,
      cpuMsPerOp: reactCpu,
      events: { expected: expectedEvents, received: receivedEvents },
    },
    sendMessage: {
      sends: args.sends,
      ack: summarize(ack),
      errors: sendErrors,
      relayCalls: sendCalls.byLabel,
      relayCallsByCommand: sendCalls.byCommand,
      cpuMsPerOp: sendCpu,
    },
    ratios: {
      addReactionP50OverUpdateItemP50: ratio,
      addReactionP50OverUpdateItemAfterP50: round(reaction.p50 / updateItemAfter.p50, 2),
      addReactionP50OverQueryThenUpdateP50: round(reaction.p50 / baselines.queryThenUpdate.p50, 2),
    },
    target: { name: 'add_reaction p50 / UpdateItem p50', value: ratio, limit: '<= 1.5', pass: ratio <= 1.5 },
  };
}

const lat = (l: LatencySummary): string =>
  `p50 ${l.p50} / p99 ${l.p99} / mean ${l.mean} / max ${l.max} ms (n=${l.count})`;

function callLines(calls: CallsPerOp, byCommand: Record<string, number>): string[] {
  return [
    ...Object.entries(calls).map(
      ([label, c]) =>
        `    ${label.padEnd(22)} x${String(c.perOp).padEnd(7)} mean ${c.meanMs} ms${c.errors > 0 ? `, ${c.errors} errors` : ''}`,
    ),
    `    by command: ${Object.entries(byCommand)
      .map(([k, v]) => `${k} x${v}`)
      .join(', ')}`,
  ];
}

/** The human-readable table printed at the end of a run. */
function formatLifecycle(r: LifecycleResult): string {
  const m = r.machine;
  const b = r.baselines;
  const a = r.addReaction;
  const s = r.sendMessage;
  const dynamoMeanPerOp = Object.values(a.relayCalls).reduce((sum, c) => sum + c.perOp * c.meanMs, 0);
  const cpu = (c: CpuPerOp): string =>
    `relay ${c.relay}, bench ${c.bench}, DynamoDB Local ${c.dynamodbLocal ?? 'n/a'} ms CPU/op`;
  const lines = [
    '',
    `=== Lair Chat message lifecycle bench ${r.startedAt} ${r.label} ===`,
    `command   ${r.command}`,
    `machine   ${m.nproc} cores ${m.cpuModel}, ${m.totalMemoryMiB} MiB, node ${m.node}, ${m.java}, ${m.kernel}`,
    `load      start ${m.loadavg.join(' ')}  end ${r.loadavgEnd.join(' ')}`,
    `git       ${r.git.commit.slice(0, 7)}${r.git.dirty.length > 0 ? ` + ${r.git.dirty.length} uncommitted files` : ''}`,
    `raw (bench process, sequential, ${r.args.warmup} warm-up, each call on its own item of ${b.items}):`,
    `  UpdateItem ADD n :1            ${lat(b.updateItem)}`,
    `  GSI1 Query (getById, index)    ${lat(b.gsi1Query)}`,
    `  reaction UpdateItem (react)    ${lat(b.reactionUpdate)}`,
    `  GSI1 Query + reaction Update   ${lat(b.queryThenUpdate)}`,
    `  UpdateItem ADD n :1, after TCP ${lat(r.updateItemAfter)}`,
    `add_reaction over TCP, ${r.args.clients} clients in one room, ${a.messages} messages, sequential:`,
    `  all                            ${lat(a.all)}`,
    `  first reactor of the emoji     ${lat(a.firstReactor)}`,
    `  joining an existing emoji      ${lat(a.joinReactor)}`,
    `  errors ${JSON.stringify(a.errors)}, count mismatches ${a.countMismatches}, reaction_added events ${a.events.received}/${a.events.expected}`,
    `  CPU ${cpu(a.cpuMsPerOp)}`,
    `  relay DynamoDB calls per add_reaction (relay-side mean sum ${round(dynamoMeanPerOp, 2)} ms of ${a.all.mean} ms mean round trip):`,
    ...callLines(a.relayCalls, a.relayCallsByCommand),
    `send_message (plain) x${s.sends}, sequential: ack ${lat(s.ack)}; errors ${JSON.stringify(s.errors)}`,
    `  CPU ${cpu(s.cpuMsPerOp)}`,
    '  relay DynamoDB calls per send_message:',
    ...callLines(s.relayCalls, s.relayCallsByCommand),
    '',
    'ratio                                          value    limit    result',
    `${r.target.name.padEnd(46)} ${String(r.target.value).padEnd(8)} ${r.target.limit.padEnd(8)} ${r.target.pass ? 'PASS' : 'FAIL'}`,
    `(info) add_reaction p50 / UpdateItem-after p50 ${r.ratios.addReactionP50OverUpdateItemAfterP50}`,
    `(info) add_reaction p50 / raw Query+Update p50 ${r.ratios.addReactionP50OverQueryThenUpdateP50}`,
  ];
  return `${lines.join('\n')}\n`;
}

void runBench({ log, parse: parseLifecycleArgs, run, format: formatLifecycle, suffix: '-lifecycle' });
