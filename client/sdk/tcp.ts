// TCP transport for the client SDK: framing, handshake and optional encryption over node:net (docs/protocol/tcp.md §1–§5).
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import type { KeyObject } from 'node:crypto';
import {
  FrameDecoder,
  decryptPayload,
  deriveKey,
  encodeFrame,
  encryptPayload,
  generateKeyPair,
  parsePublicKey,
} from '../../relay/protocol/index.js';
import type { ServerHello } from '../../relay/protocol/index.js';
import { ChatSession } from './session.js';

/** Options of {@link LairTcpClient.connect}. */
export interface TcpConnectOptions {
  host: string;
  port: number;
  /** Request X25519 + AES-256-GCM (docs/protocol/tcp.md §5); default false. */
  encryption?: boolean;
  /** `client_hello.client_name`; default `"Lair Chat TS SDK"`. */
  clientName?: string;
  /**
   * Extensions to request in `client_hello.features`, e.g. `['lair.messages']`
   * (docs/protocol/extensions.md §0.1); default none. `"encryption"` is added by `encryption`.
   */
  features?: readonly string[];
  /** Handshake timeout (connect, hello, key exchange), ms; default 10 000. */
  timeoutMs?: number;
  /** Keepalive `ping` interval, ms; default 25 000; 0 disables it. */
  keepaliveMs?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Lair Chat client over raw TCP. Usage:
 * `const c = new LairTcpClient(); await c.connect({host, port, encryption: true}); await c.authenticate(jwt);`
 * then `c.call({...})` for commands and `c.on('message_received', …)` for events.
 * Protocol failures (oversize frame, GCM failure) close the connection (`close` with a reason).
 */
export class LairTcpClient extends ChatSession {
  private socket: Socket | undefined;
  private readonly decoder = new FrameDecoder();
  /** Our key pair while waiting for `key_exchange_response`. */
  private ownKey: KeyObject | undefined;
  private aesKey: Buffer | undefined;
  private keyExchanged: (() => void) | undefined;
  /** The server's hello, once connected. */
  serverHello: ServerHello | undefined;

  /** True once key exchange completed and frames are encrypted both ways. */
  get encrypted(): boolean {
    return this.aesKey !== undefined;
  }

  /**
   * Opens the socket, reads `server_hello`, sends `client_hello` and, if asked, performs the key
   * exchange (docs/protocol/tcp.md §4, §5). After this, call {@link authenticate}.
   * @returns the server's hello.
   * @throws Error on connection failure, LairTimeoutError on a silent server, Error if the server
   *   does not offer encryption when requested.
   */
  async connect(options: TcpConnectOptions): Promise<ServerHello> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const hello = this.waitFor('server_hello', timeoutMs);
    const socket = netConnect({ host: options.host, port: options.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      this.onData(chunk);
    });
    socket.on('error', (err) => {
      this.handleClosed(err);
    });
    socket.on('close', () => {
      this.handleClosed();
    });
    try {
      // Connection errors reject the waiter through handleClosed().
      this.serverHello = await hello;
      const encryption = options.encryption ?? false;
      this.transmit({
        type: 'client_hello',
        version: '1.0',
        client_name: options.clientName ?? 'Lair Chat TS SDK',
        features: [...(encryption ? ['encryption'] : []), ...(options.features ?? [])],
      });
      if (encryption) await this.exchangeKeys(timeoutMs);
    } catch (err) {
      socket.destroy();
      this.handleClosed(err instanceof Error ? err : undefined);
      throw err;
    }
    if (options.keepaliveMs !== 0) this.startKeepalive(options.keepaliveMs);
    return this.serverHello;
  }

  /** Sends `key_exchange` and waits until the shared key is installed (docs/protocol/tcp.md §5.3). */
  private async exchangeKeys(timeoutMs: number): Promise<void> {
    if (this.serverHello?.features.includes('encryption') !== true) {
      throw new Error('Server does not offer encryption');
    }
    const { privateKey, publicKeyB64 } = generateKeyPair();
    this.ownKey = privateKey;
    const done = new Promise<void>((resolve, reject) => {
      const onClose = (reason: Error | undefined): void => {
        clearTimeout(timer);
        reject(reason ?? new Error('Connection closed during key exchange'));
      };
      const timer = setTimeout(() => {
        this.off('close', onClose);
        reject(new Error(`Key exchange: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.keyExchanged = () => {
        clearTimeout(timer);
        this.off('close', onClose);
        resolve();
      };
      this.once('close', onClose);
    });
    this.transmit({ type: 'key_exchange', public_key: publicKeyB64 });
    await done;
  }

  protected transmit(msg: object): void {
    const socket = this.socket;
    if (socket === undefined || socket.destroyed) return;
    let payload: Buffer = Buffer.from(JSON.stringify(msg), 'utf8');
    if (this.aesKey !== undefined) payload = encryptPayload(this.aesKey, payload);
    socket.write(encodeFrame(payload));
  }

  protected closeTransport(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    socket.end();
    // Do not wait forever for a peer that never closes its side (upstream bug, docs/protocol/tcp.md §3).
    setTimeout(() => socket.destroy(), 1_000).unref();
  }

  /** Decodes frames synchronously so the switch to encryption lands between two frames (docs/protocol/tcp.md §5.3). */
  private onData(chunk: Buffer): void {
    try {
      for (const frame of this.decoder.push(chunk)) this.onFrame(frame);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private onFrame(frame: Buffer): void {
    const payload = this.aesKey !== undefined ? decryptPayload(this.aesKey, frame) : frame;
    let msg: unknown;
    try {
      msg = JSON.parse(utf8.decode(payload));
    } catch (err) {
      this.emit('warning', new Error(`Unreadable server frame: ${String(err)}`));
      return;
    }
    if (this.ownKey !== undefined && isKeyExchangeResponse(msg)) {
      this.installKey(msg.public_key);
      return;
    }
    this.dispatch(msg);
  }

  private installKey(serverKeyB64: string): void {
    const peer = parsePublicKey(serverKeyB64);
    if (peer === null || this.ownKey === undefined) throw new Error('Invalid server public key');
    this.aesKey = deriveKey(this.ownKey, peer);
    this.ownKey = undefined;
    this.keyExchanged?.();
    this.keyExchanged = undefined;
  }

  private fail(err: Error): void {
    this.socket?.destroy();
    this.handleClosed(err);
  }
}

function isKeyExchangeResponse(msg: unknown): msg is { type: 'key_exchange_response'; public_key: string } {
  return (
    typeof msg === 'object' &&
    msg !== null &&
    (msg as { type?: unknown }).type === 'key_exchange_response' &&
    typeof (msg as { public_key?: unknown }).public_key === 'string'
  );
}
