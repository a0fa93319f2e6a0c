// Relay composition: TCP listener with connection limit, WebSocket attachment, local registry, internal endpoint, registration.
import { AdmissionGate, DEFAULT_AUTH_CONCURRENCY } from './connection/admission.js';
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { RelayEventPublisher } from '../shared/delivery/relay-publisher.js';
import type { DomainEvent } from '../shared/kernel/events.js';
import type { Logger } from '../shared/platform/logger.js';
import type { EventPublisher, RateLimiter } from '../shared/kernel/ports.js';
import type { MembershipRepository } from '../shared/features/rooms/index.js';
import type { PresenceRepository } from '../shared/features/presence/index.js';
import type { Services } from '../shared/features/index.js';
import {
  Connection,
  DEFAULT_TIMEOUTS,
  type ConnectionEnv,
  type ConnectionTimeouts,
} from './connection/connection.js';
import { MessageThrottle } from './connection/message-throttle.js';
import { trackConnections } from './metrics.js';
import { PresenceHeartbeat } from './connection/presence-link.js';
import { TcpTransport } from './connection/tcp-transport.js';
import { DEFAULT_OUTBOUND_LIMITS, type OutboundLimits, type Transport } from './connection/transport.js';
import { startInternalServer } from './delivery/internal-server.js';
import { internalBaseUrl, registerRelay, type RelayRegistration } from './delivery/registration.js';
import { startStatsReporter } from './stats/reporter.js';
import { DEFAULT_AUTH_LEASE_MS } from './connection/auth-lease.js';
import { DeliveryRegistry } from './delivery/registry.js';
import { DEFAULT_REVERIFY_MS, ReverifyLoop } from './delivery/reverify-loop.js';
import { attachWebSocket, type AttachedWebSocket } from './ws/websocket.js';
import { listen } from '../shared/platform/listen.js';

export { DEFAULT_TIMEOUTS, type ConnectionTimeouts } from './connection/connection.js';

/** Settings of one relay process (env names in relay/main.ts). */
export interface RelayOptions {
  /** Shared HMAC secret for internal event posts (LAIR_JWT_SECRET). */
  secret: string;
  logger: Logger;
  /** TCP port (LAIR_TCP_PORT); 0 picks a free one. */
  port: number;
  /** TCP bind address (default all interfaces). */
  host?: string;
  /** Concurrent TCP sockets (LAIR_TCP_MAX_CONNECTIONS); 0 = unlimited (docs/protocol/tcp.md §11). */
  maxConnections: number;
  /** Outgoing messages queued per connection before it is dropped (LAIR_RELAY_QUEUE_LIMIT). */
  queueLimit: number;
  /** Outgoing bytes buffered per connection before it is dropped (default 8 MiB). */
  queueByteLimit?: number;
  /** Flush-then-close grace period, ms (default 5000). */
  closeGraceMs?: number;
  /** Relay id (LAIR_RELAY_ID); default `relay-<uuid>`. */
  relayId?: string;
  /** Internal event endpoint: bind host/port (LAIR_RELAY_INTERNAL_HOST/PORT) and the URL others use. */
  internal?: { host?: string; port?: number; advertiseUrl?: string };
  /** Inactivity timeouts, ms (default 30 s / 60 s / 90 s, docs/protocol/tcp.md §3); tests shorten them. */
  timeouts?: Partial<ConnectionTimeouts>;
  /** Presence item lifetime, s (default 90) and refresh period, ms (default 30 000). */
  presenceTtlSeconds?: number;
  presenceHeartbeatMs?: number;
  /** Relay registry item lifetime, s (default 30) and refresh period, ms (default 10 000). */
  relayTtlSeconds?: number;
  relayHeartbeatMs?: number;
  /** How long the publisher caches the relay list, ms (default 1000). */
  relayCacheMs?: number;
  /**
   * How long `send_message` trusts a storage-confirmed session/membership, ms
   * (LAIR_RELAY_AUTH_LEASE_MS, default 30 000; 0 = re-read on every send). docs/adr/005.
   */
  authLeaseMs?: number;
  /**
   * Authentications run at once; the rest wait in arrival order (LAIR_RELAY_AUTH_CONCURRENCY,
   * default {@link DEFAULT_AUTH_CONCURRENCY}; 0 = unbounded). relay/connection/admission.ts, docs/adr/027.
   */
  authConcurrency?: number;
  /** Lead of `session_expiring` before a session expires, ms; default 5 min (docs/protocol/extensions.md §10). */
  sessionExpiringLeadMs?: number;
  /**
   * Period of the room-index re-verification against storage, ms (LAIR_RELAY_REVERIFY_MS, default
   * 60 000; 0 = off): bounds how long a lost `user_left_room` keeps a socket in a room.
   */
  reverifyMs?: number;
}

/** What {@link Relay.start} needs once the services exist. */
export interface RelayDeps {
  /** Services built with `events: relay.publisher`, so their events reach local sockets at once. */
  services: Services;
  /** Connection items and relay registry. */
  presence: PresenceRepository;
  /** Membership reads for the local room index (a user's rooms at auth; a room's members on first sight). */
  memberships: Pick<MembershipRepository, 'get' | 'listByUser' | 'listByRoom'>;
  /**
   * Budget of TCP/WS `login`/`register` attempts per peer address and 60 s window (the HTTP auth
   * bucket's limit, LAIR_RATE_LIMIT_AUTH); absent or 0 = unlimited, as upstream.
   */
  authRateLimit?: { limiter: RateLimiter; perMinute: number };
  /**
   * Per-user send budget shared with HTTP and other relays (`LAIR_RATE_LIMIT_USER_MESSAGES` per
   * 60 s) plus typing throttling (relay/connection/message-throttle.ts); absent or 0 = unlimited.
   */
  messageRateLimit?: { limiter: RateLimiter; perMinute: number };
}

/** A relay that is not listening yet: wire its `publisher` into the services, then `start`. */
export interface Relay {
  readonly relayId: string;
  /** Delivers to this relay's sockets synchronously and POSTs to the other relays (after `start`). */
  readonly publisher: EventPublisher;
  start(deps: RelayDeps): Promise<RunningRelay>;
}

/** A listening relay. */
export interface RunningRelay {
  /** Bound TCP port. */
  readonly port: number;
  readonly relayId: string;
  /** Base URL of the internal event endpoint, as registered (e.g. `http://127.0.0.1:41234`). */
  readonly internalEndpoint: string;
  readonly publisher: EventPublisher;
  /** The local delivery registry (diagnostics and tests). */
  readonly registry: DeliveryRegistry;
  /** Open TCP sockets counted against `maxConnections`. */
  tcpConnectionCount(): number;
  /** Serves `/ws` on `server` (docs/protocol/websocket.md); WS connections do not count toward the TCP limit. */
  attachWebSocket(server: HttpServer): void;
  /**
   * Graceful stop: stops accepting TCP, deregisters, sends `notice` (when given) as a
   * `server_notice` (severity `warning`, docs/protocol/tcp.md §8) to every authenticated connection, then flushes
   * and ends every connection (presence cleaned up) and closes the internal endpoint. Idempotent.
   */
  close(opts?: { notice?: string }): Promise<void>;
}

/** The send/typing throttle over `cfg`, whose `perMinute` is read on every send (a reload applies at once). */
function messageThrottleOf(
  cfg: { limiter: RateLimiter; perMinute: number },
  logger: Logger,
): MessageThrottle {
  return new MessageThrottle({ limiter: cfg.limiter, perMinute: () => cfg.perMinute, logger });
}

/**
 * Per-address password-attempt throttle over the shared RateLimiter (bucket `tcp-auth`, 60 s
 * fixed window, keyed by the peer address). Fails open (logged) if storage is down.
 */
function authThrottle(
  cfg: { limiter: RateLimiter; perMinute: number },
  logger: Logger,
): (remoteAddress: string) => Promise<boolean> {
  return async (remoteAddress) => {
    if (cfg.perMinute <= 0) return true; // read per attempt: a config reload may change it
    try {
      return (await cfg.limiter.consume(remoteAddress, 'tcp-auth', cfg.perMinute, 60)).allowed;
    } catch (err) {
      logger.warn({ err }, 'auth throttle unavailable; attempt allowed');
      return true;
    }
  };
}

/** Publisher whose target is bound at `start` (services are built before the relay listens). */
class LateBoundPublisher implements EventPublisher {
  target: EventPublisher | undefined;
  constructor(private readonly logger: Logger) {}
  async publish(...events: DomainEvent[]): Promise<void> {
    if (this.target === undefined) {
      this.logger.warn({ count: events.length }, 'events published before the relay started; dropped');
      return;
    }
    await this.target.publish(...events);
  }
}

/**
 * Creates a relay in two steps so services can publish through it:
 * `const relay = createRelay(opts); const { services, repos } = composeServices({ …, events: relay.publisher });
 * const running = await relay.start({ services, presence: repos.presence, memberships: repos.memberships });`
 */
export function createRelay(opts: RelayOptions): Relay {
  const relayId = opts.relayId ?? `relay-${randomUUID()}`;
  const logger = opts.logger.child({ relayId });
  const publisher = new LateBoundPublisher(logger);
  return {
    relayId,
    publisher,
    start: (deps) => start(opts, { relayId, logger, publisher }, deps),
  };
}

interface Core {
  relayId: string;
  logger: Logger;
  publisher: LateBoundPublisher;
}

async function start(opts: RelayOptions, core: Core, deps: RelayDeps): Promise<RunningRelay> {
  const { relayId, logger } = core;
  const { memberships } = deps;
  const registry = new DeliveryRegistry({
    logger,
    loadRoomMembers: async (roomId) => (await memberships.listByRoom(roomId)).map((m) => m.user_id),
    loadBlocks: (userId) => deps.services.blocks.blockedIds(userId),
  });
  const limits: OutboundLimits = {
    maxFrames: opts.queueLimit > 0 ? opts.queueLimit : DEFAULT_OUTBOUND_LIMITS.maxFrames,
    maxBytes: opts.queueByteLimit ?? DEFAULT_OUTBOUND_LIMITS.maxBytes,
    closeGraceMs: opts.closeGraceMs ?? DEFAULT_OUTBOUND_LIMITS.closeGraceMs,
  };
  const connections = new Set<Connection>();
  const untrack = trackConnections(function* () {
    for (const c of connections) yield { transport: c.transportKind, state: c.state };
  });
  let closing = false;
  let tcpCount = 0;

  const heartbeat = new PresenceHeartbeat(
    deps.services.presence,
    { ttlSeconds: opts.presenceTtlSeconds ?? 90, heartbeatMs: opts.presenceHeartbeatMs ?? 30_000 },
    logger,
  );
  const env: ConnectionEnv = {
    services: deps.services,
    registry,
    // GSI1 is eventually consistent: confirm each listed room with a consistent read of the
    // membership item, so a user kicked a moment ago never gets that room's events.
    loadRooms: async (userId) => {
      const listed = await memberships.listByUser(userId);
      const confirmed = await Promise.all(listed.map((m) => memberships.get(m.room_id, userId)));
      return confirmed.flatMap((m) => (m === null ? [] : [m.room_id]));
    },
    relayId,
    logger,
    timeouts: { ...DEFAULT_TIMEOUTS, ...opts.timeouts },
    presence: heartbeat,
    onClosed: (conn) => connections.delete(conn),
    authLeaseMs: opts.authLeaseMs ?? DEFAULT_AUTH_LEASE_MS,
    admission: new AdmissionGate(opts.authConcurrency ?? DEFAULT_AUTH_CONCURRENCY),
    ...(opts.sessionExpiringLeadMs !== undefined
      ? { sessionExpiringLeadMs: opts.sessionExpiringLeadMs }
      : {}),
    ...(deps.authRateLimit ? { allowAuthAttempt: authThrottle(deps.authRateLimit, logger) } : {}),
    // Built whenever a budget is wired, even at 0, and reading `perMinute` per send (no spread: it
    // may be a getter over the live settings), so a config reload reaches running relays.
    ...(deps.messageRateLimit ? { messageThrottle: messageThrottleOf(deps.messageRateLimit, logger) } : {}),
  };
  const open = (transport: Transport): Connection => {
    const conn = new Connection(transport, env);
    connections.add(conn);
    return conn;
  };

  const internalHost = opts.internal?.host ?? '127.0.0.1';
  const internal = await startInternalServer({
    host: internalHost,
    port: opts.internal?.port ?? 0,
    secret: opts.secret,
    logger,
    deliver: (events) => {
      registry.deliver(events);
    },
  });
  const internalEndpoint = internalBaseUrl(internalHost, internal.port, opts.internal?.advertiseUrl);
  const remote = new RelayEventPublisher({
    presence: deps.presence,
    secret: opts.secret,
    logger,
    selfRelayId: relayId,
    localDeliver: (events) => {
      registry.deliver(events);
    },
    ...(opts.relayCacheMs !== undefined ? { relayCacheMs: opts.relayCacheMs } : {}),
  });
  core.publisher.target = remote;
  const tcp: Server = createServer((socket: Socket) => {
    if (closing || (opts.maxConnections > 0 && tcpCount >= opts.maxConnections)) {
      refuse(socket, logger, closing ? 'shutting down' : 'connection limit reached');
      return;
    }
    tcpCount += 1;
    let released = false;
    socket.once('close', () => {
      if (!released) {
        released = true;
        tcpCount -= 1;
      }
    });
    const transport = new TcpTransport(socket, limits, logger);
    const conn = open(transport);
    transport.bind(conn);
    conn.start();
  });
  let registration: RelayRegistration;
  let port: number;
  try {
    port = await listen(tcp, opts.port, opts.host);
    // After listen, accept errors (e.g. EMFILE) are logged; an unhandled 'error' would kill the process.
    tcp.on('error', (err) => {
      logger.error({ err }, 'TCP listener error');
    });
    registration = await registerRelay({
      presence: deps.presence,
      info: { relayId, endpoint: internalEndpoint },
      ttlSeconds: opts.relayTtlSeconds ?? 30,
      intervalMs: opts.relayHeartbeatMs ?? 10_000,
      logger,
    });
  } catch (err) {
    closing = true;
    if (tcp.listening) tcp.close();
    await internal.close();
    throw err;
  }
  const attached: AttachedWebSocket[] = [];
  const reverify = new ReverifyLoop(registry, opts.reverifyMs ?? DEFAULT_REVERIFY_MS, logger);
  reverify.start();
  const reporter = startStatsReporter({
    relayId,
    stats: deps.services.stats,
    connections: () => registry.connectionCount,
    logger,
  });
  logger.info({ port, internalEndpoint, maxConnections: opts.maxConnections }, 'relay started');

  return {
    port,
    relayId,
    internalEndpoint,
    publisher: core.publisher,
    registry,
    tcpConnectionCount: () => tcpCount,
    attachWebSocket(server) {
      attached.push(attachWebSocket(server, { logger, limits, accepting: () => !closing, open }));
    },
    async close(closeOpts = {}) {
      if (closing) return;
      closing = true;
      untrack();
      reverify.stop();
      reporter.stop();
      const stopped = new Promise<void>((resolve) =>
        tcp.close(() => {
          resolve();
        }),
      );
      for (const a of attached) a.detach();
      await registration.stop();
      remote.invalidate();
      if (closeOpts.notice !== undefined) {
        // Queued before the connections end, so each client reads it ahead of the close.
        registry.deliver([serverNotice(closeOpts.notice)]);
        await registry.idle();
      }
      const all = [...connections];
      for (const conn of all) conn.end();
      await Promise.all(all.map((c) => c.whenClosed()));
      heartbeat.stop();
      await stopped;
      await internal.close();
      logger.info('relay stopped');
    },
  };
}

/** Text of the `server_notice` clients get when a relay shuts down (pass it to `close`). */
export const SHUTDOWN_NOTICE = 'This server is restarting; reconnect in a few seconds.';

/** A `server_notice` (docs/protocol/tcp.md §8) for every authenticated connection of this relay. */
function serverNotice(message: string): DomainEvent {
  return {
    id: randomUUID(),
    at: Date.now(),
    audience: { kind: 'all' },
    payload: { type: 'server_notice', message, severity: 'warning' },
  };
}

/** Accepts and immediately closes: no frame at all, the client sees EOF (docs/protocol/tcp.md §11). */
function refuse(socket: Socket, logger: Logger, reason: string): void {
  logger.warn({ remote: socket.remoteAddress, reason }, 'TCP connection refused');
  socket.on('error', () => undefined);
  socket.resume();
  socket.end();
  setTimeout(() => socket.destroy(), 1000).unref();
}
