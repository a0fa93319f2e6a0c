// Composition root of the HTTP Lambdas: settings, logger, DynamoDB clients and services, built once per cold start.
import { randomBytes } from 'node:crypto';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { composeServices, type Repositories } from '../shared/compose.js';
import { loadSettings, type Settings } from '../shared/config/settings.js';
import { RelayEventPublisher } from '../shared/delivery/relay-publisher.js';
import { createLogger, type Logger } from '../shared/platform/logger.js';
import type { EventPublisher, RateLimiter } from '../shared/ports/index.js';
import type { Services } from '../shared/services/contracts.js';
import { createDynamoClients } from '../shared/storage/index.js';
import type { MetricsSource } from './http/metrics.js';

/** What the HTTP middleware and handlers use. Build with {@link createHttpDeps}. */
export interface HttpDeps {
  settings: Settings;
  logger: Logger;
  services: Services;
  /** Fixed-window counters for http.md §3. */
  rateLimiter: RateLimiter;
  /** Counts behind the `/metrics` gauges (http.md §11). */
  metrics: MetricsSource;
  /** Really asks DynamoDB (DescribeTable, table ACTIVE, 2 s budget); false on any failure (`/ready`). */
  pingDatabase(): Promise<boolean>;
}

/** Inputs of {@link createHttpDeps}. */
export interface HttpDepsOptions {
  settings: Settings;
  logger: Logger;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** Table name; defaults to `settings.LAIR_TABLE_NAME`. */
  tableName?: string;
  /** Event publisher (or factory over the repositories); default a {@link RelayEventPublisher} posting to live relays. */
  events?: EventPublisher | ((repos: Repositories) => EventPublisher);
}

/** Budget of the readiness probe, ms. */
const READY_TIMEOUT_MS = 2000;

/**
 * Wires services, rate limiter, metric sources and the readiness probe over the given clients.
 * Pure wiring (no I/O). Used by {@link getDeps}, the local server and the tests.
 */
export function createHttpDeps(opts: HttpDepsOptions): HttpDeps {
  const tableName = opts.tableName ?? opts.settings.LAIR_TABLE_NAME;
  const { services, repos } = composeServices({
    doc: opts.doc,
    tableName,
    jwtSecret: opts.settings.jwtSecret,
    events:
      opts.events ??
      ((r: Repositories) => new RelayEventPublisher({ presence: r.presence, secret: opts.settings.jwtSecret, logger: opts.logger })),
  });
  return {
    settings: opts.settings,
    logger: opts.logger,
    services,
    rateLimiter: repos.rateLimiter,
    metrics: {
      onlineUsers: async () => (await repos.presence.listOnlineUserIds()).length,
      totalUsers: () => repos.users.count(),
      totalRooms: () => repos.rooms.count(),
    },
    async pingDatabase() {
      try {
        const out = await opts.client.send(new DescribeTableCommand({ TableName: tableName }), {
          abortSignal: AbortSignal.timeout(READY_TIMEOUT_MS),
        });
        return out.Table?.TableStatus === 'ACTIVE' || out.Table?.TableStatus === 'UPDATING';
      } catch (err) {
        opts.logger.warn({ err }, 'readiness probe: DynamoDB unavailable');
        return false;
      }
    },
  };
}

/**
 * Reads settings from `env` (a random JWT secret with a loud warning when `LAIR_JWT_SECRET` is
 * unset), builds the pino logger (name `http`) and the DynamoDB clients
 * (`LAIR_DYNAMODB_ENDPOINT`, `AWS_REGION`), then {@link createHttpDeps}.
 * @throws z.ZodError on invalid settings
 */
export function createHttpDepsFromEnv(env: Record<string, string | undefined>): HttpDeps {
  const settings = loadSettings(env, () => randomBytes(32).toString('base64'));
  const logger = createLogger(settings.LAIR_LOG_LEVEL, 'http');
  if (settings.jwtSecretGenerated) {
    logger.warn(
      'LAIR_JWT_SECRET is not set: using a random secret for this process only. Tokens will not verify on other ' +
        'instances or after a restart. Set LAIR_JWT_SECRET.',
    );
  }
  const { client, doc } = createDynamoClients({ endpoint: settings.LAIR_DYNAMODB_ENDPOINT, region: settings.AWS_REGION });
  return createHttpDeps({ settings, logger, client, doc });
}

let current: HttpDeps | undefined;

/** The deps of this process: injected ones if set, else built from `process.env` once (cold start). */
export function getDeps(): HttpDeps {
  current ??= createHttpDepsFromEnv(process.env);
  return current;
}

/** Injects deps (tests, the local server); `undefined` resets so the next {@link getDeps} rebuilds from env. */
export function setDepsForTesting(deps: HttpDeps | undefined): void {
  current = deps;
}
