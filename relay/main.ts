// Standalone relay process (ECS container, local, e2e): settings from env, DynamoDB, services, relay, graceful shutdown.
import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dynamoBudgets } from '../shared/config/settings.js';
import { ConfigError } from '../shared/config/config-file.js';
import { appConfigSourceFromEnv } from '../shared/platform/appconfig-source.js';
import { loadConfig, startConfigReloader } from '../shared/platform/config-source.js';
import { startAppConfigPoller } from './appconfig-poller.js';
import { localTotpKey } from '../shared/platform/totp-key.js';
import { createLogger } from '../shared/platform/logger.js';
import { installProcessGuards } from '../shared/platform/process-guards.js';
import { createDynamoClients, ensureTable } from '../shared/storage/index.js';
import { SHUTDOWN_NOTICE, type RunningRelay } from './server.js';
import { startRelayFromSettings } from './from-settings.js';
import { relayMetrics } from './metrics.js';
import { listen } from '../shared/platform/listen.js';

/**
 * Environment contract (besides the LAIR_* settings of shared/config/settings.ts: LAIR_TCP_PORT,
 * LAIR_TCP_MAX_CONNECTIONS, LAIR_JWT_SECRET, LAIR_DYNAMODB_ENDPOINT, LAIR_TABLE_NAME, AWS_REGION,
 * LAIR_LOG_LEVEL, LAIR_RELAY_ID, LAIR_RELAY_INTERNAL_HOST, LAIR_RELAY_INTERNAL_PORT,
 * LAIR_RELAY_QUEUE_LIMIT):
 * - `LAIR_RELAY_ADVERTISE_URL`: base URL other processes use for this relay's internal endpoint
 *   (default derived from the bind address; see `internalBaseUrl`).
 * - `LAIR_RELAY_WS_PORT`: when set, also serve `/ws` and `GET /health` (the container health check)
 *   on an HTTP listener on this port (0 = free port).
 * - `LAIR_APPCONFIG_APPLICATION`/`_ENVIRONMENT`/`_PROFILE` (set by infra/stacks/relay-stack.ts): the
 *   settings document is read from AWS AppConfig before start and polled afterwards
 *   (relay/appconfig-poller.ts, docs/adr/009); a new document applies as SIGHUP does.
 * - `LAIR_RELAY_DRAIN_DEADLINE_MS`: hard limit of the SIGTERM/SIGINT drain, ms (default
 *   {@link DEFAULT_DRAIN_DEADLINE_MS}); on ECS it is set below the container stopTimeout (infra/config.ts).
 *
 * Once listening, exactly one line is written to stdout (independently of the log level):
 * `{"msg":"relay listening","relayId":…,"port":<tcp>,"internalEndpoint":…,"wsPort":<n|null>}`.
 * SIGINT/SIGTERM drain: stop accepting (listeners closed, relay deregistered), tell every
 * authenticated TCP/WS client with a `server_notice` (docs/protocol/tcp.md §8: a listed type, audience
 * everyone), flush and close every connection (presence updated), exit 0; exit 1 if the drain
 * outlives the deadline or a second signal arrives.
 */
export async function main(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  // In AWS the settings document comes from AppConfig (docs/adr/009): read once before start (an
  // invalid document stops startup, as a bad config file does; an unreachable AppConfig does not).
  const source = appConfigSourceFromEnv(env, env.AWS_REGION ?? 'us-east-1');
  let unreachable: unknown;
  if (source !== undefined) {
    try {
      await source.poll();
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      unreachable = err;
    }
  }
  // env > AppConfig document > --config FILE / LAIR_CONFIG > defaults (docs/protocol/extensions.md §10); SIGHUP reloads.
  const config = loadConfig(
    argv,
    env,
    () => randomBytes(32).toString('base64'),
    () => source?.current() ?? {},
  );
  const { settings } = config;
  const logger = createLogger(settings.LAIR_LOG_LEVEL, 'relay');
  installProcessGuards(logger);
  const reloader = startConfigReloader(config, logger);
  if (source !== undefined) {
    if (unreachable !== undefined)
      logger.warn(
        { err: unreachable },
        'AppConfig unreachable at start; env and defaults apply until a poll succeeds',
      );
    startAppConfigPoller({ source, reloader, logger });
  }
  // TOTP secrets at rest (docs/adr/021): ECS injects LAIR_TOTP_SECRET_KEY; locally the data-dir key file.
  try {
    settings.totpKey = localTotpKey(settings).key;
  } catch (err) {
    logger.warn(
      { err },
      'no TOTP secret key (set LAIR_TOTP_SECRET_KEY): two-factor logins answer internal_error',
    );
  }
  if (settings.jwtSecretGenerated) {
    logger.warn(
      'LAIR_JWT_SECRET is unset: a random secret was generated; tokens and internal event posts will not work across processes',
    );
  }
  const endpoint = settings.LAIR_DYNAMODB_ENDPOINT;
  const { client, doc } = createDynamoClients({
    region: settings.AWS_REGION,
    ...dynamoBudgets(settings),
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
    ...(settings.LAIR_RELAY_ADVERTISE_URL ? { advertiseUrl: settings.LAIR_RELAY_ADVERTISE_URL } : {}),
  });

  let http: HttpServer | undefined;
  let wsPort: number | null = null;
  const wsPortSetting = settings.LAIR_RELAY_WS_PORT;
  if (wsPortSetting !== undefined) {
    http = await listenWs(running, Number(wsPortSetting));
    wsPort = (http.address() as AddressInfo).port;
  }
  process.stdout.write(
    `${JSON.stringify({ msg: 'relay listening', relayId: running.relayId, port: running.port, internalEndpoint: running.internalEndpoint, wsPort })}\n`,
  );

  const drainDeadlineMs = settings.LAIR_RELAY_DRAIN_DEADLINE_MS || DEFAULT_DRAIN_DEADLINE_MS;
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, drainDeadlineMs }, 'shutting down');
    setTimeout(() => {
      logger.error({ drainDeadlineMs }, 'drain deadline exceeded; exiting with connections still open');
      process.exit(1);
    }, drainDeadlineMs).unref();
    void (async () => {
      try {
        http?.close();
        await running.close({ notice: SHUTDOWN_NOTICE });
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

/** Default hard limit of the shutdown drain, ms (ECS: `relay.drainSeconds` of infra/config.ts). */
const DEFAULT_DRAIN_DEADLINE_MS = 20_000;

/** An HTTP server serving `/ws` upgrades, `GET /health` (200 `{"status":"ok",…}`) and `GET /metrics` (relay Prometheus text, relay/metrics.ts); 404 otherwise. */
async function listenWs(running: RunningRelay, port: number): Promise<HttpServer> {
  const http = createServer((req, res) => {
    // Container health check (relay/Dockerfile): answered by the event loop, independent of the
    // TCP connection limit, so a relay that is merely full stays healthy. Closed while draining.
    if (req.method === 'GET' && req.url === '/metrics') {
      void relayMetrics().then(({ contentType, body }) => {
        res.setHeader('content-type', contentType);
        res.end(body);
      });
      return;
    }
    if (req.method === 'GET' && req.url === '/health') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'ok', tcpConnections: running.tcpConnectionCount() }));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  running.attachWebSocket(http);
  await listen(http, port);
  return http;
}

main().catch((err: unknown) => {
  process.stderr.write(
    `relay failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
