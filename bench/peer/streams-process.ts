// The stream side of the stack as its own process for the peer bench: the local stream poller feeding every stream consumer, so its CPU is measured apart from the relay's.
import { createStreamHandler } from '../../lambdas/streams/handler.js';
import { streamComposition } from '../../lambdas/streams/deps.js';
import { startStreamPoller } from '../../local/stream-poller.js';
import { createDynamoClients } from '../../shared/storage/index.js';
import { dynamoBudgets } from '../../shared/config/settings.js';
import { loadConfig } from '../../shared/platform/config-source.js';
import { createLogger } from '../../shared/platform/logger.js';

/**
 * In AWS the stream consumers (lambdas/streams/consumers.ts: search index, counters, retention, …)
 * run in the StreamsFunction Lambda and the ECS container runs only relay/main.ts. `npm start`
 * (local/main.ts) puts both in one process; the peer bench runs relay/main.ts as the container
 * does and THIS process next to it, wired as local/main.ts wires the poller (same handler, same
 * composition, events published to the relay's internal endpoint), so the system behaves the same
 * and the two CPU figures are reported apart (bench/README.md "Peer bench").
 *
 * Env: LAIR_DYNAMODB_ENDPOINT, LAIR_TABLE_NAME, LAIR_JWT_SECRET (the relay's). Prints one line
 * `{"msg":"streams polling"}` on stdout once the poller reads the stream; exits on SIGTERM.
 */
async function main(): Promise<void> {
  const { settings } = loadConfig([], process.env, () => {
    throw new Error('LAIR_JWT_SECRET is required');
  });
  const logger = createLogger(settings.LAIR_LOG_LEVEL, 'streams');
  const endpoint = settings.LAIR_DYNAMODB_ENDPOINT;
  const { client, doc } = createDynamoClients({
    region: settings.AWS_REGION,
    ...dynamoBudgets(settings),
    ...(endpoint ? { endpoint } : {}),
  });
  const tableName = settings.LAIR_TABLE_NAME;
  const poller = await startStreamPoller({
    ...(endpoint ? { endpoint } : {}),
    region: settings.AWS_REGION,
    tableName,
    handler: createStreamHandler({
      logger,
      deps: () => Promise.resolve(streamComposition({ settings, doc, logger, tableName })),
    }),
    logger,
  });
  process.stdout.write(`${JSON.stringify({ msg: 'streams polling' })}\n`);
  process.once('SIGTERM', () => {
    void poller.stop().finally(() => {
      client.destroy();
      process.exit(0);
    });
  });
}

main().catch((err: unknown) => {
  process.stderr.write(
    `streams process failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
