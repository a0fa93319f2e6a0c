// zod-validated settings from the environment, upstream LAIR_* names (docs/protocol/README.md "Ports and configuration").
import { z } from 'zod';

/** Upstream parses numbers leniently: an unparsable value silently falls back to the default. */
const lenientInt = (def: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((v) => {
      const n = v === undefined ? NaN : Number.parseInt(v, 10);
      return Number.isFinite(n) && n >= 0 && n <= max ? n : def;
    });
/** A TCP port: 0..65535 (0 = any free port where the code allows it). */
const port = (def: number) => lenientInt(def, 65535);
const flag = z
  .string()
  .optional()
  .transform((v) => v !== undefined && (v.toLowerCase() === 'true' || v === '1'));

/**
 * THE settings schema: every setting by its environment name (README "Configuration"). A config
 * file (shared/config/config-file.ts) maps its keys onto these names; append new settings here.
 */
export const settingsSchema = z.object({
  LAIR_TCP_PORT: port(8080),
  LAIR_HTTP_PORT: port(8082),
  LAIR_TCP_MAX_CONNECTIONS: lenientInt(10000),
  LAIR_JWT_SECRET: z.string().min(1).optional(),
  LAIR_TLS_ENABLED: flag,
  LAIR_TLS_CERT_PATH: z.string().optional(),
  LAIR_TLS_KEY_PATH: z.string().optional(),
  LAIR_DYNAMODB_ENDPOINT: z.url().optional(),
  LAIR_TABLE_NAME: z.string().min(3).default('lair-chat'),
  LAIR_DATA_DIR: z.string().default('.data'),
  LAIR_USE_AWS: flag,
  LAIR_DYNAMODB_PORT: port(0),
  AWS_REGION: z.string().default('us-east-1'),
  LAIR_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LAIR_TRUST_PROXY: flag,
  LAIR_RATE_LIMIT_GENERAL: lenientInt(100),
  LAIR_RATE_LIMIT_AUTH: lenientInt(10),
  LAIR_RATE_LIMIT_MESSAGING: lenientInt(30),
  /** Message sends per user per 60 s on every transport, shared by relays and Lambdas (shared/platform/message-rate.ts); 0 = off. */
  LAIR_RATE_LIMIT_USER_MESSAGES: lenientInt(120),
  /** DynamoDB per-attempt response budget, ms (shared/storage/client.ts). */
  LAIR_DYNAMODB_TIMEOUT_MS: lenientInt(10_000),
  /** DynamoDB TCP connect budget, ms. */
  LAIR_DYNAMODB_CONNECT_TIMEOUT_MS: lenientInt(1000),
  /** DynamoDB attempts per call including the first. */
  LAIR_DYNAMODB_MAX_ATTEMPTS: lenientInt(3),
  LAIR_RELAY_ID: z.string().optional(),
  LAIR_RELAY_INTERNAL_HOST: z.string().default('127.0.0.1'),
  LAIR_RELAY_INTERNAL_PORT: port(0),
  LAIR_RELAY_QUEUE_LIMIT: lenientInt(1024),
  /** send_message lease on session/membership checks, ms; 0 = re-read on every send (docs/adr/005). */
  LAIR_RELAY_AUTH_LEASE_MS: lenientInt(30_000),
  /** Concurrent authentications per relay; the rest wait (relay/connection/admission.ts, docs/adr/027); 0 = unbounded. */
  LAIR_RELAY_AUTH_CONCURRENCY: lenientInt(32),
  /** Room-index re-verification period, ms; 0 = off (relay/delivery/reverify-loop.ts). */
  LAIR_RELAY_REVERIFY_MS: lenientInt(60_000),
  /** S3 bucket of attachment bytes (docs/protocol/extensions.md §1.7); unset = files under LAIR_DATA_DIR/attachments/. */
  LAIR_ATTACHMENTS_BUCKET: z.string().min(3).optional(),
  /** Largest attachment, bytes (default 25 MiB). */
  LAIR_ATTACHMENT_MAX_BYTES: lenientInt(25 * 1024 * 1024),
  /** Server default message retention, days (docs/protocol/extensions.md §5); 0 = keep forever. */
  LAIR_RETENTION_DEFAULT_DAYS: lenientInt(0),
  /** Rooms of at most this many members keep member copies of the unread head (fan-out on write, docs/adr/028); 0 = never, at most 50. */
  LAIR_UNREAD_FANOUT_MAX_MEMBERS: lenientInt(10, 50),
  /** AWS: name of the export worker Lambda (async invoke); unset = exports run in process (local). */
  LAIR_EXPORT_FUNCTION: z.string().min(1).optional(),
  /** Base URL clients reach the local HTTP server at, for local attachment URLs; default http(s)://127.0.0.1:<LAIR_HTTP_PORT>. */
  LAIR_PUBLIC_URL: z.url().optional(),
  /** Minimum zxcvbn score 0–4 of a new password (docs/protocol/extensions.md §10). */
  LAIR_AUTH_PASSWORD_MIN_SCORE: lenientInt(2, 4),
  /** Failed logins per account (or unknown identifier) within the window before a lock; 0 = off. */
  LAIR_LOCKOUT_ACCOUNT_FAILURES: lenientInt(5),
  /** Failed logins per source address within the window before it is throttled; 0 = off. */
  LAIR_LOCKOUT_ADDRESS_FAILURES: lenientInt(20),
  /** Lockout counting window, minutes. */
  LAIR_LOCKOUT_WINDOW_MINUTES: lenientInt(15),
  /** Lock length, minutes. */
  LAIR_LOCKOUT_DURATION_MINUTES: lenientInt(15),
  /** Standalone relay: base URL other processes use for its internal endpoint (relay/main.ts). */
  LAIR_RELAY_ADVERTISE_URL: z.url().optional(),
  /** Standalone relay: also serve `/ws` and `/health` on this port. */
  LAIR_RELAY_WS_PORT: z.string().regex(/^\d+$/).optional(),
  /** Standalone relay: SIGTERM drain deadline, ms. */
  LAIR_RELAY_DRAIN_DEADLINE_MS: lenientInt(20_000),
  /**
   * Key material (≥ 32 characters) sealing TOTP secrets at rest (docs/adr/021). Unset: local runs
   * use `LAIR_DATA_DIR/totp-secret.key` (generated once); Lambdas read `LAIR_TOTP_SECRET_KEY_ARN`.
   */
  LAIR_TOTP_SECRET_KEY: z.string().min(32).optional(),
  /** Config file path (TOML or JSON) — the file itself cannot set this (shared/config/config-file.ts). */
  LAIR_CONFIG: z.string().optional(),
  /** Config key `admin.bootstrap_usernames` (docs/protocol/extensions.md §9): comma-separated usernames made admin at startup and on registration. */
  LAIR_ADMIN_BOOTSTRAP_USERNAMES: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
});

/** Parsed settings. Ports are TCP port numbers; rate limits are requests per 60 s window (docs/protocol/http.md §3). */
export type Settings = z.infer<typeof settingsSchema> & {
  /** True when `LAIR_JWT_SECRET` was unset and a random secret was generated for this start. */
  jwtSecretGenerated: boolean;
  /** The effective JWT secret (raw UTF-8 bytes are the HS256 key). Never log it. */
  jwtSecret: string;
  /**
   * The effective TOTP key material (docs/adr/021): `LAIR_TOTP_SECRET_KEY`, or what the root filled
   * in (local key file, Secrets Manager); undefined = TOTP unavailable. Never log it.
   */
  totpKey: string | undefined;
};

/** Base URL of the local HTTP server as clients reach it: `LAIR_PUBLIC_URL`, else `http(s)://127.0.0.1:<LAIR_HTTP_PORT>`. */
export function publicBaseUrl(settings: Settings): string {
  return (
    settings.LAIR_PUBLIC_URL ??
    `${settings.LAIR_TLS_ENABLED ? 'https' : 'http'}://127.0.0.1:${settings.LAIR_HTTP_PORT}`
  );
}

/**
 * Reads settings from `env`. When `LAIR_JWT_SECRET` is unset, a random 32-byte base64 secret is
 * generated (upstream default) and `jwtSecretGenerated` is true so the caller can warn loudly.
 * @param randomSecret - source of the generated secret (injected: `shared/` does no I/O here)
 * @throws z.ZodError on invalid values (e.g. a malformed `LAIR_DYNAMODB_ENDPOINT` URL)
 */
export function loadSettings(env: Record<string, string | undefined>, randomSecret: () => string): Settings {
  const parsed = settingsSchema.parse(env);
  const secret = parsed.LAIR_JWT_SECRET;
  return {
    ...parsed,
    jwtSecret: secret ?? randomSecret(),
    jwtSecretGenerated: secret === undefined,
    totpKey: parsed.LAIR_TOTP_SECRET_KEY,
  };
}

/** The DynamoDB client budgets of `settings` (`LAIR_DYNAMODB_*TIMEOUT_MS`, `LAIR_DYNAMODB_MAX_ATTEMPTS`) for `createDynamoClients`. */
export function dynamoBudgets(settings: Settings): {
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  maxAttempts: number;
} {
  return {
    connectTimeoutMs: settings.LAIR_DYNAMODB_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: settings.LAIR_DYNAMODB_TIMEOUT_MS,
    maxAttempts: Math.max(1, settings.LAIR_DYNAMODB_MAX_ATTEMPTS),
  };
}
