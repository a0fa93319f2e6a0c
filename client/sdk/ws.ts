// WebSocket transport for the client SDK: one JSON message per text frame on /ws (docs/protocol/websocket.md).
import WebSocket from 'ws';
import type { ResponseOf, ServerHello } from '../../relay/protocol/index.js';
import { ChatSession } from './session.js';

/** Options of {@link LairWsClient.connect}. */
export interface WsConnectOptions {
  host: string;
  /** HTTP port (the endpoint lives on the HTTP server, docs/protocol/websocket.md §1). */
  port: number;
  /** Use `wss://`; default false. */
  secure?: boolean;
  /** JWT for `?token=` pre-authentication (docs/protocol/websocket.md §3). */
  token?: string;
  /** `client_hello.client_name`; default `"Lair Chat TS SDK"`. */
  clientName?: string;
  /**
   * Extensions to request, e.g. `['lair.messages']` (docs/protocol/extensions.md §0.1): sent as
   * `?features=a,b` with a token (pre-auth skips `client_hello`) and in `client_hello.features`.
   */
  features?: readonly string[];
  /** Handshake timeout, ms; default 10 000. */
  timeoutMs?: number;
  /** Keepalive `ping` interval, ms; default 25 000; 0 disables it. */
  keepaliveMs?: number;
}

/** Result of {@link LairWsClient.connect}. */
export interface WsConnectResult {
  hello: ServerHello;
  /** The pre-authentication outcome when a token was given (request_id null, docs/protocol/websocket.md §3). */
  auth?: ResponseOf<'authenticate_response'>;
}

/**
 * Lair Chat client over WebSocket (`ws://host:port/ws[?token=]`), same API as
 * {@link LairTcpClient} minus encryption (docs/protocol/websocket.md §4). With a valid `token` the connection is
 * authenticated on return; otherwise (no token, or a rejected one) `client_hello` has been sent and
 * {@link authenticate} may be called.
 */
export class LairWsClient extends ChatSession {
  private socket: WebSocket | undefined;

  /** The URL used for `options` (token URL-encoded). */
  static urlFor(options: WsConnectOptions): string {
    const params: string[] = [];
    if (options.token !== undefined) params.push(`token=${encodeURIComponent(options.token)}`);
    if (options.token !== undefined && options.features !== undefined && options.features.length > 0)
      params.push(`features=${options.features.map(encodeURIComponent).join(',')}`);
    const query = params.length > 0 ? `?${params.join('&')}` : '';
    return `${options.secure === true ? 'wss' : 'ws'}://${options.host}:${options.port}/ws${query}`;
  }

  /**
   * Opens the WebSocket, reads `server_hello` and, with a token, the pre-auth
   * `authenticate_response`; sends `client_hello` unless pre-auth succeeded.
   * @throws Error on connection failure; LairTimeoutError if the server stays silent.
   */
  async connect(options: WsConnectOptions): Promise<WsConnectResult> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const helloP = this.waitFor('server_hello', timeoutMs);
    const authP = options.token !== undefined ? this.waitFor('authenticate_response', timeoutMs) : undefined;
    authP?.catch(() => undefined); // awaited below; may reject before hello settles
    const socket = new WebSocket(LairWsClient.urlFor(options));
    this.socket = socket;
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.onText(rawToString(data));
    });
    socket.on('error', (err) => {
      this.handleClosed(err);
    });
    socket.on('close', () => {
      this.handleClosed();
    });
    let auth: ResponseOf<'authenticate_response'> | undefined;
    let hello: ServerHello;
    try {
      // Connection errors reject the waiters through handleClosed().
      hello = await helloP;
      auth = authP !== undefined ? await authP : undefined;
    } catch (err) {
      socket.terminate();
      this.handleClosed(err instanceof Error ? err : undefined);
      throw err;
    }
    if (auth?.success !== true) {
      this.transmit({
        type: 'client_hello',
        version: '1.0',
        client_name: options.clientName ?? 'Lair Chat TS SDK',
        features: [...(options.features ?? [])],
      });
    }
    if (options.keepaliveMs !== 0) this.startKeepalive(options.keepaliveMs);
    return auth !== undefined ? { hello, auth } : { hello };
  }

  protected transmit(msg: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(msg));
  }

  protected closeTransport(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    socket.close(1000);
    setTimeout(() => {
      socket.terminate();
    }, 1_000).unref();
  }

  private onText(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch (err) {
      // Upstream clients skip unparsable WS frames (docs/protocol/websocket.md §2).
      this.emit('warning', new Error(`Unreadable server frame: ${String(err)}`));
      return;
    }
    this.dispatch(msg);
  }
}

function rawToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
