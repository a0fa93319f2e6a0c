// Fan-out benchmark driver (`npm run bench -- --clients 100 --room-size 10 …`): relay child + N TCP clients + PutItem baseline, one run.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseBenchArgs, type BenchArgs } from './lib/args.js';
import { ClientPool, DeliveryRecorder, type Phase } from './lib/clients.js';
import { connectPhase } from './lib/connect-phase.js';
import {
  countRoomMessages,
  pacedPutItem,
  putItemBaseline,
  startStorage,
  transactSendCandidate,
  type BenchStorage,
} from './lib/dynamo.js';
import { fixedRate, saturate, warmUp, type PhaseResult, type Sender } from './lib/load.js';
import { populate, type Population } from './lib/population.js';
import { cpuSeconds, machineCoresBusy, machineInfo, machineTicks } from './lib/proc.js';
import { summarizeProfile } from './lib/profile-summary.js';
import { keys } from '../shared/features/index.js';
import { spawnRelay, type RelayProcess } from './lib/relay-process.js';
import { formatReport, judge, type BenchResult, type PhaseReport } from './lib/report.js';
import { runBench } from './lib/main.js';

const log = (msg: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

/** Runs one load phase and collects CPU use, relay event-loop delay and relay DynamoDB calls around it. */
async function measured(
  phase: Phase,
  run: () => Promise<PhaseResult>,
  ctx: { relay: RelayProcess; storage: BenchStorage; recorder: DeliveryRecorder },
): Promise<PhaseReport> {
  const { relay, storage, recorder } = ctx;
  await relay.calls(true);
  await relay.loopDelay(true);
  const t0 = performance.now();
  const cpu0 = {
    relay: relay.cpuSeconds(),
    bench: process.cpuUsage(),
    java: cpuSeconds(storage.javaPid ?? -1),
    machine: machineTicks(),
  };
  const result = await run();
  const wall = (performance.now() - t0) / 1000;
  const bench = process.cpuUsage(cpu0.bench);
  const java = cpuSeconds(storage.javaPid ?? -1) - cpu0.java;
  const machine = machineCoresBusy(cpu0.machine, machineTicks(), wall);
  const calls = await relay.calls(true);
  const perMessage: PhaseReport['relayCallsPerMessage'] = {};
  for (const [label, s] of Object.entries(calls)) {
    const n = Math.max(1, result.acked);
    perMessage[label] = {
      calls: Math.round((s.count / n) * 100) / 100,
      ms: Math.round((s.totalMs / n) * 100) / 100,
    };
  }
  const cores = (s: number): number => Math.round((s / wall) * 100) / 100;
  return {
    ...result,
    fanout: recorder.summary(phase),
    fanoutFirst: recorder.firstSummary(phase),
    cpu: {
      relay: cores(relay.cpuSeconds() - cpu0.relay),
      bench: cores((bench.user + bench.system) / 1e6),
      dynamodbLocal: Number.isNaN(java) ? null : cores(java),
      machine: machine.busy,
      steal: machine.steal,
    },
    relayLoopDelay: await relay.loopDelay(true),
    relayCallsPerMessage: perMessage,
  };
}

async function run(args: BenchArgs, cleanup: (() => Promise<void>)[]): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  if (!(machine.fdSoftLimit >= args.clients + 256)) {
    throw new Error(
      `ulimit -n is ${machine.fdSoftLimit}: ${args.clients} clients need at least ${args.clients + 256} descriptors in the bench and in the relay (raise it with \`ulimit -n\`)`,
    );
  }
  log(
    `machine: ${machine.nproc} cores, load ${machine.loadavg.join(' ')}, ulimit -n ${machine.fdSoftLimit}/${machine.fdHardLimit}`,
  );
  const runId = Date.now().toString(36);
  const jwtSecret = randomBytes(32).toString('base64');

  log(args.endpoint ? `using DynamoDB at ${args.endpoint}` : 'starting DynamoDB Local (in memory)');
  const storage = await startStorage(args.endpoint);
  cleanup.push(() => storage.stop());
  const { doc } = storage.clients;

  log(`creating ${args.clients} users and rooms of ${args.roomSize} in ${storage.tableName}`);
  const pop: Population = await populate(doc, storage.tableName, jwtSecret, {
    clients: args.clients,
    roomSize: args.roomSize,
    runId,
  });
  log(`users ${pop.usersMs} ms, rooms ${pop.roomsMs} ms`);

  const relay = await spawnRelay({ endpoint: storage.endpoint, tableName: storage.tableName, jwtSecret });
  cleanup.push(() => relay.stop());
  log(`relay pid ${relay.pid} listening on ${relay.port}`);
  const recorder = new DeliveryRecorder();
  const pool = new ClientPool(relay.port, recorder, {
    encryption: args.encryption,
    concurrency: args.connectConcurrency,
  });
  cleanup.push(async () => {
    // Stop the relay before the clients go, or it spends its exit on a user_offline storm.
    await relay.stop(3000);
    pool.close();
  });
  const { memory, warmCount, connectMs, eventsDuringConnect, heapPerConnection } = await connectPhase(
    args,
    relay,
    pool,
    pop.users,
    runId,
    log,
  );
  const { before, warm, idle } = memory;
  const perConn = (a: number, b: number, n = args.clients): number => Math.round(((b - a) / n) * 100) / 100;
  /** VmRSS with V8's free committed heap taken out (heap sizing after GC varies by ±20 MB run to run). */
  const live = (m: typeof idle): number => m.rssKb - m.heapTotalKb + m.heapUsedKb;

  log(
    `PutItem baseline: ${args.baselineOps} sequential, then ${pop.rooms.length} concurrent for ${args.baselineSeconds} s`,
  );
  const baseline = await putItemBaseline(doc, storage.tableName, {
    contentBytes: args.contentBytes,
    ops: args.baselineOps,
    concurrency: pop.rooms.length,
    seconds: args.baselineSeconds,
  });

  const pacedRate = pop.rooms.length * args.rate;
  log(`PutItem at the fixed phase's arrival rate: ${pacedRate}/s open loop for ${args.baselineSeconds} s`);
  const pacedPut = await pacedPutItem(doc, storage.tableName, {
    contentBytes: args.contentBytes,
    ratePerSecond: pacedRate,
    seconds: args.baselineSeconds,
  });

  log(`candidate one-round-trip send (TransactWriteItems: 2 ConditionChecks + Put), same shape`);
  const senderKeys = pop.rooms.map((r) => {
    const owner = pop.users[r.members[0] ?? 0]!;
    return { session: keys.session(owner.id, owner.sessionId), membership: keys.membership(r.id, owner.id) };
  });
  const candidate = await transactSendCandidate(doc, storage.tableName, senderKeys, {
    contentBytes: args.contentBytes,
    ops: args.baselineOps,
    concurrency: pop.rooms.length,
    seconds: args.baselineSeconds,
  });

  const senders: Sender[] = pop.rooms.map((r) => ({
    client: pool.clients[r.members[0] ?? 0]!,
    roomId: r.id,
    members: r.members.length,
  }));
  const ctx = { relay, storage, recorder };
  if (args.whatIfCache) await relay.enableWhatIfCache();
  if (args.whatIfNoHeartbeat) await relay.enableWhatIfNoHeartbeat();
  log('warm-up: 3 messages per room');
  const warmup = await warmUp(senders, 3, args.contentBytes, recorder);

  log(`fixed rate: ${args.rate} msg/s in each of ${senders.length} rooms for ${args.duration} s`);
  const profilePath = (phase: string): string =>
    resolve(join(args.outDir, `${startedAt.replace(/[:.]/g, '-')}-relay-${phase}.cpuprofile`));
  const profiles: NonNullable<BenchResult['profiles']> = [];
  /** Runs `fn` under the relay's CPU profiler when --profile is on. */
  const profiled = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    if (!args.profile) return fn();
    await mkdir(args.outDir, { recursive: true });
    await relay.profileStart();
    const out = await fn();
    await relay.profileStop(profilePath(phase));
    profiles.push({ phase, path: profilePath(phase), summary: await summarizeProfile(profilePath(phase)) });
    return out;
  };
  const fixed = await profiled('fixed', () =>
    measured(
      'f',
      () =>
        fixedRate(
          senders,
          { rate: args.rate, durationS: args.duration, contentBytes: args.contentBytes },
          recorder,
        ),
      ctx,
    ),
  );

  let saturation: PhaseReport | null = null;
  if (args.saturate > 0) {
    log(`saturation: ${senders.length} closed-loop senders for ${args.saturate} s`);
    saturation = await profiled('saturation', () =>
      measured(
        's',
        () => saturate(senders, { durationS: args.saturate, contentBytes: args.contentBytes }, recorder),
        ctx,
      ),
    );
  }

  log('verifying stored message counts');
  let stored = 0;
  for (const r of pop.rooms) stored += await countRoomMessages(doc, storage.tableName, r.id);
  const acked = warmup.acked + fixed.acked + (saturation?.acked ?? 0);

  const partial = {
    startedAt,
    label: args.label,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    args,
    machine,
    loadavgEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    setup: {
      rooms: pop.rooms.length,
      usersMs: pop.usersMs,
      roomsMs: pop.roomsMs,
      connectMs,
      connectPerSecond: Math.round(((args.clients - warmCount) / connectMs) * 1000 * 10) / 10,
      handshake: pool.handshakeSummary(),
      eventsDuringConnect,
    },
    relay: {
      pid: relay.pid,
      before,
      warm: { connections: warmCount, ...warm },
      idle,
      perConnectionKb: {
        rss: perConn(before.rssKb, idle.rssKb),
        rssLive: perConn(live(before), live(idle)),
        rssRaw: perConn(before.rssKbRaw, idle.rssKbRaw),
        heapUsed: perConn(before.heapUsedKb, idle.heapUsedKb),
        heapTotal: perConn(before.heapTotalKb, idle.heapTotalKb),
        external: perConn(before.externalKb, idle.externalKb),
        rssMarginal: perConn(warm.rssKb, idle.rssKb, args.clients - warmCount),
      },
      heapPerConnection,
      warnings: Object.fromEntries(relay.warnings),
      unexpectedCloses: pool.unexpectedCloses,
    },
    baseline,
    pacedPut: { ratePerSecond: pacedRate, latency: pacedPut },
    candidate,
    warmup,
    fixed,
    saturation,
    verify: { acked, stored, match: acked === stored },
    profiles: args.profile ? profiles : null,
  };
  return { ...partial, ...judge(partial) };
}

void runBench({ log, parse: parseBenchArgs, run, format: formatReport });
