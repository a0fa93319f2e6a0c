// WebSocket endpoint `/ws` (docs/protocol/websocket.md): upgrade handling in noServer mode, `?token=` pre-auth, text frames only.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../../shared/platform/logger.js';
import type { Connection } from '../connection/connection.js';
import type { OutboundLimits, Transport } from '../connection/transport.js';
import { WsTransport } from './ws-transport.js';

/** Path of the WebSocket endpoint on the HTTP port (docs/protocol/websocket.md §1). */
export const WS_PATH = '/ws';

/**
 * Largest accepted message, bytes: 1 MiB, the TCP frame cap (docs/protocol/tcp.md §1.1). Upstream keeps its
 * library default (64 MiB, docs/protocol/websocket.md §2), which lets one unauthenticated socket pin hundreds of
 * MB; no upstream client sends a message anywhere near 1 MiB. Larger => Close 1009.
 */
export const WS_MAX_PAYLOAD_BYTES = 1024 * 1024;

/** What the WebSocket adapter needs from the relay. */
export interface WebSocketHost {
  logger: Logger;
  limits: OutboundLimits;
  /** False while shutting down: new upgrades are refused. */
  accepting(): boolean;
  /** Creates and tracks a connection over `transport` (WS connections never count toward LAIR_TCP_MAX_CONNECTIONS). */
  open(transport: Transport): Connection;
}

/** Handle returned by {@link attachWebSocket}. */
export interface AttachedWebSocket {
  /** Stops handling upgrades on the server (open sockets are ended by the relay). */
  detach(): void;
}

/**
 * Serves `/ws` on an existing HTTP server (docs/protocol/websocket.md): handles its `upgrade` event for path
 * `/ws` only (other paths get 404 unless another upgrade listener exists), `?token=<jwt>`
 * pre-authenticates (failure falls back to the normal flow), text frames carry one JSON message,
 * binary frames get `error`/`unsupported` and the connection stays open, control pings count as
 * activity, and a server-side end sends Close 1000 after the last message.
 */
export function attachWebSocket(server: Server, host: WebSocketHost): AttachedWebSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD_BYTES });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // Node drops its own error listener on upgrade: without ours, a peer reset would be uncaught.
    socket.on('error', (err) => {
      host.logger.debug({ err }, 'upgrade socket error');
    });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (url.pathname !== WS_PATH) {
      if (server.listenerCount('upgrade') === 1)
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!host.accepting()) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const token = url.searchParams.get('token');
    // `?features=a,b` stands in for client_hello.features (docs/protocol/extensions.md §0.1).
    const features = (url.searchParams.get('features') ?? '').split(',').filter((f) => f !== '');
    wss.handleUpgrade(req, socket, head, (ws) => {
      accept(ws, token ?? undefined, features, req.socket.remoteAddress ?? 'unknown');
    });
  };

  const accept = (
    ws: WebSocket,
    token: string | undefined,
    features: string[],
    remoteAddress: string,
  ): void => {
    const transport = new WsTransport(ws, host.limits, host.logger, remoteAddress);
    const conn = host.open(transport);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) conn.rejectFrame('unsupported', 'Binary messages not supported');
      else conn.receive(toBuffer(data));
    });
    ws.on('ping', () => {
      conn.touch();
    });
    ws.on('pong', () => {
      conn.touch();
    });
    ws.on('error', (err) => {
      host.logger.debug({ err, connectionId: conn.id }, 'websocket error');
    });
    ws.on('close', () => {
      transport.closed();
      void conn.handleClose();
    });
    conn.start(token, features);
  };

  server.on('upgrade', onUpgrade);
  return {
    detach() {
      server.off('upgrade', onUpgrade);
      wss.close();
    },
  };
}

/** `ws` hands text as Buffer, but fragments/ArrayBuffer are possible with other binaryTypes. */
function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
