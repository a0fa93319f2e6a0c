// The relay under test as a separate child process (relay/main.ts), so its RSS and CPU are its own; talks to the probe over IPC.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CallStats, ProbeCommand } from './relay-probe.js';
import { cpuSeconds, rssKb } from './proc.js';
import type { RelayBundle } from './relay-bundle.js';

/** Memory of the relay as read by the bench: /proc VmRSS and, after a forced GC, V8's view. */
export interface RelayMemory {
  /** VmRSS before the forced GC, KiB. */
  rssKbRaw: number;
  /** VmRSS after a forced full GC (twice), KiB. */
  rssKb: number;
  heapUsedKb: number;
  /** V8 heap committed (used + free pages kept), KiB. */
  heapTotalKb: number;
  externalKb: number;
  arrayBuffersKb: number;
}

/** A started relay child. */
export interface RelayProcess {
  pid: number;
  port: number;
  relayId: string;
  /** Relay log lines at warn level and above, counted by `msg`. */
  warnings: Map<string, number>;
  memory(): Promise<RelayMemory>;
  /** DynamoDB calls made by the relay since the last reset, by label (see relay-probe.ts). */
  calls(reset: boolean): Promise<CallStats>;
  /** Event-loop delay since the last reset, ms. */
  loopDelay(reset: boolean): Promise<{ p50: number; p99: number; max: number; mean: number }>;
  /** CPU time (user+system) of the relay process, s. */
  cpuSeconds(): number;
  /** From now on, reuse session/user/membership reads (simulated fix, see relay-probe.ts). */
  enableWhatIfCache(): Promise<void>;
  /** From now on, answer presence heartbeat Puts without DynamoDB (simulated fix, see relay-probe.ts). */
  enableWhatIfNoHeartbeat(): Promise<void>;
  /** Full GC, then a V8 heap snapshot written to `path` (blocks the relay for seconds). */
  heapSnapshot(path: string): Promise<void>;
  profileStart(): Promise<void>;
  profileStop(path: string): Promise<void>;
  /** SIGKILL now (no drain, no presence cleanup: a crashed task); resolves once it exited. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBE = pathToFileURL(fileURLToPath(new URL('./relay-probe.ts', import.meta.url))).href;

/**
 * Spawns `node --expose-gc --import tsx --import <probe> relay/main.ts` (one process, so its pid is
 * the relay: `npx tsx` would put two more node processes in between), or with `bundle` the bundle
 * with the container CMD's node flags (`nodeFlags` overrides them), with
 * LAIR_TCP_PORT=0, LAIR_TCP_MAX_CONNECTIONS=0 (unlimited), LAIR_LOG_LEVEL=warn, and resolves once
 * it printed `{"msg":"relay listening",…,"port":N}`.
 * @throws Error when the child exits or stays silent for 60 s
 */
export async function spawnRelay(opts: {
  endpoint: string;
  tableName: string;
  jwtSecret: string;
  /** Run this bundle (bench/lib/relay-bundle.ts, the container's form) instead of `tsx relay/main.ts`. */
  bundle?: RelayBundle;
  /** Node flags instead of the bundle's (relay/Dockerfile CMD's), e.g. `[]` for V8's defaults. */
  nodeFlags?: readonly string[];
}): Promise<RelayProcess> {
  const argv =
    opts.bundle === undefined
      ? ['--expose-gc', ...(opts.nodeFlags ?? []), '--import', 'tsx', '--import', PROBE, 'relay/main.ts']
      : [
          '--expose-gc',
          ...(opts.nodeFlags ?? opts.bundle.nodeFlags),
          '--import',
          pathToFileURL(opts.bundle.probe).href,
          opts.bundle.relay,
        ];
  const child: ChildProcess = spawn(process.execPath, argv, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      ...process.env,
      LAIR_TCP_PORT: '0',
      LAIR_DYNAMODB_ENDPOINT: opts.endpoint,
      LAIR_TABLE_NAME: opts.tableName,
      LAIR_JWT_SECRET: opts.jwtSecret,
      LAIR_TCP_MAX_CONNECTIONS: '0',
      LAIR_LOG_LEVEL: 'warn',
      // The bundled relay has its own SDK copy: the probe must not load another (relay-probe.ts).
      ...(opts.bundle === undefined ? {} : { LAIR_PROBE_CALLS: '0' }),
      // The bench drives more than a person types: no per-user send budget (issue 17 finding 4).
      LAIR_RATE_LIMIT_USER_MESSAGES: '0',
    },
  });
  const pid = child.pid ?? -1;
  const warnings = new Map<string, number>();
  const stderrTail: string[] = [];
  child.stderr?.on('data', (b: Buffer) => {
    stderrTail.push(b.toString('utf8'));
    if (stderrTail.length > 20) stderrTail.shift();
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );

  const listening = new Promise<{ port: number; relayId: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('relay did not report listening within 60 s'));
    }, 60_000);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`relay exited before listening: ${stderrTail.join('')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let msg: { msg?: unknown; port?: unknown; relayId?: unknown };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        return;
      }
      if (msg.msg === 'relay listening' && typeof msg.port === 'number') {
        clearTimeout(timer);
        resolve({ port: msg.port, relayId: String(msg.relayId) });
      } else if (typeof msg.msg === 'string') {
        warnings.set(msg.msg, (warnings.get(msg.msg) ?? 0) + 1);
      }
    });
  });
  const { port, relayId } = await listening;

  let nextId = 1;
  const waiting = new Map<number, (reply: Record<string, unknown>) => void>();
  child.on('message', (reply: Record<string, unknown>) => {
    const id = reply.id as number;
    waiting.get(id)?.(reply);
    waiting.delete(id);
  });
  const ask = (req: ProbeCommand): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, (reply) => {
        if (typeof reply.error === 'string') reject(new Error(`relay probe ${req.op}: ${reply.error}`));
        else resolve(reply);
      });
      child.send({ ...req, id });
    });

  return {
    pid,
    port,
    relayId,
    warnings,
    async memory() {
      const rssKbRaw = rssKb(pid);
      const m = (await ask({ op: 'mem' })) as unknown as NodeJS.MemoryUsage;
      await new Promise((r) => setTimeout(r, 500));
      const kb = (n: number): number => Math.round(n / 1024);
      return {
        rssKbRaw,
        rssKb: rssKb(pid),
        heapUsedKb: kb(m.heapUsed),
        heapTotalKb: kb(m.heapTotal),
        externalKb: kb(m.external),
        arrayBuffersKb: kb(m.arrayBuffers),
      };
    },
    async calls(reset) {
      return (await ask({ op: 'calls', reset })).calls as CallStats;
    },
    async loopDelay(reset) {
      return (await ask({ op: 'loop', reset })).loop as {
        p50: number;
        p99: number;
        max: number;
        mean: number;
      };
    },
    cpuSeconds: () => cpuSeconds(pid),
    async enableWhatIfCache() {
      await ask({ op: 'what-if-cache' });
    },
    async enableWhatIfNoHeartbeat() {
      await ask({ op: 'what-if-no-heartbeat' });
    },
    async heapSnapshot(path) {
      await ask({ op: 'heap-snapshot', path });
    },
    async profileStart() {
      await ask({ op: 'profile-start' });
    },
    async profileStop(path) {
      await ask({ op: 'profile-stop', path });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
