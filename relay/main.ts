// Standalone relay process (ECS container, local, e2e): settings from env, DynamoDB, services, relay, graceful shutdown.
import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadSettings } from '../shared/config/settings.js';
import { createLogger } from '../shared/platform/logger.js';
import { installProcessGuards } from '../shared/platform/process-guards.js';
import { createDynamoClients, ensureTable } from '../shared/storage/index.js';
import type { RunningRelay } from './server.js';
import { startRelayFromSettings } from './from-settings.js';

/**
 * Environment contract (besides the LAIR_* settings of shared/config/settings.ts: LAIR_TCP_PORT,
 * LAIR_TCP_MAX_CONNECTIONS, LAIR_JWT_SECRET, LAIR_DYNAMODB_ENDPOINT, LAIR_TABLE_NAME, AWS_REGION,
 * LAIR_LOG_LEVEL, LAIR_RELAY_ID, LAIR_RELAY_INTERNAL_HOST, LAIR_RELAY_INTERNAL_PORT,
 * LAIR_RELAY_QUEUE_LIMIT):
 * - `LAIR_RELAY_ADVERTISE_URL`: base URL other processes use for this relay's internal endpoint
 *   (default derived from the bind address; see `internalBaseUrl`).
 * - `LAIR_RELAY_WS_PORT`: when set, also serve `/ws` on an HTTP listener on this port (0 = free port).
 *
 * Once listening, exactly one line is written to stdout (independently of the log level):
 * `{"msg":"relay listening","relayId":…,"port":<tcp>,"internalEndpoint":…,"wsPort":<n|null>}`.
 * SIGINT/SIGTERM close gracefully (deregister, end connections, update presence) and exit 0.
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const settings = loadSettings(env, () => randomBytes(32).toString('base64'));
  const logger = createLogger(settings.LAIR_LOG_LEVEL, 'relay');
  installProcessGuards(logger);
  if (settings.jwtSecretGenerated) {
    logger.warn(
      'LAIR_JWT_SECRET is unset: a random secret was generated; tokens and internal event posts will not work across processes',
    );
  }
  const endpoint = settings.LAIR_DYNAMODB_ENDPOINT;
  const { client, doc } = createDynamoClients({
    region: settings.AWS_REGION,
    ...(endpoint ? { endpoint } : {}),
  });
  if (endpoint)
    await ensureTable(client, settings.LAIR_TABLE_NAME, {
      info: (m) => {
        logger.info(m);
      },
    });

  const running = await startRelayFromSettings({
    settings,
    doc,
    logger,
    ...(env.LAIR_RELAY_ADVERTISE_URL ? { advertiseUrl: env.LAIR_RELAY_ADVERTISE_URL } : {}),
  });

  let http: HttpServer | undefined;
  let wsPort: number | null = null;
  const wsPortSetting = env.LAIR_RELAY_WS_PORT;
  if (wsPortSetting !== undefined && wsPortSetting !== '' && Number.isInteger(Number(wsPortSetting))) {
    http = await listenWs(running, Number(wsPortSetting));
    wsPort = (http.address() as AddressInfo).port;
  }
  process.stdout.write(
    `${JSON.stringify({ msg: 'relay listening', relayId: running.relayId, port: running.port, internalEndpoint: running.internalEndpoint, wsPort })}\n`,
  );

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void (async () => {
      try {
        http?.close();
        await running.close();
        http?.closeAllConnections();
      } catch (err) {
        logger.error({ err }, 'error during shutdown');
      } finally {
        client.destroy();
        process.exit(0);
      }
    })();
  };
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
}

/** An HTTP server answering 404 to plain requests and serving `/ws` upgrades. */
async function listenWs(running: RunningRelay, port: number): Promise<HttpServer> {
  const http = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  running.attachWebSocket(http);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, () => {
      http.off('error', reject);
      resolve();
    });
  });
  return http;
}

main().catch((err: unknown) => {
  process.stderr.write(
    `relay failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
