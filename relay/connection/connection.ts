// Per-connection protocol state machine (docs/protocol/tcp.md §3): handshake, key exchange, auth, commands, timers, events.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Uuid } from '../../shared/kernel/types.js';
import {
  mayReceive,
  negotiateFeatures,
  NO_FEATURES,
  type FeatureSet,
} from '../../shared/kernel/extensions.js';
import { toRfc3339Offset } from '../../shared/kernel/time.js';
import type { Logger } from '../../shared/platform/logger.js';
import {
  commandContext,
  failResponse,
  INTERNAL_ERROR_TEXT,
  parseClientMessage,
  type ClientMessage,
  isCommandType,
  runAuth,
  runCommand,
  runLogout,
  typing,
  delivered,
  type AuthContext,
  type AuthMessage,
  type AuthSnapshot,
  type CommandContext,
  type SendLease,
} from '../commands/index.js';
import type { DeliveryTarget } from '../delivery/registry.js';
import {
  errorFrame,
  OutgoingMessage,
  responseTypeFor,
  SERVER_HELLO,
  serializeServerMessage,
  type ServerMessage,
  type TopLevelErrorCode,
  upstreamDetail,
  upstreamTargetRefusal,
} from '../protocol/index.js';
import { AuthLease, sendLeaseOf } from './auth-lease.js';
import { commandDuration, framesIn } from '../metrics.js';
import { requestIdFrom, withRequestId } from '../../shared/platform/request-id.js';
import { InactivityTimer } from './inactivity.js';
import { sharedDeadlines } from './deadline-buckets.js';
import { sendActiveNotices } from './login-notices.js';
import { throttledResponse } from './throttled-response.js';
import { PresenceLink } from './presence-link.js';
import { SerialQueue } from './serial-queue.js';
import { timeoutFor, UNAUTHORIZED_TEXT, type ConnectionEnv as Env, type ConnectionState } from './state.js';
import type { Transport } from './transport.js';

export { DEFAULT_TIMEOUTS, type ConnectionTimeouts } from './inactivity.js';
export type { ConnectionState } from './state.js';

/** Relay-wide dependencies shared by every connection (see state.ts). */
export type ConnectionEnv = Env<Connection>;

/**
 * One client connection over any {@link Transport}. The transport feeds it complete frame payloads
 * ({@link receive}), activity ({@link touch}) and its close ({@link handleClose}); the connection
 * answers through `transport.send`. Frames are processed strictly in order, one at a time.
 */
/** `session_expiring` lead before a session's expiry, ms (docs/protocol/extensions.md §10). */
const SESSION_EXPIRING_LEAD_MS = 5 * 60_000;

export class Connection implements DeliveryTarget {
  /** Unique across relays (presence items, `Audience.exceptConnectionId`). */
  readonly id: string = randomUUID();
  private current: ConnectionState = 'AWAIT_HELLO';
  private requested: FeatureSet = NO_FEATURES;
  private auth: AuthSnapshot | undefined;
  private cancelExpiryWarning: (() => void) | undefined;
  private lease: AuthLease | undefined;
  private sendAccess: SendLease | undefined;
  private heldEvents: OutgoingMessage[] | undefined;
  private cleanup: Promise<void> | undefined;
  private logger: Logger | undefined;
  private readonly timer: InactivityTimer;
  private readonly queue: SerialQueue;
  private readonly presence: PresenceLink;
  private closedSignal: Promise<void> | undefined;
  private signalClosed: (() => void) | undefined;
  private closedDone = false;

  constructor(
    private readonly transport: Transport,
    private readonly env: ConnectionEnv,
  ) {
    this.timer = new InactivityTimer(() => {
      this.log.debug({ state: this.current }, 'inactivity timeout');
      this.sendError('timeout', 'Connection timed out');
      this.closeAfterFlush();
    });
    // One lazy-logger closure for both; the transport is the queue's flow control (issue 16, memory).
    const log = (): Logger => this.log;
    this.queue = new SerialQueue(log, transport);
    this.presence = new PresenceLink(env.services.presence, env.relayId, this.id, env.presence, log);
  }

  /** This connection's logger, made on first use (most connections never log: issue 16, memory per socket). */
  private get log(): Logger {
    this.logger ??= this.env.logger.child({ connectionId: this.id, transport: this.transport.kind });
    return this.logger;
  }

  /** `tcp` or `ws` (metrics). */
  get transportKind(): string {
    return this.transport.kind;
  }

  /** Current state (docs/protocol/tcp.md §3). */
  get state(): ConnectionState {
    return this.current;
  }

  /** The authenticated user's id ('' before authentication). */
  get userId(): Uuid {
    return this.auth?.user.id ?? '';
  }

  private clientName: string | undefined;

  /** Extensions this connection asked for (`client_hello.features` or `/ws?features=`, docs/protocol/extensions.md §0.1). */
  get features(): FeatureSet {
    return this.requested;
  }

  /** The session this connection authenticated with ('' before authentication). */
  get sessionId(): Uuid {
    return this.auth?.session.id ?? '';
  }

  /** DeliveryTarget: the session was deleted elsewhere; commands now fail without a storage read. */
  sessionRevoked(): void {
    this.lease?.revoke();
    this.log.info({ userId: this.userId }, 'session revoked; no more events on this connection');
  }

  /** DeliveryTarget: banned (docs/protocol/extensions.md §9): `error` `account_banned`, then close. */
  accountBanned(message: string): void {
    this.lease?.revoke();
    this.sendError('account_banned', message);
    this.closeAfterFlush();
  }

  /**
   * Sends `server_hello` (plaintext, docs/protocol/tcp.md §4.1) and arms the 30 s timer. With `preAuthToken`
   * (WebSocket `?token=`, docs/protocol/websocket.md §3) an `authenticate` is run at once: success makes the
   * connection AUTHENTICATED, failure answers `authenticate_response` and stays in AWAIT_HELLO.
   * `features` are the extensions asked for outside `client_hello` (WebSocket `?features=a,b`).
   */
  start(preAuthToken?: string, features: readonly string[] = []): void {
    this.requested = negotiateFeatures(features);
    this.send(SERVER_HELLO);
    this.arm();
    if (preAuthToken !== undefined) {
      this.queue.push(() =>
        this.authenticate({ type: 'authenticate', request_id: null, token: preAuthToken }),
      );
    }
  }

  /** A complete frame arrived: re-arm the inactivity timer and queue it for in-order processing. */
  receive(payload: Buffer): void {
    if (!this.isOpen()) return;
    framesIn.inc({ transport: this.transport.kind });
    this.arm();
    this.queue.push(() => this.process(payload));
  }

  /** Activity without a message (WebSocket control ping/pong): re-arms the timer (docs/protocol/websocket.md §2). */
  touch(): void {
    this.arm();
  }

  /** Queues a top-level error in order with the other replies (e.g. WebSocket binary frame). */
  rejectFrame(code: TopLevelErrorCode, message: string): void {
    if (!this.isOpen()) return;
    this.arm();
    this.queue.push(() => {
      this.sendError(code, message);
      return Promise.resolve();
    });
  }

  /**
   * The socket closed (any reason): stops timers, stops event delivery and, when authenticated,
   * records the disconnect in presence (`user_offline` if it was the user's last connection,
   * docs/protocol/tcp.md §3). Idempotent; resolves when presence is updated.
   */
  handleClose(): Promise<void> {
    this.cleanup ??= this.doCleanup().finally(() => {
      this.env.onClosed?.(this);
      this.closedDone = true;
      this.signalClosed?.();
    });
    return this.cleanup;
  }

  /** Resolves once the connection has closed and its cleanup finished (never rejects). */
  whenClosed(): Promise<void> {
    if (this.closedDone) return Promise.resolve();
    this.closedSignal ??= new Promise<void>((resolve) => {
      this.signalClosed = resolve;
    });
    return this.closedSignal;
  }

  /** DeliveryTarget: queue one serialized event (held until the auth response is out). */
  deliver(json: Buffer, shared?: OutgoingMessage): void {
    if (this.current !== 'AUTHENTICATED') return;
    if (this.heldEvents !== undefined) this.heldEvents.push(shared ?? new OutgoingMessage(json));
    else this.transport.send(json, shared);
  }

  /** Ends the connection from the server side: flush, then close (server shutdown). */
  end(): void {
    this.closeAfterFlush();
  }

  private async process(payload: Buffer): Promise<void> {
    if (!this.isOpen()) return;
    const plain = this.transport.unwrap(payload);
    if (plain === null) return;
    const parsed = parseClientMessage(plain);
    if (!parsed.ok) {
      if (parsed.kind === 'not_utf8') this.transport.destroy('payload is not valid UTF-8');
      else {
        const social = this.requested.has('lair.social');
        this.sendError(
          'invalid_message',
          `Invalid JSON: ${social ? parsed.detail : upstreamDetail(parsed.detail)}`,
        );
      }
      return;
    }
    // extensions.md §0.4: the `conversation` target exists only for lair.social connections.
    const refused = upstreamTargetRefusal(parsed.message, this.requested.has('lair.social'));
    if (refused !== null) {
      this.sendError('invalid_message', `Invalid JSON: ${refused}`);
      return;
    }
    await this.dispatch(parsed.message);
  }

  private async dispatch(msg: ClientMessage): Promise<void> {
    if (msg.type === 'ping') {
      this.send({ type: 'pong', server_time: toRfc3339Offset(Date.now()) });
      return;
    }
    switch (this.current) {
      case 'AWAIT_HELLO':
        if (msg.type === 'client_hello') {
          this.clientName = msg.client_name ?? undefined; // the session's user_agent (extensions.md §10)
          this.hello(msg.version, msg.features ?? []);
        } else this.sendError('unauthorized', UNAUTHORIZED_TEXT.AWAIT_HELLO);
        return;
      case 'AWAIT_KEY':
        if (msg.type === 'key_exchange') this.keyExchange(msg.public_key);
        else this.sendError('unauthorized', UNAUTHORIZED_TEXT.AWAIT_KEY);
        return;
      case 'AWAIT_AUTH':
        if (msg.type === 'authenticate' || msg.type === 'login' || msg.type === 'register')
          await this.authenticate(msg);
        else this.sendError('unauthorized', UNAUTHORIZED_TEXT.AWAIT_AUTH);
        return;
      case 'AUTHENTICATED':
        await this.authenticated(msg);
        return;
      case 'CLOSED':
        return;
    }
  }

  /** AWAIT_HELLO + client_hello (docs/protocol/tcp.md §4.2): `1.*` accepted silently; anything else closes. */
  private hello(version: string, features: string[]): void {
    if (!version.startsWith('1.')) {
      this.sendError('version_mismatch', `Unsupported protocol version: ${version}. Server supports: 1.0`);
      this.closeAfterFlush();
      return;
    }
    // A client_hello sent after `/ws?features=` adds to it; an upstream client asks for nothing.
    this.requested = negotiateFeatures([...this.requested, ...features]);
    const encrypt = this.transport.startEncryption !== undefined && features.includes('encryption');
    this.setState(encrypt ? 'AWAIT_KEY' : 'AWAIT_AUTH');
  }

  /** AWAIT_KEY + key_exchange (docs/protocol/tcp.md §5): a bad key gets no reply and the state stays. */
  private keyExchange(publicKey: string): void {
    const ok = this.transport.startEncryption?.(publicKey, (serverKey) =>
      serializeServerMessage({ type: 'key_exchange_response', public_key: serverKey }),
    );
    if (ok === true) this.setState('AWAIT_AUTH');
    else this.log.debug('key_exchange with an invalid public key ignored');
  }

  /**
   * authenticate/login/register (docs/protocol/tcp.md §6), also WebSocket `?token=`. On success: registry attach
   * (room index), presence +1, then the response, then any events that arrived meanwhile.
   */
  private async authenticate(msg: AuthMessage): Promise<void> {
    try {
      // Reconnect storms (issue 16 item 5): at most N authentications at once per relay.
      const gate = this.env.admission;
      if (gate === undefined) await this.authenticateNow(msg);
      else await gate.run(() => this.authenticateNow(msg));
    } finally {
      // The auth context made this connection's logger; an idle connection should not keep it
      // (a pino child is ~1.3 KB: issue 16, memory per connection). The next log line makes it again.
      this.logger = undefined;
    }
  }

  private async authenticateNow(msg: AuthMessage): Promise<void> {
    if (!this.isOpen()) return; // closed while waiting for admission
    const readAt = performance.now(); // lease clock: before the session is read
    const outcome = await runAuth(msg, this.authContext());
    if (!this.isOpen()) return;
    if (outcome.auth === undefined) {
      this.send(outcome.response);
      return;
    }
    const previous = this.current;
    this.auth = outcome.auth;
    this.startLease(outcome.auth, readAt);
    this.heldEvents = [];
    this.setState('AUTHENTICATED');
    try {
      await this.env.registry.attach(this, this.env.loadRooms);
    } catch (err) {
      this.log.error({ err }, 'loading room memberships failed; authentication refused');
      this.env.registry.detach(this);
      this.auth = undefined;
      this.lease = undefined;
      this.sendAccess = undefined;
      this.heldEvents = undefined;
      if (!this.isOpen()) return;
      this.setState(previous);
      this.send(
        failResponse(responseTypeFor(msg.type), msg.request_id, 'internal_error', INTERNAL_ERROR_TEXT),
      );
      return;
    }
    if (this.stateNow() === 'CLOSED') return;
    // The room index just loaded is the `user_online` audience's rooms: no second memberships Query.
    await this.presence.up(outcome.auth.user, this.env.registry.roomsOf(this.userId));
    if (!this.isOpen()) return;
    this.send(outcome.response);
    const held = this.heldEvents;
    this.heldEvents = undefined;
    for (const m of held) this.transport.send(m.json, m);
    this.warnBeforeExpiry(outcome.auth); // after the response: an immediate warning follows it
    // Notices sent while the user was away (docs/protocol/extensions.md §9), after the response and
    // not awaited; lair.moderation only (§0). One cached read per relay, none per login (ADR 026).
    if (this.requested.has('lair.moderation'))
      void sendActiveNotices(
        this.env.services,
        this.userId,
        this.env.registry.roomsOf(this.userId),
        (json) => {
          this.deliver(json);
        },
        () => this.log,
      );
    if (this.env.logger.isLevelEnabled('info'))
      this.log.info({ userId: this.userId }, 'connection authenticated');
  }

  private async authenticated(msg: ClientMessage): Promise<void> {
    const auth = this.auth;
    if (auth === undefined) return;
    switch (msg.type) {
      case 'client_hello':
      case 'authenticate':
      case 'login':
      case 'register':
        this.sendError('invalid_state', 'Already authenticated');
        return;
      case 'key_exchange':
        if (this.transport.kind === 'tcp') this.sendError('not_implemented', 'Operation not yet implemented');
        else this.sendError('not_supported', 'Key exchange not needed for WebSocket');
        return;
      case 'logout':
        this.send(await runLogout(msg, this.authContext(), auth));
        this.closeAfterFlush();
        return;
      case 'typing':
        if (this.env.messageThrottle?.allowTyping(auth.user.id, JSON.stringify(msg.target)) === false) return;
        await typing(msg, this.commandContext(auth));
        return;
      case 'delivered':
        await delivered(msg, this.commandContext(auth));
        return;
      default:
        if (msg.type === 'send_message' && this.env.messageThrottle !== undefined) {
          const waitMs = await this.env.messageThrottle.checkSend(auth.user.id);
          if (waitMs !== null) {
            this.send(throttledResponse(msg.request_id, waitMs));
            return;
          }
        }
        if (isCommandType(msg.type)) {
          const stopTimer = commandDuration.startTimer({ command: msg.type });
          // One id per command: its log lines and the relay-internal posts it causes carry it (issue 17 finding 8).
          const requestId = requestIdFrom(undefined);
          const ctx = this.commandContext(auth, this.log.child({ requestId, command: msg.type }));
          const response = await withRequestId(requestId, () =>
            runCommand(msg as Parameters<typeof runCommand>[0], ctx),
          );
          stopTimer();
          this.send(response);
        }
    }
  }

  private authContext(): AuthContext {
    const { allowAuthAttempt } = this.env;
    const remote = this.transport.remoteAddress;
    return {
      services: this.env.services,
      protocol: this.transport.kind,
      logger: this.log,
      origin: { ip: remote, ...(this.clientName ? { userAgent: this.clientName } : {}) },
      ...(allowAuthAttempt ? { allowAttempt: () => allowAuthAttempt(remote) } : {}),
    };
  }

  private commandContext(auth: AuthSnapshot, log: Logger = this.log): CommandContext {
    const { registry } = this.env;
    return commandContext(
      this.env.services,
      auth,
      this.transport.kind,
      log,
      this.sendAccess,
      (roomId) => registry.indexStamp(auth.user.id, roomId) !== undefined,
      (id) => registry.messageKeys.locate(id),
    );
  }

  /**
   * Starts the send_message lease (docs/adr/005) for a freshly authenticated session whose
   * storage read started at `readAt` (lease clock).
   */
  private startLease(auth: AuthSnapshot, readAt: number): void {
    const { registry, services, authLeaseMs } = this.env;
    const lease = new AuthLease(authLeaseMs, Date.parse(auth.session.expires_at), readAt);
    const userId = auth.user.id;
    this.lease = lease;
    this.sendAccess = sendLeaseOf(lease, registry, () =>
      services.auth.requireSession(auth.claims).then(() => undefined),
    )(userId);
  }

  /**
   * Arms `session_expiring {session_id, expires_at}` (docs/protocol/extensions.md §10) for
   * `sessionExpiringLeadMs` (5 min) before the session expires (up to 1 s late: the relay-wide
   * schedule of relay/connection/deadline-buckets.ts); at once when that is already past. Delivered through the one
   * opt-in check (`mayReceive`); cancelled on close and on re-authentication.
   */
  private warnBeforeExpiry(auth: AuthSnapshot): void {
    this.cancelExpiryWarning?.();
    this.cancelExpiryWarning = undefined;
    const expiresAt = auth.session.expires_at;
    const lead = this.env.sessionExpiringLeadMs ?? SESSION_EXPIRING_LEAD_MS;
    const warnAt = Date.parse(expiresAt) - lead;
    const fire = (): void => {
      this.cancelExpiryWarning = undefined;
      const payload = {
        type: 'session_expiring',
        session_id: auth.session.id,
        expires_at: expiresAt,
      } as const;
      if (
        this.isOpen() &&
        this.auth === auth &&
        Date.parse(expiresAt) > Date.now() &&
        mayReceive(this.requested, payload)
      )
        this.send(payload);
    };
    // One relay-wide per-second schedule, not a Node timer per connection (issue 16; ≤ 1 s late).
    if (warnAt <= Date.now()) fire();
    else this.cancelExpiryWarning = (this.env.deadlines ?? sharedDeadlines).at(warnAt, fire);
  }

  private async doCleanup(): Promise<void> {
    this.current = 'CLOSED';
    this.timer.stop();
    this.cancelExpiryWarning?.();
    this.cancelExpiryWarning = undefined;
    this.env.registry.detach(this);
    await this.presence.down();
  }

  /** The current state, read through a call so TypeScript does not narrow it across `await`. */
  private stateNow(): ConnectionState {
    return this.current;
  }

  /** Not closed and not closing (a method, so checks after `await` are not narrowed away). */
  private isOpen(): boolean {
    return this.current !== 'CLOSED' && !this.transport.closing;
  }

  private setState(next: ConnectionState): void {
    this.current = next;
    this.arm();
  }

  /** (Re-)arms the inactivity timer for the current state (docs/protocol/tcp.md §3). */
  private arm(): void {
    if (!this.isOpen()) return;
    this.timer.arm(timeoutFor(this.current, this.env.timeouts));
  }

  private closeAfterFlush(): void {
    this.timer.stop();
    this.transport.end();
  }

  private sendError(code: TopLevelErrorCode, message: string): void {
    this.send(errorFrame(code, message));
  }

  private send(msg: ServerMessage): void {
    this.transport.send(serializeServerMessage(msg));
  }
}
