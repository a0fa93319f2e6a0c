// zod-validated settings from the environment, upstream LAIR_* names (docs/protocol/README.md "Ports and configuration").
import { z } from 'zod';

/** Upstream parses numbers leniently: an unparsable value silently falls back to the default. */
const lenientInt = (def: number) =>
  z
    .string()
    .optional()
    .transform((v) => {
      const n = v === undefined ? NaN : Number.parseInt(v, 10);
      return Number.isFinite(n) && n >= 0 ? n : def;
    });
const flag = z
  .string()
  .optional()
  .transform((v) => v !== undefined && (v.toLowerCase() === 'true' || v === '1'));

const schema = z.object({
  LAIR_TCP_PORT: lenientInt(8080),
  LAIR_HTTP_PORT: lenientInt(8082),
  LAIR_TCP_MAX_CONNECTIONS: lenientInt(10000),
  LAIR_JWT_SECRET: z.string().min(1).optional(),
  LAIR_TLS_ENABLED: flag,
  LAIR_TLS_CERT_PATH: z.string().optional(),
  LAIR_TLS_KEY_PATH: z.string().optional(),
  LAIR_DYNAMODB_ENDPOINT: z.url().optional(),
  LAIR_TABLE_NAME: z.string().min(3).default('lair-chat'),
  LAIR_DATA_DIR: z.string().default('.data'),
  LAIR_USE_AWS: flag,
  LAIR_DYNAMODB_PORT: lenientInt(0),
  AWS_REGION: z.string().default('us-east-1'),
  LAIR_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LAIR_TRUST_PROXY: flag,
  LAIR_RATE_LIMIT_GENERAL: lenientInt(100),
  LAIR_RATE_LIMIT_AUTH: lenientInt(10),
  LAIR_RATE_LIMIT_MESSAGING: lenientInt(30),
  LAIR_RELAY_ID: z.string().optional(),
  LAIR_RELAY_INTERNAL_HOST: z.string().default('127.0.0.1'),
  LAIR_RELAY_INTERNAL_PORT: lenientInt(0),
  LAIR_RELAY_QUEUE_LIMIT: lenientInt(1024),
  /** send_message lease on session/membership checks, ms; 0 = re-read on every send (docs/adr/005). */
  LAIR_RELAY_AUTH_LEASE_MS: lenientInt(30_000),
  /** Room-index re-verification period, ms; 0 = off (relay/delivery/reverify-loop.ts). */
  LAIR_RELAY_REVERIFY_MS: lenientInt(60_000),
  /** S3 bucket of attachment bytes (docs/protocol/extensions.md §1.7); unset = files under LAIR_DATA_DIR/attachments/. */
  LAIR_ATTACHMENTS_BUCKET: z.string().min(3).optional(),
  /** Largest attachment, bytes (default 25 MiB). */
  LAIR_ATTACHMENT_MAX_BYTES: lenientInt(25 * 1024 * 1024),
  /** Server default message retention, days (docs/protocol/extensions.md §5); 0 = keep forever. */
  LAIR_RETENTION_DEFAULT_DAYS: lenientInt(0),
  /** AWS: name of the export worker Lambda (async invoke); unset = exports run in process (local). */
  LAIR_EXPORT_FUNCTION: z.string().min(1).optional(),
  /** Base URL clients reach the local HTTP server at, for local attachment URLs; default http(s)://127.0.0.1:<LAIR_HTTP_PORT>. */
  LAIR_PUBLIC_URL: z.url().optional(),
});

/** Parsed settings. Ports are TCP port numbers; rate limits are requests per 60 s window (docs/protocol/http.md §3). */
export type Settings = z.infer<typeof schema> & {
  /** True when `LAIR_JWT_SECRET` was unset and a random secret was generated for this start. */
  jwtSecretGenerated: boolean;
  /** The effective JWT secret (raw UTF-8 bytes are the HS256 key). Never log it. */
  jwtSecret: string;
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
  const parsed = schema.parse(env);
  const secret = parsed.LAIR_JWT_SECRET;
  return {
    ...parsed,
    jwtSecret: secret ?? randomSecret(),
    jwtSecretGenerated: secret === undefined,
  };
}
