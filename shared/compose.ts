// The one composition function every root (lambdas, relay, local, tests) calls: repositories + auth + services.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createPasswordHasher } from './auth/password-hasher.js';
import { createTokenService } from './auth/token-service.js';
import { createIdGenerator, systemClock } from './platform/system.js';
import {
  createRepositories,
  createRoomAccess,
  createServices,
  type Repositories,
  type ServiceDeps,
  type Services,
} from './features/index.js';
import type { Clock, EventPublisher, IdGenerator, PasswordHasher } from './kernel/ports.js';
import { publicBaseUrl, type Settings } from './config/settings.js';
import type { ExportRunner } from './features/exports/index.js';
import { retainedReads } from './features/messages/index.js';
import { createRetentionPolicy } from './features/retention/index.js';
import { ATTACHMENT_LIMITS, createBlobStore, type BlobStore } from './features/attachments/index.js';
import type { AuthPolicy, SecurityAudit } from './features/auth/index.js';
import type { Logger } from './platform/logger.js';

/** Every storage port built by `createRepositories` (re-exported for composition roots). */
export type { Repositories };

/** Inputs of {@link composeServices}. */
export interface ComposeOptions {
  /** DynamoDB document client, built once by the caller (docs/style.md §4). */
  doc: DynamoDBDocumentClient;
  /** The single table's name (`LAIR_TABLE_NAME`). */
  tableName: string;
  /** `LAIR_JWT_SECRET`; its raw UTF-8 bytes are the HS256 key (docs/protocol/domain.md §8.1). */
  jwtSecret: string;
  /**
   * The event publisher, or a factory receiving the repositories (for publishers that need them,
   * e.g. RelayEventPublisher reads `repos.presence.listRelays`).
   */
  events: EventPublisher | ((repos: Repositories) => EventPublisher);
  /** Time source (epoch ms); default the wall clock. */
  clock?: Clock;
  /** Id source; default crypto UUID v4 + monotonic ULID. */
  ids?: IdGenerator;
  /** Password hasher; default Argon2id with upstream's parameters. */
  hasher?: PasswordHasher;
  /**
   * Attachment bytes (`createBlobStore` from settings); default a store that refuses every call,
   * for roots that never handle attachments (benchmarks).
   */
  blobs?: BlobStore;
  /** `LAIR_ATTACHMENT_MAX_BYTES`, bytes; default 25 MiB. */
  attachmentMaxBytes?: number;
  /** Password/lockout rules read per use (see {@link authPolicyFromSettings}); default the contract's. */
  authPolicy?: () => AuthPolicy;
  /** Security events sink (see {@link securityAuditToLog}); default dropped. */
  securityAudit?: SecurityAudit;
  /** `admin.bootstrap_usernames` (LAIR_ADMIN_BOOTSTRAP_USERNAMES); default none. */
  bootstrapAdmins?: readonly string[];
  /**
   * Key material sealing TOTP secrets at rest (`LAIR_TOTP_SECRET_KEY` or the data-dir key file,
   * docs/adr/021); default none: TOTP setup/login then fail with `internal_error`.
   */
  totpKey?: string | undefined;
  /** `LAIR_UNREAD_FANOUT_MAX_MEMBERS` (docs/adr/028); default 10. */
  fanoutMaxMembers?: number;
  /** `LAIR_RETENTION_DEFAULT_DAYS` (0 or absent = forever), days. */
  retentionDefaultDays?: number;
  /** Where export jobs run; default in this process. */
  exportRunner?: ExportRunner;
}

/** A BlobStore for roots without attachments: every call rejects (an attachment send answers `internal_error`). */
function unavailableBlobStore(): BlobStore {
  const fail = (): Promise<never> =>
    Promise.reject(new Error('no blob store configured in this composition root'));
  return { uploadUrl: fail, downloadUrl: fail, size: fail, copy: fail, put: fail };
}

/** Result of {@link composeServices}: the services plus what they were built from. */
export interface Composition {
  services: Services;
  repos: Repositories;
  deps: ServiceDeps;
  /** The table the repositories use (stream consumers that sweep whole partitions, e.g. room purge). */
  storage: { doc: DynamoDBDocumentClient; tableName: string };
}

/**
 * Builds repositories over `doc`/`tableName`, the Argon2id hasher, the HS256 token service and
 * every service. One `clock` drives the services, the repositories' expiry filters/TTL values and
 * the token `exp` check. Pure wiring: no I/O happens here.
 */
export function composeServices(opts: ComposeOptions): Composition {
  const clock = opts.clock ?? systemClock;
  const repos = createRepositories(opts.doc, opts.tableName, {
    clock,
    totpKey: opts.totpKey,
    ...(opts.fanoutMaxMembers === undefined ? {} : { fanoutMaxMembers: opts.fanoutMaxMembers }),
  });
  const events = typeof opts.events === 'function' ? opts.events(repos) : opts.events;
  const { rateLimiter: _rateLimiter, ...stores } = repos;
  const retentionDefaultDays = opts.retentionDefaultDays ? opts.retentionDefaultDays : null;
  const retention = createRetentionPolicy({ rooms: repos.rooms, retentionDefaultDays, clock });
  const deps: ServiceDeps = {
    ...stores,
    // Services read messages by id through the retention cutoff (extensions.md §5); repos stay raw.
    messages: retainedReads(repos.messages, { retention, retentionDefaultDays, clock }),
    access: createRoomAccess(repos.memberships),
    events,
    clock,
    ids: opts.ids ?? createIdGenerator(),
    hasher: opts.hasher ?? createPasswordHasher(),
    tokens: createTokenService(opts.jwtSecret, clock),
    blobs: opts.blobs ?? unavailableBlobStore(),
    attachmentMaxBytes: opts.attachmentMaxBytes ?? ATTACHMENT_LIMITS.defaultMaxBytes,
    ...(opts.authPolicy ? { authPolicy: opts.authPolicy } : {}),
    ...(opts.securityAudit ? { securityAudit: opts.securityAudit } : {}),
    bootstrapAdmins: opts.bootstrapAdmins ?? [],
    retentionDefaultDays,
    ...(opts.exportRunner === undefined ? {} : { exportRunner: opts.exportRunner }),
  };
  return {
    services: createServices(deps),
    repos,
    deps,
    storage: { doc: opts.doc, tableName: opts.tableName },
  };
}

/**
 * The BlobStore the settings ask for (docs/protocol/extensions.md §1.7): S3 presigned URLs when
 * `LAIR_ATTACHMENTS_BUCKET` is set, else files under `LAIR_DATA_DIR/attachments` with URLs signed by
 * the JWT secret and based at `LAIR_PUBLIC_URL`. Pure wiring: no I/O here.
 */
export function blobStoreFromSettings(settings: Settings): BlobStore {
  return createBlobStore({
    bucket: settings.LAIR_ATTACHMENTS_BUCKET,
    region: settings.AWS_REGION,
    dataDir: settings.LAIR_DATA_DIR,
    secret: settings.jwtSecret,
    baseUrl: () => publicBaseUrl(settings),
    clock: systemClock,
  });
}

/**
 * The auth policy as a live view of `settings` (docs/protocol/extensions.md §10): each call reads
 * the current values, so a config hot reload that mutates `settings` applies at once.
 * Settings are minutes for windows and locks; the policy is in ms.
 */
export function authPolicyFromSettings(settings: Settings): () => AuthPolicy {
  return () => ({
    passwordMinScore: settings.LAIR_AUTH_PASSWORD_MIN_SCORE,
    account: {
      maxFailures: settings.LAIR_LOCKOUT_ACCOUNT_FAILURES,
      windowMs: settings.LAIR_LOCKOUT_WINDOW_MINUTES * 60_000,
      lockMs: settings.LAIR_LOCKOUT_DURATION_MINUTES * 60_000,
    },
    address: {
      maxFailures: settings.LAIR_LOCKOUT_ADDRESS_FAILURES,
      windowMs: settings.LAIR_LOCKOUT_WINDOW_MINUTES * 60_000,
      lockMs: settings.LAIR_LOCKOUT_DURATION_MINUTES * 60_000,
    },
  });
}

/** Security events as one `warn` log line each (`security: true` + the audit fields); never secrets. */
export function securityAuditToLog(logger: Logger): SecurityAudit {
  return (entry) => {
    logger.warn({ security: true, ...entry }, `security: ${entry.action}`);
  };
}
