// Starts bench/peer/streams-process.ts (the stream poller + consumers) as a child process next to the relay, so the bench reads its CPU separately.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('./streams-process.ts', import.meta.url));

/** A running stream process. */
export interface StreamsProcess {
  pid: number;
  /** SIGTERM, then SIGKILL after `graceMs` (ms). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `node --import tsx bench/peer/streams-process.ts` (one process, so its pid is the
 * poller's) on the bench's DynamoDB with the relay's JWT secret (it signs the event posts to the
 * relay's internal endpoint), log level warn, and resolves once it prints `streams polling`.
 * @throws Error when the child exits or stays silent for 60 s
 */
export async function spawnStreams(opts: {
  endpoint: string;
  tableName: string;
  jwtSecret: string;
}): Promise<StreamsProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      LAIR_DYNAMODB_ENDPOINT: opts.endpoint,
      LAIR_TABLE_NAME: opts.tableName,
      LAIR_JWT_SECRET: opts.jwtSecret,
      LAIR_LOG_LEVEL: 'warn',
    },
  });
  const tail: string[] = [];
  child.stderr.on('data', (b: Buffer) => {
    tail.push(b.toString('utf8'));
    if (tail.length > 20) tail.shift();
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('streams process silent for 60 s'));
    }, 60_000);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`streams process exited: ${tail.join('')}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('"streams polling"')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    pid: child.pid ?? -1,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
