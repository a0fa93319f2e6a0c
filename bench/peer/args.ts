// Flags of the peer bench (`npm run bench:peer -- …`): workload, driver workers, which servers, profiling.

/**
 * Servers the peer bench can run: ngircd, the Node floor (bench/peer/node-floor.ts), our relay in
 * plaintext, our relay with X25519 + AES-256-GCM, and our relay in plaintext with other node flags
 * than the container CMD's (`lair-alt`: `--alt-node-flags`, default only `--enable-source-maps`,
 * i.e. V8's default heap sizing, to price the CMD's V8 flags in the same run).
 */
export type PeerServerName = 'irc' | 'node-floor' | 'lair' | 'lair-enc' | 'lair-alt';

/** Our relay's columns (the others are IRC servers). */
export const isLairServer = (name: PeerServerName): boolean => name.startsWith('lair');

/** Parsed flags of bench/peer.ts. */
export interface PeerArgs {
  clients: number;
  roomSize: number;
  /** Messages per second into each room. */
  rate: number;
  /** Fixed-rate phase, s. */
  duration: number;
  /** Warm-up phase at the same rate, s. */
  warmup: number;
  /** Driver worker processes. */
  workers: number;
  contentBytes: number;
  connectConcurrency: number;
  /** Quiet time before RSS readings, s. */
  settle: number;
  /** Length of the idle-CPU window (all connected, silent), s. */
  idleSeconds: number;
  servers: PeerServerName[];
  /** Only connect and read memory (no messages). */
  idleOnly: boolean;
  profile: boolean;
  /** Node flags of the `lair-alt` column (space-separated). */
  altNodeFlags: string[];
  /** Write the relay's V8 heap snapshot after the warm batch and after the last step (`--heap-snapshot`). */
  heapSnapshot: boolean;
  /** Reconnect storm after connecting (lair only): SIGKILL the relay during a send window, start another, every client re-authenticates. */
  storm: boolean;
  /** Clients reconnecting at once in the storm (driver side; the relay's admission gate bounds the rest). */
  stormConcurrency: number;
  /** Length of the send window around the kill, s (the kill is at its middle). */
  stormSendSeconds: number;
  /** Run the stream poller + consumers in their own process next to the relay (default on; `--no-streams`). */
  streams: boolean;
  /** `bundle` (default): the relay as its container runs it (esbuild bundle); `tsx`: relay/main.ts through tsx. */
  relayForm: 'bundle' | 'tsx';
  endpoint: string | undefined;
  outDir: string;
  label: string;
}

const NUM: Record<string, keyof PeerArgs> = {
  '--clients': 'clients',
  '--room-size': 'roomSize',
  '--rate': 'rate',
  '--duration': 'duration',
  '--warmup': 'warmup',
  '--workers': 'workers',
  '--content-bytes': 'contentBytes',
  '--connect-concurrency': 'connectConcurrency',
  '--settle': 'settle',
  '--idle-seconds': 'idleSeconds',
  '--storm-concurrency': 'stormConcurrency',
  '--storm-send-seconds': 'stormSendSeconds',
};

/** @throws Error naming the bad flag */
export function parsePeerArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): PeerArgs {
  const a: PeerArgs = {
    clients: 1000,
    roomSize: 100,
    rate: 2,
    duration: 20,
    warmup: 3,
    workers: 2,
    contentBytes: 128,
    connectConcurrency: 50,
    settle: 3,
    idleSeconds: 5,
    servers: ['irc', 'lair'],
    idleOnly: false,
    profile: false,
    heapSnapshot: false,
    altNodeFlags: ['--enable-source-maps'],
    streams: true,
    storm: false,
    stormConcurrency: 1000,
    stormSendSeconds: 4,
    relayForm: 'bundle',
    endpoint: env.LAIR_DYNAMODB_ENDPOINT,
    outDir: 'bench/results',
    label: '',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const key = NUM[flag];
    if (key !== undefined) {
      const n = Number(next());
      if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a non-negative number`);
      (a as unknown as Record<string, number>)[key] = n;
    } else if (flag === '--servers') {
      const list = next().split(',');
      for (const s of list)
        if (s !== 'irc' && s !== 'node-floor' && s !== 'lair' && s !== 'lair-enc' && s !== 'lair-alt')
          throw new Error(`unknown server ${s}`);
      a.servers = list as PeerServerName[];
    } else if (flag === '--idle-only') a.idleOnly = true;
    else if (flag === '--profile') a.profile = true;
    else if (flag === '--heap-snapshot') a.heapSnapshot = true;
    else if (flag === '--alt-node-flags')
      a.altNodeFlags = next()
        .split(/\s+/)
        .filter((f) => f !== '');
    else if (flag === '--no-streams') a.streams = false;
    else if (flag === '--storm') a.storm = true;
    else if (flag === '--relay') {
      const v = next();
      if (v !== 'bundle' && v !== 'tsx') throw new Error('--relay must be bundle or tsx');
      a.relayForm = v;
    } else if (flag === '--endpoint') a.endpoint = next();
    else if (flag === '--out') a.outDir = next();
    else if (flag === '--label') a.label = next();
    else throw new Error(`unknown flag ${flag}`);
  }
  if (a.clients < 2 || a.roomSize < 2) throw new Error('--clients and --room-size must be >= 2');
  if (a.workers < 1) throw new Error('--workers must be >= 1');
  return a;
}
