// Spawns `relay/main.ts` as its own process (as the container runs it) on a test table and waits for its "relay listening" line.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { TestTable } from './dynamo.js';
import { RELAY_TEST_SECRET, type Msg } from './relay.js';
import { TEST_TOTP_KEY } from './services.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** A started relay process; ports are the OS-chosen ones it reported. */
export interface RelayProcess {
  child: ChildProcess;
  port: number;
  wsPort: number;
  relayId: string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Spawns `node --import tsx relay/main.ts` (one process, so a kill cannot orphan a grandchild the
 * way the `tsx` CLI wrapper can) with TCP, internal and WebSocket ports 0, the test secret and
 * `env` on top; resolves on its `{"msg":"relay listening",…}` stdout line.
 * @throws when the process exits or prints nothing usable within 30 s (message carries its stderr)
 */
export function spawnRelayProcess(table: TestTable, env: Record<string, string> = {}): Promise<RelayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'relay/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LAIR_DYNAMODB_ENDPOINT: table.endpoint,
      LAIR_TABLE_NAME: table.tableName,
      LAIR_JWT_SECRET: RELAY_TEST_SECRET,
      LAIR_TOTP_SECRET_KEY: TEST_TOTP_KEY,
      LAIR_TCP_PORT: '0',
      LAIR_RELAY_INTERNAL_PORT: '0',
      LAIR_RELAY_WS_PORT: '0',
      LAIR_LOG_LEVEL: process.env.LAIR_TEST_LOG_LEVEL ?? 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((res) => child.once('exit', res));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((res, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`relay did not start: ${stderr}`));
    }, 30_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      let msg: Msg;
      try {
        msg = JSON.parse(line) as Msg;
      } catch {
        return;
      }
      if (msg.msg === 'relay listening') {
        clearTimeout(timer);
        res({ child, port: msg.port, wsPort: msg.wsPort, relayId: msg.relayId, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code}: ${stderr}`));
    });
  });
}
