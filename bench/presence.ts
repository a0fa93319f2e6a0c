// Presence fan-out benchmark (`npx tsx bench/presence.ts --clients 1000 --room-size 100`): N accounts made beforehand connect with `authenticate`; counts presence frames delivered, connect-phase wall time and relay CPU (docs/protocol/extensions.md §8).
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ClientPool, DeliveryRecorder } from './lib/clients.js';
import { startStorage } from './lib/dynamo.js';
import { populate } from './lib/population.js';
import { machineInfo, type MachineInfo } from './lib/proc.js';
import { spawnRelay } from './lib/relay-process.js';
import { runBench } from './lib/main.js';

interface PresenceArgs {
  clients: number;
  roomSize: number;
  concurrency: number;
  /** Quiet time after the last client authenticated before counting, s (events still in flight). */
  settle: number;
  endpoint: string | undefined;
  outDir: string;
  label: string;
  /**
   * Stop the connect phase once the relay has used this much CPU, s (0 = never): for a build that
   * cannot finish in reasonable time, the CPU it burnt unfinished is a lower bound of its cost.
   */
  cpuBudget: number;
  /** Write a CPU profile of the relay over the connect phase next to the result. */
  profile: boolean;
}

interface PresenceResult {
  startedAt: string;
  label: string;
  commit: string;
  args: PresenceArgs;
  machine: MachineInfo;
  /** Wall time from the first connect to the last `authenticate_response`, ms. */
  connectMs: number;
  /** True when `--cpu-budget` stopped the connect phase before every client authenticated. */
  unfinished: boolean;
  /** Clients authenticated when the phase ended. */
  authenticated: number;
  /** Relay CPU (user+system) from the first connect until the frames settled, s. */
  relayCpuSeconds: number;
  /** `user_online` + `user_offline` + `presence_changed` frames received by all clients. */
  presenceFrames: number;
  framesPerClient: number;
  /** Upstream's all-to-all count for the same N: N·(N−1)/2. */
  allToAllFrames: number;
  target: { framesPerClientMax: number; pass: boolean };
  /** The relay's DynamoDB calls during the connect phase, by label, per authenticated client. */
  callsPerClient: Record<string, number>;
  /** The relay's CPU profile of the connect phase (`--profile`), or null. */
  profilePath: string | null;
}

const USAGE =
  'usage: npx tsx bench/presence.ts [--clients 1000] [--room-size 100] [--concurrency 50] [--settle 5] [--endpoint URL] [--out bench/results] [--label text] [--cpu-budget S] [--profile]';
const log = (msg: string): void => {
  process.stderr.write(`[bench:presence ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

function parse(argv: string[]): PresenceArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      clients: { type: 'string', default: '1000' },
      'room-size': { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '50' },
      settle: { type: 'string', default: '5' },
      endpoint: { type: 'string' },
      out: { type: 'string', default: 'bench/results' },
      label: { type: 'string', default: '' },
      'cpu-budget': { type: 'string', default: '0' },
      profile: { type: 'boolean', default: false },
    },
  });
  const int = (name: string, raw: string, min: number): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}\n${USAGE}`);
    return n;
  };
  return {
    clients: int('clients', values.clients, 2),
    roomSize: int('room-size', values['room-size'], 1),
    concurrency: int('concurrency', values.concurrency, 1),
    settle: int('settle', values.settle, 0),
    endpoint: values.endpoint ?? process.env.LAIR_DYNAMODB_ENDPOINT,
    outDir: values.out,
    label: values.label,
    cpuBudget: int('cpu-budget', values['cpu-budget'], 0),
    profile: values.profile,
  };
}

const PRESENCE = ['user_online', 'user_offline', 'presence_changed'];

async function run(args: PresenceArgs, cleanup: (() => Promise<void>)[]): Promise<PresenceResult> {
  const startedAt = new Date().toISOString();
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    commit = process.env.BENCH_COMMIT ?? 'unknown';
  }
  const jwtSecret = randomBytes(32).toString('base64');
  const storage = await startStorage(args.endpoint);
  cleanup.push(() => storage.stop());
  log(`creating ${args.clients} users in rooms of ${args.roomSize}`);
  const pop = await populate(storage.clients.doc, storage.tableName, jwtSecret, {
    clients: args.clients,
    roomSize: args.roomSize,
    runId: Date.now().toString(36),
  });
  const relay = await spawnRelay({ endpoint: storage.endpoint, tableName: storage.tableName, jwtSecret });
  cleanup.push(() => relay.stop());
  const pool = new ClientPool(relay.port, new DeliveryRecorder(), {
    encryption: false,
    concurrency: args.concurrency,
    features: ['lair.social'],
  });
  cleanup.push(async () => {
    pool.close();
    await Promise.resolve();
  });
  const frames = (): number => PRESENCE.reduce((n, t) => n + (pool.eventsByType.get(t) ?? 0), 0);
  log(`connecting ${args.clients} clients, ${args.concurrency} at a time`);
  await relay.calls(true);
  if (args.profile) await relay.profileStart();
  const cpu0 = relay.cpuSeconds();
  const t0 = Date.now();
  let unfinished = false;
  // With a budget, a failed authenticate (a saturated relay answering after the 120 s request
  // timeout) also ends the phase unfinished: the CPU spent so far is still a lower bound.
  const connecting = pool.connect(pop.users).then(
    () => 'done' as const,
    (err: unknown) => {
      if (args.cpuBudget === 0) throw err;
      log(`connect failed (${err instanceof Error ? err.message : String(err)}): stopping unfinished`);
      return 'failed' as const;
    },
  );
  if (args.cpuBudget > 0) {
    const overBudget = (async () => {
      while (relay.cpuSeconds() - cpu0 < args.cpuBudget) await sleep(500);
      return 'budget' as const;
    })();
    const first = await Promise.race([connecting, overBudget]);
    unfinished = first !== 'done';
    if (first === 'budget')
      log(`CPU budget of ${args.cpuBudget} s spent before every client authenticated: stopping`);
  } else await connecting;
  const connectMs = Date.now() - t0;
  const authenticated = pool.clients.filter((c) => c !== undefined).length;
  // Let in-flight presence events land: wait until the count is still for `settle` seconds.
  for (let last = -1; !unfinished && frames() !== last;) {
    last = frames();
    await sleep(args.settle * 1000);
  }
  const relayCpuSeconds = Math.round((relay.cpuSeconds() - cpu0) * 100) / 100;
  let profilePath: string | null = null;
  if (args.profile) {
    profilePath = `${args.outDir}/${startedAt.replace(/[:.]/g, '-')}-presence-relay.cpuprofile`;
    await relay.profileStop(profilePath);
  }
  const stats = await relay.calls(false);
  const callsPerClient = Object.fromEntries(
    Object.entries(stats)
      .sort((a, b) => b[1].count - a[1].count)
      .map(([label, s]) => [label, Math.round((s.count / Math.max(1, authenticated)) * 100) / 100]),
  );
  const presenceFrames = frames();
  const framesPerClient = Math.round((presenceFrames / args.clients) * 100) / 100;
  return {
    startedAt,
    label: args.label,
    commit,
    args,
    machine: machineInfo(),
    connectMs,
    unfinished,
    authenticated,
    relayCpuSeconds,
    presenceFrames,
    framesPerClient,
    allToAllFrames: (args.clients * (args.clients - 1)) / 2,
    target: { framesPerClientMax: 100, pass: framesPerClient <= 100 },
    callsPerClient,
    profilePath,
  };
}

function format(r: PresenceResult): string {
  return [
    `presence fan-out: ${r.args.clients} clients, rooms of ${r.args.roomSize} (commit ${r.commit.slice(0, 7)})`,
    `  connect phase       ${r.connectMs} ms${r.unfinished ? ` — UNFINISHED: stopped by --cpu-budget with ${r.authenticated} of ${r.args.clients} authenticated` : ''}`,
    `  relay CPU           ${r.relayCpuSeconds} s`,
    `  presence frames     ${r.presenceFrames} (${r.framesPerClient} per client; all-to-all would be ${r.allToAllFrames})`,
    `  target ≤ 100/client ${r.target.pass ? 'PASS' : 'FAIL'}`,
    `  DynamoDB calls per client: ${Object.entries(r.callsPerClient)
      .map(([label, n]) => `${label} ${n}`)
      .join(', ')}`,
    ...(r.profilePath === null ? [] : [`  relay profile       ${r.profilePath}`]),
    '',
  ].join('\n');
}

void runBench({ log, parse, run, format, suffix: '-presence' });
