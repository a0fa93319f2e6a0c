// Local HTTP API server: each request becomes an API Gateway v2 event for the SAME group handler the Lambda runs (docs/design.md §1).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { handler as adminHandler } from '../lambdas/admin/handler.js';
import { handler as attachmentsHandler } from '../lambdas/attachments/handler.js';
import { handler as authHandler } from '../lambdas/auth/handler.js';
import { errorBody } from '../lambdas/http/errors.js';
import { recordRequest } from '../lambdas/http/metrics.js';
import { MAX_BODY_BYTES } from '../lambdas/http/request.js';
import { CORS_HEADERS, preflightResponse } from '../lambdas/http/response.js';
import type { GroupHandler } from '../lambdas/http/router.js';
import type { RouteGroup } from '../lambdas/http/routes.js';
import { handler as historyHandler } from '../lambdas/history/handler.js';
import { handler as invitationsHandler } from '../lambdas/invitations/handler.js';
import { handler as messagesHandler } from '../lambdas/messages/handler.js';
import { handler as moderationHandler } from '../lambdas/moderation/handler.js';
import { handler as roomsHandler } from '../lambdas/rooms/handler.js';
import { handler as systemHandler } from '../lambdas/system/handler.js';
import { handler as usersHandler } from '../lambdas/users/handler.js';
import type { Logger } from '../shared/platform/logger.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '../shared/platform/request-id.js';
import { localContext, matchRoute, splitUrl, toApiGatewayEvent, writeResult } from './api-gateway.js';
import { listen } from '../shared/platform/listen.js';
import type { LocalBlobStore } from '../shared/features/attachments/index.js';
import { isBlobPath, serveBlob } from './blob-routes.js';
import { isConsolePath, serveConsole } from './console-routes.js';

/** The Lambda entry of every group (lambdas/<group>/handler.ts). */
export const GROUP_HANDLERS: Readonly<Record<RouteGroup, GroupHandler>> = {
  system: systemHandler,
  auth: authHandler,
  users: usersHandler,
  rooms: roomsHandler,
  messages: messagesHandler,
  history: historyHandler,
  attachments: attachmentsHandler,
  invitations: invitationsHandler,
  admin: adminHandler,
  moderation: moderationHandler,
};

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  /** TCP port; 0 = any free port (tests). */
  port: number;
  /** Bind address; default all interfaces (upstream binds 0.0.0.0). */
  host?: string;
  /** Group handlers; default {@link GROUP_HANDLERS}. They read their deps via lambdas/deps.ts `getDeps()`. */
  handlers?: Record<RouteGroup, GroupHandler>;
  logger: Logger;
  /**
   * PEM certificate chain and private key: serve HTTPS (and WSS on `/ws`) instead of HTTP
   * (LAIR_TLS_ENABLED + LAIR_TLS_CERT_PATH/LAIR_TLS_KEY_PATH, docs/protocol/README.md).
   */
  tls?: { cert: Buffer; key: Buffer };
  /** The local attachment store: serves its signed `/blobs/…` URLs (local/blob-routes.ts); absent = no such routes. */
  blobs?: LocalBlobStore;
  /** More Prometheus text appended to a 200 `GET /metrics` (the in-process relay's metrics under `npm start`). */
  extraMetrics?: () => Promise<string>;
}

/** A listening server. WebSocket support attaches to `server`'s `'upgrade'` event; this module never touches upgrades. */
export interface RunningHttpServer {
  server: Server;
  /** The bound port (resolved when `port` was 0). */
  port: number;
  /** Stops accepting, closes idle and active connections, resolves when closed. */
  close(): Promise<void>;
}

/**
 * Most bytes of an oversize body read and discarded after its 413, so the client (which often reads
 * only once it has sent everything, like curl) can read the answer instead of a reset; past this
 * the connection is destroyed (abuse bound). Bytes.
 */
export const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * Discards the rest of an oversize body. Resolves true once the body has ended, false (socket
 * destroyed) past {@link MAX_DRAIN_BYTES} or when the client goes away first.
 */
function drain(req: IncomingMessage, alreadyRead: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (req.readableEnded) {
      resolve(true);
      return;
    }
    let drained = alreadyRead;
    req.on('data', (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > MAX_DRAIN_BYTES) {
        req.socket.destroy();
        resolve(false);
      }
    });
    req.once('end', () => {
      resolve(true);
    });
    req.once('close', () => {
      resolve(req.readableEnded);
    });
    req.resume();
  });
}

/** `too_large`: over the cap (413) once `drained` says the rest was read; `aborted`: the client went away first. */
type BodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; reason: 'too_large'; drained: Promise<boolean> }
  | { ok: false; reason: 'aborted' };

/**
 * Reads the body up to {@link MAX_BODY_BYTES}; beyond that (or when `Content-Length` says so) it
 * stops buffering, discards the rest ({@link drain}) and reports `too_large`.
 */
function readBody(req: IncomingMessage): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > MAX_BODY_BYTES) {
      resolve({ ok: false, reason: 'too_large', drained: drain(req, 0) });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        chunks.length = 0;
        req.off('data', onData);
        resolve({ ok: false, reason: 'too_large', drained: drain(req, size) });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve({ ok: true, body: Buffer.concat(chunks) });
    });
    req.on('close', () => {
      if (done) return;
      done = true;
      resolve({ ok: false, reason: 'aborted' });
    });
    req.on('error', (err) => {
      if (!done) reject(err);
    });
  });
}

function sendEmpty(res: ServerResponse, status: number, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...CORS_HEADERS, ...extra, 'content-length': '0' });
  res.end();
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...CORS_HEADERS,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...extra,
  });
  res.end(text);
}

/**
 * Starts the local HTTP API (default port 8082). Per request: `OPTIONS` → CORS preflight (204);
 * a non-upgrade `GET /ws` → 400 plain text; unknown path → 404 empty; known path, wrong method →
 * 405 empty with `Allow`; body over 2 MiB → 413 envelope once the rest is drained (up to 64 MiB, else the
 * socket is destroyed), so the client can read it;
 * otherwise the API Gateway v2 event goes to the route's group handler and its result is written
 * back. Each request is logged at debug.
 * @throws the listen error (e.g. EADDRINUSE)
 */
export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const handlers = opts.handlers ?? GROUP_HANDLERS;
  const log = opts.logger;

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    const method = req.method ?? 'GET';
    const { rawPath } = splitUrl(req.url);
    // One id for the whole request: the handler reads the same header (lambdas/http/middleware.ts).
    const header = req.headers[REQUEST_ID_HEADER];
    const requestId = requestIdFrom(typeof header === 'string' ? header : undefined);
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const done = (status: number, route = 'unknown'): void => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (route === 'unknown') recordRequest(method, route, status, seconds);
      // The access log line (one per request, issue 17 finding 8).
      log.info({ requestId, method, path: rawPath, status, ms: Math.round(seconds * 1000) }, 'http access');
    };
    if (method === 'OPTIONS') {
      writeResult(res, preflightResponse());
      done(204, 'preflight');
      return;
    }
    if (rawPath === '/ws') {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end("Connection header did not include 'upgrade'");
      done(400);
      return;
    }
    if (isConsolePath(rawPath)) {
      done(await serveConsole(req, res, rawPath));
      return;
    }
    if (opts.blobs !== undefined && isBlobPath(rawPath)) {
      done(await serveBlob(req, res, opts.blobs));
      return;
    }
    const match = matchRoute(method, rawPath);
    if (match.kind === 'not_found') {
      sendEmpty(res, 404);
      done(404);
      return;
    }
    if (match.kind === 'method_not_allowed') {
      sendEmpty(res, 405, { allow: match.allow.join(',') });
      done(405);
      return;
    }
    const body = await readBody(req);
    if (!body.ok && body.reason === 'aborted') {
      log.debug({ method, path: rawPath }, 'client aborted before the body ended');
      return;
    }
    if (!body.ok) {
      // Answer once the rest is drained: closing while the client was still sending reset the
      // socket before it could read the 413 (issue 17 finding 12). Past the drain cap: destroyed.
      if (!(await body.drained)) return;
      sendJson(res, 413, errorBody('payload_too_large', 'Request body too large (limit 2 MiB)'));
      done(413);
      return;
    }
    const event = toApiGatewayEvent(req, body.body, match);
    const result = await handlers[match.route.group](event, localContext(`lair-chat-${match.route.group}`));
    if (opts.extraMetrics !== undefined && match.route.path === '/metrics' && result.statusCode === 200)
      result.body = `${result.body ?? ''}${await opts.extraMetrics()}`;
    writeResult(res, result);
    done(res.statusCode, match.route.path);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    serve(req, res).catch((err: unknown) => {
      log.error({ err }, 'local http server: request failed');
      if (!res.headersSent) sendJson(res, 500, errorBody('internal_error', 'Internal error'));
      else res.destroy();
    });
  };
  // https.Server extends tls.Server, not http.Server, but serves the same request/upgrade events.
  const server: Server = opts.tls ? createTlsServer(opts.tls, onRequest) : createServer(onRequest);

  const port = await listen(server, opts.port, opts.host);
  log.info({ port }, 'HTTP API listening');
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
