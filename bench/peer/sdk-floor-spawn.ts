// Starts bench/peer/sdk-floor.ts in its own process and returns its measurement (the SDK write floor of a persisting relay).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LatencySummary } from '../lib/stats.js';

const ENTRY = fileURLToPath(new URL('./sdk-floor.ts', import.meta.url));

/** One measured operation: CPU of the measuring process per call (/proc/self/stat, 10 ms ticks) and its wall latency. */
export interface SdkFloorOp {
  calls: number;
  /** (utime + stime) of the process over the loop / calls, **µs**. */
  cpuPerCallUs: number;
  /** Wall latency per call, ms. */
  latency: LatencySummary;
}

/** What bench/peer/sdk-floor.ts prints as one JSON line. */
export interface SdkFloorResult {
  /** `DynamoMessageRepository.put`: the send's TransactWriteItems (message Put + head Update). */
  transact: SdkFloorOp;
  /** The same transaction on a low-level client with `cacheMiddleware: true` and util-dynamodb marshalling. */
  transactLowLevel?: SdkFloorOp;
  /** One conditional PutItem of the same message item (the cheapest write that persists a message). */
  putItem: SdkFloorOp;
}

/**
 * Runs the SDK floor process against `endpoint`/`tableName` (`calls` sequential calls of each
 * operation after `calls / 4` warm-up ones, `contentBytes` of content per message).
 * @returns its result, or null when the process failed (logged to stderr)
 */
export function measureSdkFloor(
  endpoint: string,
  tableName: string,
  calls: number,
  contentBytes: number,
): Promise<SdkFloorResult | null> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', ENTRY, endpoint, tableName, String(calls), String(contentBytes)],
      { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, timeout: 300_000 },
      (err, stdout, stderr) => {
        if (err) {
          process.stderr.write(`sdk floor failed: ${err.message}\n${stderr}\n`);
          resolve(null);
          return;
        }
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(line) as SdkFloorResult);
        } catch {
          process.stderr.write(`sdk floor printed no result: ${stdout}\n${stderr}\n`);
          resolve(null);
        }
      },
    );
  });
}
