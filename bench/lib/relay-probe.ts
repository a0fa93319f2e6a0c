// Preloaded into the relay child (node --import): counts/times DynamoDB calls, event-loop delay, GC + memory and CPU profiles over IPC.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';

/** Commands the bench sends over the IPC channel. */
export type ProbeCommand =
  | { op: 'mem' }
  | { op: 'calls'; reset: boolean }
  | { op: 'loop'; reset: boolean }
  | { op: 'cpu' }
  | { op: 'profile-start' }
  | { op: 'profile-stop'; path: string }
  | { op: 'heap-snapshot'; path: string }
  | { op: 'what-if-cache' }
  | { op: 'what-if-no-heartbeat' };

/** A command with its correlation id; each gets one reply `{ id, ...result }`. */
export type ProbeRequest = ProbeCommand & { id: number };

/** Per-label DynamoDB call statistics (label = operation + entity, e.g. `Get:session`). */
export type CallStats = Record<string, { count: number; totalMs: number; errors: number }>;

const calls: CallStats = {};

/** Entity name of a primary key, from the key formats of shared/storage/keys.ts. */
function entityOf(pk: unknown, sk: unknown): string {
  const p = typeof pk === 'string' ? pk : '';
  const s = typeof sk === 'string' ? sk : '';
  if (p.startsWith('MSGS#')) return 'message';
  if (s === 'PROFILE') return 'user';
  if (s === 'META') return 'room';
  for (const [prefix, name] of [
    ['SESSION#', 'session'],
    ['MEMBER#', 'membership'],
    ['CONN#', 'connection'],
    ['RELAY#', 'relay'],
    ['INVITE#', 'invitation'],
  ] as const) {
    if (s.startsWith(prefix)) return name;
  }
  return p.split('#')[0] ?? 'unknown';
}

/** `Get:session`, `Put:message`, `Query:USER/CONN#`, `Query:USER@GSI1`, `TransactWrite:3` … */
function labelOf(command: { constructor: { name: string }; input?: Record<string, unknown> }): string {
  const op = command.constructor.name.replace(/Command$/, '');
  const input = command.input ?? {};
  const key = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  if (key !== undefined) return `${op}:${entityOf(key.PK, key.SK)}`;
  if (op === 'Query') {
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    const pk = typeof values[':pk'] === 'string' ? values[':pk'].split('#')[0] : '?';
    const prefix = typeof values[':prefix'] === 'string' ? `/${values[':prefix']}` : '';
    const index = typeof input.IndexName === 'string' ? `@${input.IndexName}` : '';
    return `Query:${pk ?? '?'}${prefix}${index}`;
  }
  if (op === 'TransactWrite')
    return `TransactWrite:${(input.TransactItems as unknown[] | undefined)?.length ?? 0}`;
  return op;
}

function record(label: string, t0: number, failed: boolean): void {
  const s = (calls[label] ??= { count: 0, totalMs: 0, errors: 0 });
  s.count += 1;
  s.totalMs += performance.now() - t0;
  if (failed) s.errors += 1;
}

/**
 * What-if mode (op `what-if-cache`, bench flag `--what-if-cache`, switched on after the RSS
 * readings so the cache does not count as connection memory): the first answer of
 * every `Get:session`, `Get:user` and `Get:membership` is reused, so `send_message` costs one
 * DynamoDB round trip (the message Put). It simulates the proposed relay-side fix (session
 * validity, membership and author name known to the connection) to measure what it would buy.
 * Never use it for anything but this measurement: it ignores logouts, leaves and renames.
 */
const CACHED_READS = new Set(['Get:session', 'Get:user', 'Get:membership']);
let whatIfCache = false;
const readCache = new Map<string, Promise<unknown>>();
/**
 * What-if mode (op `what-if-no-heartbeat`, bench flag `--what-if-no-heartbeat`): presence
 * heartbeat refreshes (`Put:connection`) are answered without a DynamoDB call, simulating a
 * relay-level (batched) heartbeat instead of one PutItem per connection every 30 s.
 */
let whatIfNoHeartbeat = false;

type Send = (this: unknown, command: never, ...rest: unknown[]) => unknown;
/**
 * Counts the relay's DynamoDB calls by patching the document client's `send`. Only in the tsx form
 * (`LAIR_PROBE_CALLS` unset): a bundled relay has its own SDK copy this patch cannot reach, and
 * importing one here would add its memory to the relay's readings (bench/lib/relay-bundle.ts).
 */
async function patchDocumentClient(): Promise<void> {
  const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  const proto = DynamoDBDocumentClient.prototype as unknown as { send: Send };
  const original = proto.send;
  proto.send = countingSend(original);
}
if (process.env.LAIR_PROBE_CALLS !== '0') await patchDocumentClient();

function countingSend(original: Send): Send {
  return function (this: unknown, command: never, ...rest: unknown[]): unknown {
    const label = labelOf(command);
    if (whatIfNoHeartbeat && label === 'Put:connection') {
      record(`${label} (skipped)`, performance.now(), false);
      return Promise.resolve({ $metadata: {} });
    }
    let cacheKey: string | undefined;
    if (whatIfCache && CACHED_READS.has(label)) {
      cacheKey = JSON.stringify((command as { input: { Key?: unknown } }).input.Key);
      const hit = readCache.get(cacheKey);
      if (hit !== undefined) {
        record(`${label} (cached)`, performance.now(), false);
        return hit;
      }
    }
    const t0 = performance.now();
    const result = original.call(this, command, ...rest);
    if (cacheKey !== undefined && result instanceof Promise) readCache.set(cacheKey, result);
    if (result instanceof Promise) {
      result.then(
        () => {
          record(label, t0, false);
        },
        () => {
          record(label, t0, true);
        },
      );
    }
    return result;
  };
}

/** Sampling period of the event-loop monitor, ms; each sample includes it, so it is subtracted. */
const LOOP_RESOLUTION_MS = 5;
const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loop.enable();
let inspector: Session | undefined;

async function handle(req: ProbeRequest): Promise<object> {
  switch (req.op) {
    case 'mem': {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      return { gc: gc !== undefined, ...process.memoryUsage() };
    }
    case 'calls': {
      const snapshot = structuredClone(calls);
      if (req.reset) for (const k of Object.keys(calls)) Reflect.deleteProperty(calls, k);
      return { calls: snapshot };
    }
    case 'loop': {
      const ms = (ns: number): number => Math.max(0, Math.round(ns / 1e3 - LOOP_RESOLUTION_MS * 1e3) / 1e3);
      const out = {
        p50: ms(loop.percentile(50)),
        p99: ms(loop.percentile(99)),
        max: ms(loop.max),
        mean: ms(loop.mean),
      };
      if (req.reset) loop.reset();
      return { loop: out };
    }
    case 'cpu':
      return { cpu: process.cpuUsage() };
    case 'what-if-cache':
      whatIfCache = true;
      return {};
    case 'what-if-no-heartbeat':
      whatIfNoHeartbeat = true;
      return {};
    case 'heap-snapshot':
      (globalThis as { gc?: () => void }).gc?.();
      return { path: writeHeapSnapshot(req.path) };
    case 'profile-start':
      inspector = new Session();
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
      return {};
    case 'profile-stop': {
      if (inspector === undefined) return { error: 'profiler not started' };
      const { profile } = await inspector.post('Profiler.stop');
      await writeFile(req.path, JSON.stringify(profile));
      inspector.disconnect();
      inspector = undefined;
      return { path: req.path };
    }
  }
}

if (process.send !== undefined) {
  process.on('message', (req: ProbeRequest) => {
    void handle(req).then(
      (result) => process.send?.({ id: req.id, ...result }),
      (err: unknown) => process.send?.({ id: req.id, error: String(err) }),
    );
  });
  process.channel?.unref();
}
