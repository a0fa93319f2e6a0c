// The embedded stack (`npm start`): DynamoDB Local + table + HTTP API + TCP relay + /ws + stream poller, stopped cleanly on Ctrl-C.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createStreamHandler } from '../lambdas/streams/handler.js';
import { streamComposition } from '../lambdas/streams/deps.js';
import { createHttpDeps, setDeps } from '../lambdas/deps.js';
import { blobStoreFromSettings, composeServices } from '../shared/compose.js';
import { LocalBlobStore } from '../shared/features/attachments/index.js';
import { dynamoBudgets, type Settings } from '../shared/config/settings.js';
import { localTotpKey, TOTP_KEY_FILE } from '../shared/platform/totp-key.js';
import { loadConfig, startConfigReloader } from '../shared/platform/config-source.js';
import { reloadForRoute } from './config-route.js';
import { createLogger, type Logger } from '../shared/platform/logger.js';
import { installProcessGuards } from '../shared/platform/process-guards.js';
import { createDynamoClients, ensureTable } from '../shared/storage/index.js';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { startHttpServer } from './http-server.js';
import { startStreamPoller } from './stream-poller.js';
import { startTtlSweeper } from './ttl-sweeper.js';
import { startSweepTimer } from '../lambdas/invitations/sweep.js';
import { migrateLegacyInvitations } from '../shared/features/invitations/index.js';
import { createRepositories } from '../shared/features/index.js';
import { startRelayFromSettings } from '../relay/from-settings.js';
import { relayMetrics } from '../relay/metrics.js';
import { SHUTDOWN_NOTICE } from '../relay/server.js';
import { ENDPOINT_FILE } from './cli-storage.js';

/**
 * Reads the TLS pair when `LAIR_TLS_ENABLED` is on (docs/protocol/README.md: both paths are then required).
 * @throws Error naming the missing setting or the unreadable file
 */
function loadTls(settings: Settings): { cert: Buffer; key: Buffer } | undefined {
  if (!settings.LAIR_TLS_ENABLED) return undefined;
  const { LAIR_TLS_CERT_PATH: certPath, LAIR_TLS_KEY_PATH: keyPath } = settings;
  if (certPath === undefined || keyPath === undefined) {
    throw new Error('LAIR_TLS_ENABLED is set but LAIR_TLS_CERT_PATH and LAIR_TLS_KEY_PATH are both required');
  }
  return { cert: readFileSync(certPath), key: readFileSync(keyPath) };
}

/** A step to undo on shutdown, run in reverse start order. */
type Stopper = { name: string; stop: () => Promise<void> };

/** Where DynamoDB is: an external endpoint, real AWS, or a DynamoDB Local child we started (docs/design.md §5). */
async function startStorage(
  settings: Settings,
  logger: Logger,
  stoppers: Stopper[],
): Promise<string | undefined> {
  if (settings.LAIR_DYNAMODB_ENDPOINT !== undefined) return settings.LAIR_DYNAMODB_ENDPOINT;
  if (settings.LAIR_USE_AWS) return undefined;
  const dataDir = resolve(settings.LAIR_DATA_DIR);
  const local = await startDynamoDbLocal({
    port: settings.LAIR_DYNAMODB_PORT,
    dataDir,
    log: {
      info: (m) => {
        logger.info(m);
      },
      debug: (m) => {
        logger.debug(m);
      },
    },
  });
  stoppers.push({ name: 'DynamoDB Local', stop: () => local.stop() });
  // `npm run admin` finds this stack's table through this file (local/admin-cli.ts).
  mkdirSync(dataDir, { recursive: true });
  const endpointFile = join(dataDir, ENDPOINT_FILE);
  writeFileSync(endpointFile, `${local.endpoint}\n`);
  stoppers.push({
    name: 'endpoint file',
    stop: () => {
      rmSync(endpointFile, { force: true });
      return Promise.resolve();
    },
  });
  logger.info({ endpoint: local.endpoint, dataDir }, 'DynamoDB Local started');
  return local.endpoint;
}

/** `admin.bootstrap_usernames` at startup (docs/protocol/extensions.md §9): listed users that exist become admin. */
async function applyBootstrapAdmins(
  settings: Settings,
  doc: Parameters<typeof composeServices>[0]['doc'],
  tableName: string,
  logger: Logger,
): Promise<void> {
  if (settings.LAIR_ADMIN_BOOTSTRAP_USERNAMES.length === 0) return;
  const { services } = composeServices({
    doc,
    tableName,
    jwtSecret: settings.jwtSecret,
    events: { publish: () => Promise.resolve() },
    bootstrapAdmins: settings.LAIR_ADMIN_BOOTSTRAP_USERNAMES,
  });
  const granted = await services.moderation.applyBootstrap();
  if (granted.length > 0) logger.info({ granted }, 'admin.bootstrap_usernames: granted admin');
}

/** A started stack: the bound ports and the function that stops everything in reverse order. */
export interface LocalStack {
  httpPort: number;
  tcpPort: number;
  /** DynamoDB endpoint in use (`undefined` = real AWS). */
  endpoint: string | undefined;
  shutdown: () => Promise<void>;
}

/**
 * Starts everything, prints where each part listens, and returns the ports and a shutdown function.
 * @param env - process environment (LAIR_* settings, README "Configuration")
 * @throws Error with a one-line message when Java is missing or a port is taken
 */
export async function startLocalStack(
  env: NodeJS.ProcessEnv,
  argv: readonly string[] = [],
): Promise<LocalStack> {
  // env > --config FILE / LAIR_CONFIG > defaults; a bad key stops here (docs/protocol/extensions.md §10).
  const config = loadConfig(argv, env, () => randomBytes(32).toString('base64'));
  const { settings } = config;
  const logger = createLogger(settings.LAIR_LOG_LEVEL, 'local');
  if (settings.jwtSecretGenerated) {
    logger.warn(
      'LAIR_JWT_SECRET is not set: a random secret was generated for this run. Every restart invalidates all tokens; set LAIR_JWT_SECRET to keep them.',
    );
  }
  const tls = loadTls(settings); // fail fast, before anything is started
  // TOTP secrets at rest (docs/adr/021): the setting, else a key file kept in LAIR_DATA_DIR.
  const totp = localTotpKey(settings);
  settings.totpKey = totp.key;
  if (totp.source === 'generated')
    logger.info({ dataDir: settings.LAIR_DATA_DIR }, `generated ${TOTP_KEY_FILE}`);
  const stoppers: Stopper[] = [];
  const shutdown = async (): Promise<void> => {
    // Reverse start order; each step runs once even if shutdown is called twice (signal + fatal error).
    for (const s of stoppers.splice(0).reverse()) {
      try {
        await s.stop();
      } catch (err) {
        logger.error({ err }, `stopping ${s.name} failed`);
      }
    }
  };
  try {
    const endpoint = await startStorage(settings, logger, stoppers);
    const region = settings.AWS_REGION;
    const tableName = settings.LAIR_TABLE_NAME;
    const { client, doc } = createDynamoClients({
      region,
      ...dynamoBudgets(settings),
      ...(endpoint ? { endpoint } : {}),
    });
    await ensureTable(client, tableName, {
      info: (m) => {
        logger.info(m);
      },
    });

    await applyBootstrapAdmins(settings, doc, tableName, logger);

    // One attachment store for both sides: S3 with LAIR_ATTACHMENTS_BUCKET, else files served by the HTTP server's /blobs routes.
    const blobs = blobStoreFromSettings(settings);
    const relayLogger = logger.child({ component: 'relay' });
    const running = await startRelayFromSettings({ settings, doc, blobs, logger: relayLogger });
    stoppers.push({ name: 'relay', stop: () => running.close({ notice: SHUTDOWN_NOTICE }) });

    // The HTTP side is wired exactly as a Lambda is: its own services, publishing to relays over the internal endpoint.
    const httpLogger = logger.child({ component: 'http' });
    const reloader = startConfigReloader(config, logger, [logger, httpLogger, relayLogger]);
    stoppers.push({
      name: 'config reloader',
      stop: () => {
        reloader.stop();
        return Promise.resolve();
      },
    });
    setDeps({
      ...createHttpDeps({ settings, logger: httpLogger, client, doc, tableName, blobs }),
      reloadConfig: (by) => reloadForRoute(reloader, by),
    });
    const http = await startHttpServer({
      port: settings.LAIR_HTTP_PORT,
      logger: httpLogger,
      ...(blobs instanceof LocalBlobStore ? { blobs } : {}),
      ...(tls ? { tls } : {}),
      // One /metrics for the whole local stack: HTTP metrics, then the relay's (relay/metrics.ts).
      extraMetrics: async () => (await relayMetrics()).body,
    });
    running.attachWebSocket(http.server);
    stoppers.push({ name: 'HTTP server', stop: () => http.close() });

    if (endpoint !== undefined) {
      const streamLogger = logger.child({ component: 'streams' });
      const poller = await startStreamPoller({
        endpoint,
        region,
        tableName,
        handler: createStreamHandler({
          logger: streamLogger,
          deps: () =>
            Promise.resolve(streamComposition({ settings, doc, logger: streamLogger, tableName, blobs })),
        }),
        logger: logger.child({ component: 'stream-poller' }),
      });
      stoppers.push({ name: 'stream poller', stop: () => poller.stop() });
      // DynamoDB Local's TTL job stalls on items without every GSI key (docs/adr/017): sweep expired items every minute.
      const ttl = startTtlSweeper({ doc, tableName, logger: logger.child({ component: 'ttl-sweeper' }) });
      stoppers.push({ name: 'TTL sweeper', stop: () => ttl.stop() });
    }
    // Invitations (docs/adr/008): upgrade old-layout items once, then the reminder/expiry sweep every minute.
    await migrateLegacyInvitations(doc, tableName, Date.now());
    // TOTP secrets written before encryption at rest (docs/adr/021): sealed once here.
    const sealed = await createRepositories(doc, tableName, {
      totpKey: settings.totpKey,
    }).totp.sealPlaintext();
    if (sealed > 0) logger.info({ sealed }, 'sealed plaintext TOTP secrets');
    const sweepLogger = logger.child({ component: 'invitation-sweep' });
    const sweep = startSweepTimer(
      streamComposition({ settings, doc, logger: sweepLogger, tableName, blobs }),
      sweepLogger,
    );
    stoppers.push({ name: 'invitation sweep', stop: () => sweep.stop() });

    const scheme = tls ? 'https' : 'http';
    const lines = [
      `Lair Chat is up (table "${tableName}" on ${endpoint ?? 'AWS DynamoDB'})`,
      `  HTTP API   ${scheme}://127.0.0.1:${http.port}/api/v1   (health: /health, ready: /ready, metrics: /metrics)`,
      `  WebSocket  ${scheme === 'https' ? 'wss' : 'ws'}://127.0.0.1:${http.port}/ws`,
      `  TCP relay  127.0.0.1:${running.port}`,
      `  Press Ctrl-C to stop.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return { httpPort: http.port, tcpPort: running.port, endpoint, shutdown };
  } catch (err) {
    await shutdown();
    throw err;
  }
}

async function main(): Promise<void> {
  let shutdown: () => Promise<void>;
  try {
    ({ shutdown } = await startLocalStack(process.env, process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`lair-chat: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  installProcessGuards(createLogger(process.env.LAIR_LOG_LEVEL ?? 'info', 'local'), shutdown);
  let stoppingSince: number | undefined;
  const onSignal = (signal: string): void => {
    // Under `npm start` a Ctrl-C arrives twice (from the terminal and relayed by tsx): duplicates
    // within 1 s are the same press; a later press forces the exit.
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince > 1000) process.exit(1);
      return;
    }
    stoppingSince = Date.now();
    process.stdout.write(`\n${signal}: stopping… (press Ctrl-C again to force)\n`);
    void shutdown().then(() => {
      process.stdout.write('stopped.\n');
      process.exit(0);
    });
  };
  process.on('SIGINT', () => {
    onSignal('SIGINT');
  });
  process.on('SIGTERM', () => {
    onSignal('SIGTERM');
  });
}

if (
  process.argv[1] !== undefined &&
  resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)
) {
  void main();
}
