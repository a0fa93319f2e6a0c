// Test helper: the local HTTP API on port 0 over a fresh DynamoDB Local table, plus small fetch helpers.
import { randomInt, randomUUID } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHttpDeps, setDeps, type HttpDeps } from '../../lambdas/deps.js';
import { startHttpServer, type RunningHttpServer } from '../../local/http-server.js';
import { loadSettings } from '../../shared/config/settings.js';
import type { DomainEvent } from '../../shared/kernel/events.js';
import { createLogger } from '../../shared/platform/logger.js';
import { keys } from '../../shared/features/index.js';
import { LocalBlobStore } from '../../shared/features/attachments/index.js';
import type { Clock } from '../../shared/kernel/ports.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestTable, deleteTestTable, type TestTable } from './dynamo.js';
import { TEST_TOTP_KEY } from './services.js';

/** A parsed response. `json` is `undefined` when the body is not JSON. */
export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;

  json: any;
}

/** Options of one request. */
export interface RequestOptions {
  /** Bearer token (sent as `Authorization: Bearer <token>`). */
  token?: string;
  /** JSON-serialised with `content-type: application/json`. */
  body?: unknown;
  /** Sent as is (no content type unless given in `headers`). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** X-Forwarded-For; default the API's per-instance address; `null` sends none. */
  ip?: string | null;
}

/** A running API over its own table. */
export interface TestApi {
  baseUrl: string;
  table: TestTable;
  deps: HttpDeps;
  server: RunningHttpServer;
  /** Every event the services published, in order. */
  events: DomainEvent[];
  /** The local attachment store (files in a temp dir, URLs to this server). */
  blobs: LocalBlobStore;
  /** Default X-Forwarded-For of this instance (distinct per instance so rate limits never collide). */
  ip: string;
  request(method: string, path: string, opts?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

/** A random private address, e.g. `10.12.34.56`. */
export function randomIp(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

/**
 * Starts the API: fresh table, settings from `env` (defaults: fixed JWT secret, silent logs,
 * rate limits 100000 so only the rate-limit tests trip them), a recording event publisher,
 * deps injected through `setDeps`, server on 127.0.0.1:0.
 */
export async function startTestApi(
  env: Record<string, string> = {},
  opts: { clock?: Clock } = {},
): Promise<TestApi> {
  const table = await createTestTable();
  const settings = loadSettings(
    {
      LAIR_JWT_SECRET: 'test-secret-http',
      LAIR_TOTP_SECRET_KEY: TEST_TOTP_KEY,
      LAIR_TABLE_NAME: table.tableName,
      LAIR_DYNAMODB_ENDPOINT: table.endpoint,
      LAIR_LOG_LEVEL: 'silent',
      LAIR_TRUST_PROXY: 'true',
      LAIR_RATE_LIMIT_GENERAL: '100000',
      LAIR_RATE_LIMIT_AUTH: '100000',
      LAIR_RATE_LIMIT_MESSAGING: '100000',
      LAIR_RATE_LIMIT_USER_MESSAGES: '100000',
      ...env,
    },
    () => 'unused',
  );
  const logger = createLogger(settings.LAIR_LOG_LEVEL, 'http-test');
  const events: DomainEvent[] = [];
  let baseUrl = '';
  const blobs = new LocalBlobStore({
    dataDir: mkdtempSync(join(tmpdir(), 'lair-blobs-')),
    secret: settings.jwtSecret,
    baseUrl: () => baseUrl,
    clock: opts.clock ?? { now: () => Date.now() },
  });
  const deps = createHttpDeps({
    blobs,
    ...(opts.clock ? { clock: opts.clock } : {}),
    settings,
    logger,
    client: table.client,
    doc: table.doc,
    tableName: table.tableName,
    events: {
      publish: (...e: DomainEvent[]) => {
        events.push(...e);
        return Promise.resolve();
      },
    },
  });
  setDeps(deps);
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', logger, blobs });
  baseUrl = `http://127.0.0.1:${server.port}`;
  const ip = randomIp();
  return {
    baseUrl,
    table,
    deps,
    server,
    events,
    blobs,
    ip,
    async request(method, path, opts = {}) {
      const forwarded = opts.ip === undefined ? ip : opts.ip;
      const headers: Record<string, string> = {
        ...(forwarded === null ? {} : { 'x-forwarded-for': forwarded }),
        ...opts.headers,
      };
      if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined = opts.rawBody;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
      const text = await res.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async close() {
      await server.close();
      setDeps(undefined);
      await deleteTestTable(table);
    },
  };
}

/** A registered user with its credentials and token. */
export interface TestUser {
  id: string;
  username: string;
  email: string;
  password: string;
  token: string;
  sessionId: string;
}

/** Unique alphanumeric username with a prefix (≤ 32 bytes). */
export function uniqueName(prefix = 'u'): string {
  return `${prefix}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/**
 * Registers a user through `POST /api/v1/auth/register`.
 * @throws Error when the status is not 201
 */
export async function registerUser(api: TestApi, prefix = 'u'): Promise<TestUser> {
  const username = uniqueName(prefix);
  const password = 'correct horse battery';
  const email = `${username}@example.com`;
  const res = await api.request('POST', '/api/v1/auth/register', { body: { username, email, password } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return {
    id: res.json.user.id,
    username,
    email,
    password,
    token: res.json.token,
    sessionId: res.json.session.id,
  };
}

/** Creates a room owned by `owner`; returns its id. @throws Error when not 201 */
export async function createRoom(
  api: TestApi,
  owner: TestUser,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await api.request('POST', '/api/v1/rooms', {
    token: owner.token,
    body: { name: uniqueName('room'), ...extra },
  });
  if (res.status !== 201) throw new Error(`create room failed: ${res.status} ${res.text}`);
  return res.json.room.id as string;
}

/** Makes a user a system admin out of band, like upstream's database edit (docs/protocol/http.md §12). */
export async function makeAdmin(
  doc: DynamoDBDocumentClient,
  tableName: string,
  userId: string,
): Promise<void> {
  await doc.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.user(userId),
      UpdateExpression: 'SET #role = :admin',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: { ':admin': 'admin' },
    }),
  );
}

/** Asserts the error envelope: `{"error":{"code","message"}}`, no stack traces. */
export function expectError(res: TestResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.json?.error?.code }).toEqual({ status, code });
  expect(typeof res.json.error.message).toBe('string');
  expect(res.text).not.toMatch(/\bat .+\.(?:ts|js):\d+/);
}

/** Asserts this test file's server never answered 5xx (reads the process-wide request counter). */
export async function expectNoServerErrors(api: TestApi): Promise<void> {
  const res = await api.request('GET', '/metrics');
  expect(res.text.split('\n').filter((l) => /^http_requests_total\{.*status="5\d\d"/.test(l))).toEqual([]);
}
