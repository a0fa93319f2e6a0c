// Test support: the stream handler (every registered consumer) fed by the local poller from a test table's DynamoDB Local stream.
import {
  createStreamHandler,
  type StreamConsumer,
  type StreamHandler,
} from '../../lambdas/streams/handler.js';
import { startStreamPoller, type StreamPoller } from '../../local/stream-poller.js';
import { testLogger } from './relay.js';
import type { TestServices } from './services.js';

/** A running pipeline: `handler.stats` counts what the consumers did. */
export interface TestStreamPipeline {
  handler: StreamHandler;
  poller: StreamPoller;
  stop(): Promise<void>;
}

/** Starts the poller (200 ms rounds) over `ts`'s table, feeding the registered consumers (or `consumers`) with `ts`'s composition. */
export async function startTestStreams(
  ts: TestServices,
  consumers?: StreamConsumer[],
): Promise<TestStreamPipeline> {
  const handler = createStreamHandler({
    logger: testLogger(),
    ...(consumers === undefined ? {} : { consumers }),
    deps: () =>
      Promise.resolve({
        services: ts.services,
        repos: ts.repos,
        deps: ts.deps,
        storage: { doc: ts.doc, tableName: ts.tableName },
      }),
  });
  const poller = await startStreamPoller({
    endpoint: process.env.LAIR_DYNAMODB_ENDPOINT ?? '',
    region: 'us-east-1',
    tableName: ts.tableName,
    logger: testLogger(),
    intervalMs: 200,
    handler,
  });
  return { handler, poller, stop: () => poller.stop() };
}

/** Polls `check` (sync or async) every 100 ms until it gives a value other than `undefined`/`false`. @throws after `timeoutMs` */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
