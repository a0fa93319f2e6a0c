// Command-line flags of the fan-out benchmark (bench/fanout.ts), parsed and validated into BenchArgs.
import { parseArgs } from 'node:util';

/** Everything one benchmark run is configured by. Durations in **seconds** unless the name says ms. */
export interface BenchArgs {
  /** Authenticated TCP clients (one user each). */
  clients: number;
  /** Members per room; rooms = ceil(clients / roomSize), the last one may be smaller. */
  roomSize: number;
  /** Messages per second sent into **each** room during the fixed-rate phase (one sender per room). */
  rate: number;
  /** Length of the fixed-rate phase, s. */
  duration: number;
  /** Length of the closed-loop saturation phase (throughput), s; 0 skips it. */
  saturate: number;
  /** Clients negotiate X25519 + AES-256-GCM (docs/protocol/tcp.md §5). */
  encryption: boolean;
  /** Message content size in bytes (also the size of the baseline PutItem's content). */
  contentBytes: number;
  /** Clients connecting + authenticating at the same time. */
  connectConcurrency: number;
  /** Sequential PutItem calls timed for the baseline p50 (after 100 warm-up calls). */
  baselineOps: number;
  /** Length of the concurrent PutItem throughput baseline, s. */
  baselineSeconds: number;
  /** Quiet time before each RSS reading, s. */
  settle: number;
  /** External DynamoDB endpoint (flag or LAIR_DYNAMODB_ENDPOINT); unset = start DynamoDB Local in memory. */
  endpoint: string | undefined;
  /** Capture a CPU profile of the relay child during the fixed-rate phase (inspector, via the probe). */
  profile: boolean;
  /**
   * Simulate the proposed fix in the relay child: reuse session/user/membership reads so a send
   * costs one DynamoDB call (bench/lib/relay-probe.ts). Results are labelled as a simulation.
   */
  whatIfCache: boolean;
  /** Simulate a relay-level heartbeat: per-connection presence refresh Puts skipped (relay-probe.ts). */
  whatIfNoHeartbeat: boolean;
  /** Heap snapshots of the relay at warm and idle, diffed per connection (snapshots go to the OS temp dir). */
  heapSnapshot: boolean;
  /** Directory for the JSON result (and profile). */
  outDir: string;
  /** Free-form label stored in the result. */
  label: string;
}

const USAGE = `usage: npm run bench -- [--clients 100] [--room-size 10] [--rate 5] [--duration 20]
  [--saturate 10] [--encryption] [--content-bytes 128] [--connect-concurrency 50]
  [--baseline-ops 1000] [--baseline-seconds 10] [--settle 3] [--endpoint http://127.0.0.1:8000]
  [--profile] [--heap-snapshot] [--what-if-cache]
  [--what-if-no-heartbeat] [--out bench/results] [--label text]`;

function positive(name: string, raw: string, allowZero = false): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new Error(
      `--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${raw}"\n${USAGE}`,
    );
  }
  return n;
}

/**
 * Parses `argv` (without node and script). Unknown flags are an error.
 * @param env - source of `LAIR_DYNAMODB_ENDPOINT` when `--endpoint` is absent
 * @throws Error with the usage text on bad input; `--help` throws the usage text alone
 */
export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      clients: { type: 'string', default: '100' },
      'room-size': { type: 'string', default: '10' },
      rate: { type: 'string', default: '5' },
      duration: { type: 'string', default: '20' },
      saturate: { type: 'string', default: '10' },
      encryption: { type: 'boolean', default: false },
      'content-bytes': { type: 'string', default: '128' },
      'connect-concurrency': { type: 'string', default: '50' },
      'baseline-ops': { type: 'string', default: '1000' },
      'baseline-seconds': { type: 'string', default: '10' },
      settle: { type: 'string', default: '3' },
      endpoint: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'what-if-cache': { type: 'boolean', default: false },
      'what-if-no-heartbeat': { type: 'boolean', default: false },
      'heap-snapshot': { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench/results' },
      label: { type: 'string', default: '' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(USAGE);
  const args: BenchArgs = {
    clients: Math.floor(positive('clients', values.clients)),
    roomSize: Math.floor(positive('room-size', values['room-size'])),
    rate: positive('rate', values.rate),
    duration: positive('duration', values.duration),
    saturate: positive('saturate', values.saturate, true),
    encryption: values.encryption,
    contentBytes: Math.floor(positive('content-bytes', values['content-bytes'])),
    connectConcurrency: Math.floor(positive('connect-concurrency', values['connect-concurrency'])),
    baselineOps: Math.floor(positive('baseline-ops', values['baseline-ops'])),
    baselineSeconds: positive('baseline-seconds', values['baseline-seconds']),
    settle: positive('settle', values.settle, true),
    endpoint: values.endpoint ?? (env.LAIR_DYNAMODB_ENDPOINT || undefined),
    profile: values.profile,
    whatIfCache: values['what-if-cache'],
    whatIfNoHeartbeat: values['what-if-no-heartbeat'],
    heapSnapshot: values['heap-snapshot'],
    outDir: values.out,
    label: values.label,
  };
  if (args.roomSize > args.clients)
    throw new Error(`--room-size (${args.roomSize}) exceeds --clients (${args.clients})`);
  if (args.contentBytes < 48 || args.contentBytes > 4096)
    throw new Error('--content-bytes must be within 48..4096');
  return args;
}
