// Peer bench driver (`npm run bench:peer`): the same workload against ngircd and against our relay, back to back in one run, one table with both and the ratios.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pacedPutItem, startStorage, type BenchStorage } from './lib/dynamo.js';
import { runBench } from './lib/main.js';
import { populate, type Population } from './lib/population.js';
import { cpuSeconds, machineCoresBusy, machineInfo, machineTicks, rssKb } from './lib/proc.js';
import { summarizeProfile } from './lib/profile-summary.js';
import { spawnRelay, type RelayProcess } from './lib/relay-process.js';
import { buildRelayBundle, type RelayBundle } from './lib/relay-bundle.js';
import type { LatencySummary } from './lib/stats.js';
import { isLairServer, parsePeerArgs, type PeerArgs, type PeerServerName } from './peer/args.js';
import { startNgircd, startNodeFloor } from './peer/ngircd.js';
import { WorkerPool, type PoolPhase } from './peer/pool.js';
import { spawnStreams, type StreamsProcess } from './peer/streams-spawn.js';
import { measureSdkFloor, type SdkFloorResult } from './peer/sdk-floor-spawn.js';
import type { WorkerClient, WorkerSender } from './peer/protocol.js';
import { formatPeerReport, type PeerResult, type ServerRun, type StormResult } from './peer/report.js';
import { createRepositories } from '../shared/features/index.js';
import { DEFAULT_AUTH_CONCURRENCY } from '../relay/connection/admission.js';

const log = (msg: string): void => {
  process.stderr.write(`[peer ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};
const load1 = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100;

interface Shared {
  args: PeerArgs;
  pop: Population;
  storage: BenchStorage | undefined;
  jwtSecret: string;
  startedAt: string;
  runId: string;
  bundle: RelayBundle | undefined;
}

/** Starts one server, connects every client (in `steps`), reads memory, runs warm-up + fixed phase, stops it. */
async function runServer(name: PeerServerName, s: Shared): Promise<ServerRun> {
  const { args, pop } = s;
  const irc = name === 'irc' || name === 'node-floor';
  let relay: RelayProcess | undefined;
  let streams: StreamsProcess | undefined;
  let stopServer: () => Promise<void>;
  let pid: number;
  let port: number;
  let version = `lair relay (${s.bundle ? 'esbuild bundle of relay/main.ts' : 'tsx relay/main.ts'}, node ${(name === 'lair-alt' ? args.altNodeFlags : (s.bundle?.nodeFlags ?? [])).join(' ')})`;
  if (irc) {
    const srv = name === 'irc' ? await startNgircd() : await startNodeFloor();
    ({ pid, port, version } = srv);
    stopServer = () => srv.stop();
  } else {
    if (s.storage === undefined) throw new Error('no storage');
    relay = await spawnRelay({
      endpoint: s.storage.endpoint,
      tableName: s.storage.tableName,
      jwtSecret: s.jwtSecret,
      ...(s.bundle ? { bundle: s.bundle } : {}),
      ...nodeFlagsOf(name, s.args),
    });
    ({ pid, port } = relay);
    // The stream consumers run in their own process (in AWS: the StreamsFunction Lambda).
    if (s.args.streams)
      streams = await spawnStreams({
        endpoint: s.storage.endpoint,
        tableName: s.storage.tableName,
        jwtSecret: s.jwtSecret,
      });
    stopServer = async () => {
      await relay!.stop(3000);
      await streams?.stop();
    };
  }
  log(`${name}: pid ${pid} on ${port}`);
  const pool = new WorkerPool(args.workers);
  try {
    await sleep(args.settle * 1000);
    const rss0 = rssKb(pid);
    const gc0 = relay ? await relay.memory() : undefined;
    const clients: WorkerClient[] = pop.users.map((u) => ({
      index: u.index,
      token: u.token,
      nick: `u${u.index}`,
      target: irc ? `#r${u.room}` : (pop.rooms[u.room]?.id ?? ''),
    }));
    const memory: ServerRun['memory'] = [];
    let connectMs = 0;
    let opened = 0;
    for (const step of stepsOf(args)) {
      const batch = clients.slice(opened, step);
      connectMs += await pool.open(
        irc ? 'irc' : 'lair',
        port,
        name === 'lair-enc',
        batch,
        args.connectConcurrency,
      );
      opened = step;
      await sleep(args.settle * 1000);
      const raw = rssKb(pid);
      const gc = relay ? await relay.memory() : undefined;
      const warm = memory[0];
      memory.push({
        connections: step,
        rssKb: raw,
        perConnKb: round2((raw - rss0) / step),
        ...(warm ? { marginalKb: round2((raw - warm.rssKb) / (step - warm.connections)) } : {}),
        ...(gc && gc0
          ? {
              gcRssKb: gc.rssKb,
              ...(warm?.gcRssKb !== undefined
                ? { gcMarginalKb: round2((gc.rssKb - warm.gcRssKb) / (step - warm.connections)) }
                : {}),
              gcPerConnKb: round2((gc.rssKb - gc0.rssKb) / step),
              heapUsedPerConnKb: round2((gc.heapUsedKb - gc0.heapUsedKb) / step),
              heapUsedKb: gc.heapUsedKb,
              heapTotalKb: gc.heapTotalKb,
              externalKb: gc.externalKb,
            }
          : {}),
      });
      log(`${name}: ${step} connected, RSS ${raw} KiB (${memory.at(-1)?.perConnKb} KiB/conn without GC)`);
      if (args.heapSnapshot && relay && (memory.length === 1 || step === args.clients)) {
        await mkdir(args.outDir, { recursive: true });
        const path = resolve(
          join(args.outDir, `${s.startedAt.replace(/[:.]/g, '-')}-peer-${name}-${step}.heapsnapshot`),
        );
        await relay.heapSnapshot(path);
        log(`${name}: heap snapshot at ${step} connections: ${path}`);
      }
    }
    const stamp = s.startedAt.replace(/[:.]/g, '-');
    const idleProfilePath = resolve(join(args.outDir, `${stamp}-peer-${name}-idle.cpuprofile`));
    if (args.profile && relay) {
      await mkdir(args.outDir, { recursive: true });
      await relay.profileStart();
    }
    const streamsCpu = (): number => (streams ? cpuSeconds(streams.pid) : Number.NaN);
    const idle0 = { t: performance.now(), cpu: cpuSeconds(pid), streams: streamsCpu() };
    await sleep(args.idleSeconds * 1000);
    const idleWall = (performance.now() - idle0.t) / 1000;
    const idleCores = round2((cpuSeconds(pid) - idle0.cpu) / idleWall);
    const idleStreamsCores = streams ? round2((streamsCpu() - idle0.streams) / idleWall) : null;
    log(`${name}: idle with ${opened} clients: ${idleCores} cores (streams process ${idleStreamsCores})`);
    let idleProfile: ServerRun['idleProfile'] = null;
    if (args.profile && relay) {
      await relay.profileStop(idleProfilePath);
      idleProfile = { path: idleProfilePath, summary: await summarizeProfile(idleProfilePath, 20) };
    }
    const senders: WorkerSender[] = pop.rooms.map((r) => ({
      index: r.members[0] ?? 0,
      target: irc ? `#r${pop.users[r.members[0] ?? 0]?.room}` : r.id,
      members: r.members.length,
    }));
    let storm: StormResult | null = null;
    if (args.storm && relay && s.storage)
      try {
        storm = await reconnectStorm();
      } catch (err) {
        log(`${name}: storm failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    async function reconnectStorm(): Promise<StormResult> {
      if (!relay || !s.storage) throw new Error('no relay');
      const st = s.storage;
      const old = relay;
      const loadStart = load1();
      log(`${name}: storm: ${args.stormSendSeconds} s send window, SIGKILL of the relay at its middle`);
      const window = pool.phase('s', senders, {
        rate: args.rate,
        durationS: args.stormSendSeconds,
        contentBytes: args.contentBytes,
      });
      await sleep((args.stormSendSeconds * 1000) / 2 + 200);
      const killedAt = performance.now();
      await old.kill();
      log(`${name}: storm: relay ${old.pid} killed; starting another`);
      const spawning = spawnRelay({
        endpoint: st.endpoint,
        tableName: st.tableName,
        jwtSecret: s.jwtSecret,
        ...(s.bundle ? { bundle: s.bundle } : {}),
        ...nodeFlagsOf(name, s.args),
      });
      // The window's answers come first: one request at a time per worker (pool.ask is FIFO).
      const sent = await window;
      relay = await spawning;
      const restartMs = performance.now() - killedAt;
      await relay.calls(true);
      const cpuAtListen = relay.cpuSeconds();
      const reauthMs = await pool.open(
        'lair',
        relay.port,
        name === 'lair-enc',
        clients,
        args.stormConcurrency,
        100,
      );
      const allAuthenticatedMs = performance.now() - killedAt;
      const relayCpuS = Math.round((relay.cpuSeconds() - cpuAtListen) * 10) / 10;
      const callStats = await relay.calls(false);
      const callsPerClient = Object.fromEntries(
        Object.entries(callStats)
          .sort((a, b) => b[1].count - a[1].count)
          .map(([label, c]) => [label, Math.round((c.count / clients.length) * 100) / 100]),
      );
      log(
        `${name}: storm: all ${clients.length} re-authenticated ${Math.round(allAuthenticatedMs)} ms after the kill`,
      );
      const repos = createRepositories(st.clients.doc, st.tableName);
      let ackedLost = 0;
      for (const id of sent.ackedIds)
        if ((await repos.messages.getById(id, { consistent: true })) === null) ackedLost += 1;
      pid = relay.pid;
      const rawGetsPerSecond = await rawGetRate(
        st.clients.doc,
        st.tableName,
        pop.users.map((u) => u.id),
      );
      log(
        `${name}: storm: raw DynamoDB Local ceiling, consistent GetItem x64 from the driver: ${rawGetsPerSecond}/s`,
      );
      return {
        clients: clients.length,
        sent: sent.sent,
        acked: sent.acked,
        errors: sent.errors,
        ackedLost,
        restartMs: Math.round(restartMs),
        allAuthenticatedMs: Math.round(allAuthenticatedMs),
        reauthMs,
        authConcurrency: Number(process.env.LAIR_RELAY_AUTH_CONCURRENCY ?? DEFAULT_AUTH_CONCURRENCY),
        driverConcurrency: args.stormConcurrency,
        loadStart,
        loadEnd: load1(),
        callsPerClient,
        relayCpuS,
        rawGetsPerSecond,
      };
    }
    const base = {
      name,
      version,
      pid,
      connectMs,
      rssBeforeKb: rssKb(pid),
      rssNoClientsKb: rss0,
      gcRssNoClientsKb: gc0?.rssKb ?? null,
      memory,
      idleCores,
      idleStreamsCores,
      idleProfile,
      storm,
    };
    if (args.idleOnly) return { ...base, fixed: null };

    const opts = { rate: args.rate, contentBytes: args.contentBytes };
    log(`${name}: warm-up ${args.warmup} s`);
    await pool.phase('w', senders, { ...opts, durationS: args.warmup });
    const profilePath = resolve(
      join(args.outDir, `${s.startedAt.replace(/[:.]/g, '-')}-peer-${name}.cpuprofile`),
    );
    if (args.profile && relay) {
      await mkdir(args.outDir, { recursive: true });
      await relay.profileStart();
    }
    log(`${name}: fixed rate ${args.rate} msg/s in ${senders.length} rooms for ${args.duration} s`);
    const before = {
      t: performance.now(),
      server: cpuSeconds(pid),
      streams: streamsCpu(),
      driver: pool.cpuSeconds() + cpuOf(process.cpuUsage()),
      java: s.storage?.javaPid ? cpuSeconds(s.storage.javaPid) : Number.NaN,
      machine: machineTicks(),
      load: load1(),
    };
    const phase: PoolPhase = await pool.phase('f', senders, { ...opts, durationS: args.duration });
    const wall = (performance.now() - before.t) / 1000;
    const serverCpu = cpuSeconds(pid) - before.server;
    const streamsCpuS = streamsCpu() - before.streams;
    const driverCpu = pool.cpuSeconds() + cpuOf(process.cpuUsage()) - before.driver;
    const javaCpu = s.storage?.javaPid ? cpuSeconds(s.storage.javaPid) - before.java : Number.NaN;
    const machine = machineCoresBusy(before.machine, machineTicks(), wall);
    let profile: ServerRun['profile'] = null;
    if (args.profile && relay) {
      await relay.profileStop(profilePath);
      profile = { path: profilePath, summary: await summarizeProfile(profilePath, 20) };
    }
    return {
      ...base,
      fixed: {
        ...phase,
        missing: Math.max(0, phase.expected - phase.received),
        wallSeconds: round2(wall),
        serverCpuSeconds: round2(serverCpu),
        cpuPerDeliveryUs: round2((serverCpu * 1e6) / Math.max(1, phase.received)),
        streamsCpuPerDeliveryUs: streams ? round2((streamsCpuS * 1e6) / Math.max(1, phase.received)) : null,
        driverCpuPerDeliveryUs: round2((driverCpu * 1e6) / Math.max(1, phase.received)),
        cores: {
          server: round2(serverCpu / wall),
          streams: streams ? round2(streamsCpuS / wall) : null,
          driver: round2(driverCpu / wall),
          dynamodbLocal: Number.isNaN(javaCpu) ? null : round2(javaCpu / wall),
          machine: machine.busy,
        },
        loadStart: before.load,
        loadEnd: load1(),
      },
      profile,
    };
  } finally {
    // Stop the server first, or the relay spends its exit on a user_offline storm.
    await stopServer();
    await pool.close();
  }
}

/** `lair-alt`: `--alt-node-flags` instead of the container CMD's node flags. */
function nodeFlagsOf(name: PeerServerName, args: PeerArgs): { nodeFlags?: string[] } {
  return name === 'lair-alt' ? { nodeFlags: args.altNodeFlags } : {};
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
const cpuOf = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6;

/** Connection counts at which memory is read: a warm batch of 50 first, then 1,000 / 5,000 / 10,000 below N (idle-only), then N. */
function stepsOf(args: PeerArgs): number[] {
  const warm = Math.min(50, Math.floor(args.clients / 2));
  const steps = args.idleOnly ? [1000, 5000, 10_000].filter((n) => n > warm && n < args.clients) : [];
  return [warm, ...steps, args.clients];
}

async function run(args: PeerArgs, cleanup: (() => Promise<void>)[]): Promise<PeerResult> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  if (!(machine.fdSoftLimit >= args.clients + 256))
    throw new Error(
      `ulimit -n is ${machine.fdSoftLimit}: ${args.clients} clients need ${args.clients + 256}`,
    );
  log(`machine: ${machine.nproc} cores, load ${machine.loadavg.join(' ')}, ulimit -n ${machine.fdSoftLimit}`);
  const runId = Date.now().toString(36);
  const jwtSecret = randomBytes(32).toString('base64');
  const wantsLair = args.servers.some(isLairServer);
  let storage: BenchStorage | undefined;
  let pop: Population;
  if (wantsLair) {
    log(args.endpoint ? `using DynamoDB at ${args.endpoint}` : 'starting DynamoDB Local (in memory)');
    storage = await startStorage(args.endpoint);
    const st = storage;
    cleanup.push(() => st.stop());
    log(`creating ${args.clients} users and rooms of ${args.roomSize}`);
    pop = await populate(st.clients.doc, st.tableName, jwtSecret, {
      clients: args.clients,
      roomSize: args.roomSize,
      runId,
    });
  } else {
    pop = syntheticPopulation(args);
  }
  const bundle = wantsLair && args.relayForm === 'bundle' ? await buildRelayBundle() : undefined;
  const shared: Shared = { args, pop, storage, jwtSecret, startedAt, runId, bundle };
  const runs: ServerRun[] = [];
  let pacedPut: LatencySummary | null = null;
  let sdkFloor: SdkFloorResult | null = null;
  for (const name of args.servers) {
    runs.push(await runServer(name, shared));
    if (isLairServer(name) && pacedPut === null && storage !== undefined && !args.idleOnly) {
      const rate = pop.rooms.length * args.rate;
      log(`PutItem paced at the fixed phase's arrival rate: ${rate}/s for 10 s`);
      pacedPut = await pacedPutItem(storage.clients.doc, storage.tableName, {
        contentBytes: args.contentBytes,
        ratePerSecond: rate,
        seconds: 10,
      });
      log("SDK write floor: the send's TransactWriteItems and a PutItem, 2,000 calls each, own process");
      sdkFloor = await measureSdkFloor(storage.endpoint, storage.tableName, 2000, args.contentBytes);
    }
  }
  return {
    startedAt,
    label: args.label,
    command: `npm run bench:peer -- ${process.argv.slice(2).join(' ')}`.trim(),
    args,
    machine,
    loadavgEnd: loadavg().map((l) => round2(l)),
    rooms: pop.rooms.length,
    pacedPut,
    sdkFloor,
    runs,
  };
}

/** Users/rooms for an IRC-only run (no storage): same shapes, no tokens. */
function syntheticPopulation(args: PeerArgs): Population {
  const users = Array.from({ length: args.clients }, (_, i) => ({
    index: i,
    id: `u${i}`,
    username: `u${i}`,
    sessionId: '',
    token: '',
    room: Math.floor(i / args.roomSize),
  }));
  const rooms = Array.from({ length: Math.ceil(args.clients / args.roomSize) }, (_, k) => ({
    id: `#r${k}`,
    members: users.filter((u) => u.room === k).map((u) => u.index),
  }));
  return { users, rooms, usersMs: 0, roomsMs: 0 };
}

void runBench({ log, parse: parsePeerArgs, run, format: formatPeerReport, suffix: '-peer' });

/**
 * DynamoDB Local's raw request ceiling in the same run (issue 16: evidence for the storm target):
 * consistent GetItems of user profiles, 64 in flight, for 3 s from the driver process; requests/s.
 */
async function rawGetRate(
  doc: DynamoDBDocumentClient,
  tableName: string,
  userIds: string[],
): Promise<number> {
  const until = performance.now() + 3000;
  let done = 0;
  const lane = async (offset: number): Promise<void> => {
    for (let i = offset; performance.now() < until; i += 64) {
      const id = userIds[i % userIds.length] ?? '';
      await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: { PK: `USER#${id}`, SK: 'PROFILE' },
          ConsistentRead: true,
        }),
      );
      done += 1;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 64 }, (_, i) => lane(i)));
  return Math.round(done / ((performance.now() - t0) / 1000));
}
