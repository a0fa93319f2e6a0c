// Test helper: a real relay over a fresh DynamoDB Local table, plus minimal TCP (plain/encrypted) and WebSocket clients.
import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { WebSocket } from 'ws';
import { composeServices, type Repositories } from '../../shared/compose.js';
import { coalesceGets } from '../../shared/storage/coalesced-gets.js';
import type { AuthResult } from '../../shared/features/auth/index.js';
import { createLogger, type Logger } from '../../shared/platform/logger.js';
import type { Services } from '../../shared/features/index.js';
import type { RateLimiter } from '../../shared/kernel/ports.js';
import {
  decryptPayload,
  deriveKey,
  encodeFrame,
  encryptPayload,
  FrameDecoder,
  generateKeyPair,
  parsePublicKey,
} from '../../relay/protocol/index.js';
import { createRelay, type ConnectionTimeouts, type RunningRelay } from '../../relay/server.js';
import { createTestTable, deleteTestTable, type TestTable } from './dynamo.js';
import { TEST_TOTP_KEY, userInput } from './services.js';

/** JWT / HMAC secret of test relays. */
export const RELAY_TEST_SECRET = 'relay-test-secret';

/** A parsed server message (tests read fields freely). */
export type Msg = Record<string, any>;

/** Options of {@link startTestRelay}. */
export interface TestRelayOptions {
  /** Reuse a table (several relays over one table); default a fresh one, deleted on close. */
  table?: TestTable;
  maxConnections?: number;
  queueLimit?: number;
  queueByteLimit?: number;
  timeouts?: Partial<ConnectionTimeouts>;
  closeGraceMs?: number;
  /** login/register attempts per peer address per 60 s (relay `authRateLimit`); default unlimited. */
  authAttemptsPerMinute?: number;
  /** send_message lease, ms (relay `authLeaseMs`); default the relay's default. */
  authLeaseMs?: number;
  /** Lead of `session_expiring`, ms (relay `sessionExpiringLeadMs`); default 5 min. */
  sessionExpiringLeadMs?: number;
  /** Per-user send budget per 60 s (relay `messageRateLimit`) over `messageLimiter` (default the table's); default unlimited. */
  messagesPerMinute?: number;
  messageLimiter?: RateLimiter;
  /** Coalesce the services' GetItems per loop turn as the deployed relay does (docs/adr/029); default true. */
  coalesceGets?: boolean;
  /** Called per coalesced BatchGetItem with its distinct key count (tests of the batching). */
  onGetBatch?: (keys: number) => void;
}

/** A running relay with its services. */
export interface TestRelay {
  relay: RunningRelay;
  services: Services;
  repos: Repositories;
  table: TestTable;
  logger: Logger;
  /** Registers a fresh user over the services (HTTP-style session) and returns its token. */
  register(): Promise<AuthResult>;
  close(): Promise<void>;
}

/** Log level of test relays: `LAIR_TEST_LOG_LEVEL` (default silent). */
export function testLogger(name = 'relay-test'): Logger {
  return createLogger(process.env.LAIR_TEST_LOG_LEVEL ?? 'silent', name);
}

/** Starts a relay on free ports (TCP + internal) whose services publish through it. */
export async function startTestRelay(opts: TestRelayOptions = {}): Promise<TestRelay> {
  const ownTable = opts.table === undefined;
  const table = opts.table ?? (await createTestTable());
  const logger = testLogger();
  const r = createRelay({
    secret: RELAY_TEST_SECRET,
    logger,
    port: 0,
    host: '127.0.0.1',
    maxConnections: opts.maxConnections ?? 0,
    queueLimit: opts.queueLimit ?? 1024,
    ...(opts.queueByteLimit !== undefined ? { queueByteLimit: opts.queueByteLimit } : {}),
    closeGraceMs: opts.closeGraceMs ?? 1000,
    ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
    relayCacheMs: 0,
    ...(opts.authLeaseMs !== undefined ? { authLeaseMs: opts.authLeaseMs } : {}),
    ...(opts.sessionExpiringLeadMs !== undefined
      ? { sessionExpiringLeadMs: opts.sessionExpiringLeadMs }
      : {}),
  });
  const { services, repos } = composeServices({
    doc:
      opts.coalesceGets === false
        ? table.doc
        : coalesceGets(table.doc, opts.onGetBatch ? { onBatch: opts.onGetBatch } : {}),
    tableName: table.tableName,
    jwtSecret: RELAY_TEST_SECRET,
    totpKey: TEST_TOTP_KEY,
    events: r.publisher,
  });
  const relay = await r.start({
    services,
    presence: repos.presence,
    memberships: repos.memberships,
    ...(opts.authAttemptsPerMinute !== undefined
      ? { authRateLimit: { limiter: repos.rateLimiter, perMinute: opts.authAttemptsPerMinute } }
      : {}),
    ...(opts.messagesPerMinute !== undefined
      ? {
          messageRateLimit: {
            limiter: opts.messageLimiter ?? repos.rateLimiter,
            perMinute: opts.messagesPerMinute,
          },
        }
      : {}),
  });
  return {
    relay,
    services,
    repos,
    table,
    logger,
    register: () => services.auth.register(userInput(), 'http'),
    async close() {
      await relay.close();
      if (ownTable) await deleteTestTable(table);
    },
  };
}

/** Received messages with order-independent waiting. */
class Inbox {
  readonly all: Msg[] = [];
  private readonly queue: Msg[] = [];
  private waiters: { pred: (m: Msg) => boolean; resolve: (m: Msg) => void }[] = [];

  push(m: Msg): void {
    this.all.push(m);
    const i = this.waiters.findIndex((w) => w.pred(m));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      w!.resolve(m);
    } else {
      this.queue.push(m);
    }
  }

  /** The first unread message matching `pred` (default any), removed from the queue. */
  next(pred: (m: Msg) => boolean = () => true, timeoutMs = 5000, what = 'message'): Promise<Msg> {
    const i = this.queue.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = {
        pred,
        resolve: (m: Msg) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; unread: ${JSON.stringify(this.queue)}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Unread messages matching `pred`, without consuming them. */
  peek(pred: (m: Msg) => boolean): Msg[] {
    return this.queue.filter(pred);
  }
}

/** Base of the two test clients. */
abstract class TestClient {
  readonly inbox = new Inbox();
  /** Resolves when the server closed the connection (TCP: EOF/close; WS: close event). */
  readonly closed: Promise<void>;
  isClosed = false;
  protected markClosed: () => void = () => undefined;

  constructor() {
    this.closed = new Promise((resolve) => {
      this.markClosed = () => {
        this.isClosed = true;
        resolve();
      };
    });
  }

  abstract send(msg: unknown): void;

  next(pred: (m: Msg) => boolean = () => true, timeoutMs = 5000): Promise<Msg> {
    return this.inbox.next(pred, timeoutMs);
  }

  /** The next message of `type`. */
  nextOf(type: string, timeoutMs = 5000, extra: (m: Msg) => boolean = () => true): Promise<Msg> {
    return this.inbox.next((m) => m.type === type && extra(m), timeoutMs, `"${type}"`);
  }

  /** Sends `msg` and waits for its `<type>_response`. */
  async request(msg: { type: string } & Record<string, unknown>, timeoutMs = 5000): Promise<Msg> {
    this.send(msg);
    return this.nextOf(`${msg.type}_response`, timeoutMs);
  }

  /** Resolves true when no message matching `pred` arrives within `ms`. */
  async expectNone(pred: (m: Msg) => boolean, ms = 300): Promise<boolean> {
    await new Promise((r) => setTimeout(r, ms));
    return this.inbox.peek(pred).length === 0;
  }

  /** Waits for the close, failing after `timeoutMs`. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.closed,
        new Promise((_, reject) => {
          timer = setTimeout(() => {
            reject(new Error('connection did not close'));
          }, timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Minimal TCP client: framing, optional X25519/AES-GCM (docs/protocol/tcp.md §1, §5), inbox of parsed messages. */
export class TestTcpClient extends TestClient {
  private readonly decoder = new FrameDecoder();
  private key: Buffer | undefined;
  private pendingPrivate: KeyObject | undefined;
  /** Frames that could not be decrypted/parsed (must stay empty). */
  readonly garbage: Buffer[] = [];

  private constructor(readonly socket: Socket) {
    super();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.decoder.push(chunk)) this.onFrame(frame);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.markClosed();
    });
    socket.on('end', () => {
      this.markClosed();
    });
  }

  /** Connects; resolves once the TCP connection is established. */
  static connect(port: number, host = '127.0.0.1'): Promise<TestTcpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.once('connect', () => {
        resolve(new TestTcpClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** True once key exchange completed. */
  get encrypted(): boolean {
    return this.key !== undefined;
  }

  private onFrame(frame: Buffer): void {
    let plain = frame;
    if (this.key !== undefined) {
      try {
        plain = decryptPayload(this.key, frame);
      } catch {
        this.garbage.push(frame);
        return;
      }
    }
    let msg: Msg;
    try {
      msg = JSON.parse(plain.toString('utf8')) as Msg;
    } catch {
      this.garbage.push(frame);
      return;
    }
    if (msg.type === 'key_exchange_response' && this.pendingPrivate !== undefined) {
      const peer = parsePublicKey(String(msg.public_key));
      if (peer !== null) this.key = deriveKey(this.pendingPrivate, peer);
      this.pendingPrivate = undefined;
    }
    this.inbox.push(msg);
  }

  /** Sends one JSON message (encrypted after key exchange). */
  send(msg: unknown): void {
    this.sendPayload(Buffer.from(JSON.stringify(msg), 'utf8'));
  }

  /** Frames (and encrypts, when on) arbitrary payload bytes. */
  sendPayload(payload: Buffer): void {
    this.socket.write(encodeFrame(this.key === undefined ? payload : encryptPayload(this.key, payload)));
  }

  /** Writes raw bytes (no framing). */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** server_hello -> client_hello (-> key_exchange -> key_exchange_response when `encrypt`). */
  async handshake(encrypt = false, extensions: string[] = []): Promise<void> {
    await this.nextOf('server_hello');
    this.send({
      type: 'client_hello',
      version: '1.0',
      client_name: 'test',
      features: [...(encrypt ? ['encryption'] : []), ...extensions],
    });
    if (!encrypt) return;
    const { privateKey, publicKeyB64 } = generateKeyPair();
    this.pendingPrivate = privateKey;
    this.send({ type: 'key_exchange', public_key: publicKeyB64 });
    await this.nextOf('key_exchange_response');
  }

  /** Handshake then `authenticate`; throws unless it succeeds. */
  async login(token: string, encrypt = false, extensions: string[] = []): Promise<Msg> {
    await this.handshake(encrypt, extensions);
    const res = await this.request({ type: 'authenticate', request_id: 'auth', token });
    if (res.success !== true) throw new Error(`authenticate failed: ${JSON.stringify(res)}`);
    return res;
  }

  close(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Minimal WebSocket client for `/ws` (docs/protocol/websocket.md). */
export class TestWsClient extends TestClient {
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    super();
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.inbox.push(JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '{}') as Msg);
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.markClosed();
    });
    ws.on('error', () => undefined);
  }

  /** Opens `ws://127.0.0.1:<port>/ws` (with `?token=` and `&features=` when given). */
  static connect(port: number, token?: string, features?: string): Promise<TestWsClient> {
    const query = [
      ...(token !== undefined ? [`token=${encodeURIComponent(token)}`] : []),
      ...(features !== undefined ? [`features=${encodeURIComponent(features)}`] : []),
    ];
    const url = `ws://127.0.0.1:${port}/ws${query.length > 0 ? `?${query.join('&')}` : ''}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new TestWsClient(ws);
      ws.once('open', () => {
        resolve(client);
      });
      ws.once('error', reject);
    });
  }

  send(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  close(): void {
    this.ws.close();
  }
}

/** A user registered over the services and connected (plain or encrypted) and authenticated over TCP. */
export async function connectUser(
  relay: TestRelay,
  opts: { encrypt?: boolean; auth?: AuthResult; extensions?: string[] } = {},
): Promise<{ client: TestTcpClient; auth: AuthResult }> {
  const auth = opts.auth ?? (await relay.register());
  const client = await TestTcpClient.connect(relay.relay.port);
  await client.login(auth.token, opts.encrypt ?? false, opts.extensions ?? []);
  return { client, auth };
}

/** Success shape of docs/protocol/tcp.md §2.2: request_id echoed, success true, no error key. */
export function expectOk(res: Msg, type: string, requestId: string | null): void {
  expect(res).toMatchObject({ type, request_id: requestId, success: true });
  expect(res).not.toHaveProperty('error');
}

/** Failure shape: error {code, message}, no payload fields. */
export function expectFail(res: Msg, type: string, code: string, message?: string): void {
  expect(res).toMatchObject({ type, success: false, error: { code } });
  if (message !== undefined) expect(res.error.message).toBe(message);
  for (const field of [
    'message',
    'room',
    'user',
    'membership',
    'invitation',
    'messages',
    'rooms',
    'users',
    'session',
    'token',
  ]) {
    expect(res).not.toHaveProperty(field);
  }
}

/** A relay with two authenticated TCP users, as the command suites use it. */
export interface RelayPair {
  relay: TestRelay;
  alice: TestTcpClient;
  bob: TestTcpClient;
  aliceId: string;
  bobId: string;
  /** Asserts neither client received an unparseable frame and the cipher state is as asked. */
  expectClean(): void;
  close(): Promise<void>;
}

/** Starts a relay and connects two fresh users over plain or encrypted TCP. */
export async function startRelayPair(encrypt: boolean): Promise<RelayPair> {
  const relay = await startTestRelay();
  const a = await connectUser(relay, { encrypt });
  const b = await connectUser(relay, { encrypt });
  return {
    relay,
    alice: a.client,
    bob: b.client,
    aliceId: a.auth.user.id,
    bobId: b.auth.user.id,
    expectClean() {
      expect(a.client.garbage).toHaveLength(0);
      expect(b.client.garbage).toHaveLength(0);
      expect(a.client.encrypted).toBe(encrypt);
    },
    async close() {
      a.client.destroy();
      b.client.destroy();
      await relay.close();
    },
  };
}

/**
 * Serves the relay's `/ws` on a plain HTTP server on a free loopback port (every other path: 404),
 * as `npm start` mounts it on its HTTP port. @returns the port and how to close the server
 */
export async function serveWebSocket(relay: TestRelay): Promise<{ port: number; close(): Promise<void> }> {
  const http = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  relay.relay.attachWebSocket(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: (http.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => {
          resolve();
        });
      }),
  };
}
