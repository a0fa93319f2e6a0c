// Lean bench client for the Lair TCP protocol: handshake + token authenticate, send_message, and a byte scan for bench deliveries (no JSON parse per delivery).
import { connect, type Socket } from 'node:net';
import {
  decryptPayload,
  deriveKey,
  encodeFrame,
  encryptPayload,
  FrameDecoder,
  generateKeyPair,
  parsePublicKey,
} from '../../relay/protocol/index.js';
import { scanStamp, type DeliverySink } from './stamp.js';

const EVENT_PREFIX = Buffer.from('{"type":"message_received"');
const SEND_RESPONSE_PREFIX = Buffer.from('{"type":"send_message_response"');
const PING = Buffer.from('{"type":"ping"}');

/**
 * One Lair TCP connection (docs/protocol/tcp.md §1, §4–§6) as cheap as a client can be, so the
 * bench driver's CPU stays below the server's: deliveries are found by prefix and the content
 * stamp is read from the bytes; only `send_message_response`s are parsed.
 */
export class LeanLairClient {
  private socket: Socket | undefined;
  private readonly decoder = new FrameDecoder();
  private key: Buffer | undefined;
  private nextId = 0;
  private readonly pending = new Map<string, (ok: boolean, code: string, id: string) => void>();
  closedUnexpectedly = false;
  private closing = false;

  constructor(private readonly sink: DeliverySink) {}

  /**
   * Connects to 127.0.0.1:`port`, sends `client_hello` (with `encryption` when asked, then the
   * X25519 exchange), `authenticate` with `token`, and resolves on a successful response.
   * @throws Error on a failed authenticate, a close or 120 s without an answer
   */
  open(port: number, token: string, encryption: boolean, name: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      this.socket = socket;
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        reject(new Error('lair handshake timed out'));
      }, 120_000);
      let stage: 'hello' | 'key' | 'auth' | 'ready' = 'hello';
      let privateKey: ReturnType<typeof generateKeyPair>['privateKey'] | undefined;
      const authenticate = (): void => {
        stage = 'auth';
        this.write({ type: 'authenticate', request_id: 'auth', token });
      };
      socket.on('data', (chunk: Buffer) => {
        for (const raw of this.decoder.push(chunk)) {
          const frame = this.key === undefined ? raw : decryptPayload(this.key, raw);
          if (stage === 'ready') {
            this.onFrame(frame);
            continue;
          }
          const msg = JSON.parse(frame.toString('utf8')) as Record<string, unknown>;
          if (stage === 'hello' && msg.type === 'server_hello') {
            this.write({
              type: 'client_hello',
              version: '1.0',
              client_name: name,
              features: encryption ? ['encryption'] : [],
            });
            if (encryption) {
              const pair = generateKeyPair();
              privateKey = pair.privateKey;
              stage = 'key';
              this.write({ type: 'key_exchange', public_key: pair.publicKeyB64 });
            } else authenticate();
          } else if (stage === 'key' && msg.type === 'key_exchange_response') {
            const peer = parsePublicKey(String(msg.public_key));
            if (peer === null || privateKey === undefined) throw new Error('bad server key');
            this.key = deriveKey(privateKey, peer);
            authenticate();
          } else if (stage === 'auth' && msg.type === 'authenticate_response') {
            clearTimeout(timer);
            if (msg.success === true) {
              stage = 'ready';
              resolve();
            } else reject(new Error(`authenticate failed: ${JSON.stringify(msg.error)}`));
          }
        }
      });
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.on('close', () => {
        clearTimeout(timer);
        if (!this.closing) this.closedUnexpectedly = true;
        reject(new Error('closed during handshake'));
        for (const done of this.pending.values()) done(false, 'closed', '');
        this.pending.clear();
      });
    });
  }

  /** Sends one bench message into `roomId`; resolves with the response's success, error code and the stored message id. */
  send(roomId: string, content: string): Promise<{ ok: boolean; code: string; messageId: string }> {
    const id = `s${this.nextId++}`;
    return new Promise((resolve) => {
      // A closed socket (the relay was killed: reconnect storm) answers nothing.
      if (this.socket === undefined || this.socket.destroyed) {
        resolve({ ok: false, code: 'closed', messageId: '' });
        return;
      }
      // A relay whose DynamoDB call hangs never answers: count it as an error after 30 s.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, code: 'no_response_30s', messageId: '' });
      }, 30_000);
      this.pending.set(id, (ok, code, messageId) => {
        clearTimeout(timer);
        resolve({ ok, code, messageId });
      });
      this.write({
        type: 'send_message',
        request_id: id,
        target: { type: 'room', room_id: roomId },
        content,
      });
    });
  }

  /** Keep-alive (the relay closes a silent authenticated connection after 90 s, docs/protocol/tcp.md §3). */
  ping(): void {
    this.writeBytes(PING);
  }

  /** Closes without counting it as unexpected. */
  close(): void {
    this.closing = true;
    this.socket?.destroy();
  }

  private onFrame(frame: Buffer): void {
    if (frame.subarray(0, EVENT_PREFIX.length).equals(EVENT_PREFIX)) {
      scanStamp(frame, this.sink);
    } else if (frame.subarray(0, SEND_RESPONSE_PREFIX.length).equals(SEND_RESPONSE_PREFIX)) {
      const r = JSON.parse(frame.toString('utf8')) as {
        request_id: string;
        success: boolean;
        error?: { code: string };
        message?: { id?: string };
      };
      const done = this.pending.get(r.request_id);
      this.pending.delete(r.request_id);
      done?.(r.success, r.error?.code ?? '', r.message?.id ?? '');
    }
  }

  private write(msg: Record<string, unknown>): void {
    this.writeBytes(Buffer.from(JSON.stringify(msg), 'utf8'));
  }

  private writeBytes(json: Buffer): void {
    const payload = this.key === undefined ? json : encryptPayload(this.key, json);
    this.socket?.write(encodeFrame(payload));
  }
}
