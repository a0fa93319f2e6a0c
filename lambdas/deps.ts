// Composition root of the HTTP Lambdas: settings, logger, DynamoDB clients and services, built once per cold start.
import { lambdaExportRunner } from './history/export-runner.js';
import { randomBytes } from 'node:crypto';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  authPolicyFromSettings,
  blobStoreFromSettings,
  composeServices,
  securityAuditToLog,
  type Repositories,
} from '../shared/compose.js';
import { dynamoBudgets, loadSettings, type Settings } from '../shared/config/settings.js';
import type { BlobStore } from '../shared/features/attachments/index.js';
import { RelayEventPublisher } from '../shared/delivery/relay-publisher.js';
import { createLogger, type Logger } from '../shared/platform/logger.js';
import type { Clock, EventPublisher, RateLimiter } from '../shared/kernel/ports.js';
import type { Services } from '../shared/features/index.js';
import { createDynamoClients } from '../shared/storage/index.js';
import type { MetricsSource } from './http/metrics.js';
import { fetchSecretString } from './secret.js';
import { appConfigSourceFromEnv } from './appconfig.js';
import { ConfigError, resolveSettings } from '../shared/config/config-file.js';
import { LiveConfig } from '../shared/config/reload.js';
import { DomainError } from '../shared/kernel/errors.js';
import { JWT_SECRET_ARN_ENV, TOTP_SECRET_KEY_ARN_ENV } from './secret-env.js';

/** What the HTTP middleware and handlers use. Build with {@link createHttpDeps}. */
export interface HttpDeps {
  settings: Settings;
  logger: Logger;
  services: Services;
  /** Fixed-window counters for docs/protocol/http.md §3. */
  rateLimiter: RateLimiter;
  /** Counts behind the `/metrics` gauges (docs/protocol/http.md §11). */
  metrics: MetricsSource;
  /** Really asks DynamoDB (DescribeTable, table ACTIVE, 2 s budget); false on any failure (`/ready`). */
  pingDatabase(): Promise<boolean>;
  /**
   * Re-reads the configuration source and applies its non-critical keys (docs/protocol/extensions.md §10);
   * set by roots that have one (local server: the config file). @param by - who asked, for the log
   * @throws DomainError `validation_failed` naming the key when the new document is invalid (old config kept)
   */
  reloadConfig?: (by: string) => Promise<{ applied: string[]; restart_required: string[] }>;
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
  /**
   * Attachment bytes; default from settings: S3 when `LAIR_ATTACHMENTS_BUCKET` is set, else files
   * under `LAIR_DATA_DIR/attachments/` with URLs to `LAIR_PUBLIC_URL` (the local server).
   */
  blobs?: BlobStore;
  /** Time source of the services and repositories (epoch ms); default the wall clock (tests pass a fake one). */
  clock?: Clock;
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
    totpKey: opts.settings.totpKey,
    blobs: opts.blobs ?? blobStoreFromSettings(opts.settings),
    attachmentMaxBytes: opts.settings.LAIR_ATTACHMENT_MAX_BYTES,
    ...(opts.clock ? { clock: opts.clock } : {}),
    authPolicy: authPolicyFromSettings(opts.settings),
    securityAudit: securityAuditToLog(opts.logger),
    retentionDefaultDays: opts.settings.LAIR_RETENTION_DEFAULT_DAYS,
    fanoutMaxMembers: opts.settings.LAIR_UNREAD_FANOUT_MAX_MEMBERS,
    ...(opts.settings.LAIR_EXPORT_FUNCTION === undefined
      ? {}
      : { exportRunner: lambdaExportRunner(opts.settings.LAIR_EXPORT_FUNCTION, opts.settings.AWS_REGION) }),
    events:
      opts.events ??
      ((r: Repositories) =>
        new RelayEventPublisher({
          presence: r.presence,
          secret: opts.settings.jwtSecret,
          logger: opts.logger,
        })),
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

/** Settings, logger and DynamoDB clients of a Lambda, from its environment. */
export interface LambdaEnvironment {
  settings: Settings;
  /** Re-reads the AppConfig document and applies its non-critical keys (absent without AppConfig). */
  reloadConfig?: HttpDeps['reloadConfig'];
  logger: Logger;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
}

/**
 * Reads settings from `env`: DynamoDB clients (`LAIR_DYNAMODB_ENDPOINT`, `AWS_REGION`), the JWT
 * secret — `LAIR_JWT_SECRET`, else the Secrets Manager secret named by `LAIR_JWT_SECRET_ARN` (what
 * infra/stacks/api-stack.ts sets), else a random one with a loud warning —, the TOTP key
 * (`LAIR_TOTP_SECRET_KEY`, else the secret named by `LAIR_TOTP_SECRET_KEY_ARN`; none = TOTP calls
 * fail), the pino logger `name`.
 * @throws z.ZodError on invalid settings; Error when the secret cannot be fetched
 */
export async function loadLambdaEnvironment(
  env: Record<string, string | undefined>,
  name: string,
): Promise<LambdaEnvironment> {
  const preliminary = loadSettings(env, () => '');
  const { client, doc } = createDynamoClients({
    ...dynamoBudgets(preliminary),
    endpoint: preliminary.LAIR_DYNAMODB_ENDPOINT,
    region: preliminary.AWS_REGION,
  });
  const arn = env[JWT_SECRET_ARN_ENV];
  const fetched =
    env.LAIR_JWT_SECRET === undefined && arn
      ? await fetchSecretString(arn, preliminary.AWS_REGION)
      : undefined;
  // The TOTP key (docs/adr/021) the same way: LAIR_TOTP_SECRET_KEY, else its Secrets Manager secret.
  const totpArn = env[TOTP_SECRET_KEY_ARN_ENV];
  const totpKey =
    env.LAIR_TOTP_SECRET_KEY === undefined && totpArn
      ? await fetchSecretString(totpArn, preliminary.AWS_REGION)
      : undefined;
  const secretEnv = {
    ...env,
    ...(fetched === undefined ? {} : { LAIR_JWT_SECRET: fetched }),
    ...(totpKey === undefined ? {} : { LAIR_TOTP_SECRET_KEY: totpKey }),
  };
  const random = () => randomBytes(32).toString('base64');
  // env > AppConfig document > defaults (docs/adr/009); without AppConfig, env only.
  const source = appConfigSourceFromEnv(env, preliminary.AWS_REGION);
  const settings =
    source === undefined
      ? loadSettings(secretEnv, random)
      : resolveSettings(secretEnv, await source.read(), random).settings;
  const logger = createLogger(settings.LAIR_LOG_LEVEL, name);
  const live =
    source === undefined
      ? undefined
      : new LiveConfig(
          settings,
          async () => resolveSettings(secretEnv, await source.read(), random).settings,
        );
  if (settings.jwtSecretGenerated) {
    logger.warn(
      'LAIR_JWT_SECRET is not set: using a random secret for this process only. Tokens will not verify on other ' +
        'instances or after a restart. Set LAIR_JWT_SECRET (or LAIR_JWT_SECRET_ARN).',
    );
  }
  return {
    settings,
    logger,
    client,
    doc,
    ...(live === undefined
      ? {}
      : {
          reloadConfig: async (by: string) => {
            try {
              const result = await live.reload();
              logger.info({ by, ...result }, 'config reloaded');
              return result;
            } catch (e) {
              if (e instanceof ConfigError) throw new DomainError('validation_failed', e.message);
              throw e;
            }
          },
        }),
  };
}

/**
 * Builds the HTTP deps from `env` ({@link loadLambdaEnvironment} with logger name `http`, then
 * {@link createHttpDeps}).
 * @throws z.ZodError on invalid settings; Error when the secret cannot be fetched
 */
export async function createHttpDepsFromEnv(env: Record<string, string | undefined>): Promise<HttpDeps> {
  const environment = await loadLambdaEnvironment(env, 'http');
  const deps = createHttpDeps(environment);
  return environment.reloadConfig === undefined ? deps : { ...deps, reloadConfig: environment.reloadConfig };
}

let current: Promise<HttpDeps> | undefined;

/**
 * The deps of this process: injected ones if set, else built from `process.env` once per cold
 * start (a failed build is retried on the next call).
 */
export function getDeps(): Promise<HttpDeps> {
  current ??= createHttpDepsFromEnv(process.env).catch((err: unknown) => {
    current = undefined;
    throw err;
  });
  return current;
}

/** Injects deps (tests, the local server); `undefined` resets so the next {@link getDeps} rebuilds from env. */
export function setDeps(deps: HttpDeps | undefined): void {
  current = deps === undefined ? undefined : Promise.resolve(deps);
}
