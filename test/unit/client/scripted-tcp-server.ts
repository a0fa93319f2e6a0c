// Test helper: an in-process TCP server on port 0 speaking the Lair Chat framing + encryption, with scripted replies.
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import {
  FrameDecoder,
  SERVER_HELLO,
  decryptPayload,
  deriveKey,
  encodeFrame,
  encryptPayload,
  generateKeyPair,
  parsePublicKey,
  serializeServerMessage,
} from '../../../relay/protocol/index.js';
import type { ServerMessage } from '../../../relay/protocol/index.js';

/** A decoded client message. */
export interface Received {
  type: string;
  request_id?: string | null;
  [key: string]: unknown;
}

/** One accepted connection as seen by the script. */
export interface ScriptedConnection {
  socket: Socket;
  /** Every decoded client message, in order. */
  received: Received[];
  /** Whether each received frame arrived encrypted (parallel to `received`). */
  encryptedFlags: boolean[];
  /** Sends messages in ONE socket write (each framed; encrypted once the key is installed). */
  send(...msgs: (ServerMessage | Record<string, unknown>)[]): void;
}

/** Called for each client message after the built-in handshake handling. */
export type Script = (msg: Received, conn: ScriptedConnection) => void;

export interface ScriptedServer {
  port: number;
  connections: ScriptedConnection[];
  close(): Promise<void>;
}

/**
 * Starts a server that sends `server_hello`, answers `key_exchange` (then encrypts both ways),
 * `ping` with `pong`, and passes every other message to `script`.
 * `afterKeyExchange` lets a test append messages to the same write as `key_exchange_response`.
 */
export async function startScriptedServer(
  script: Script,
  options: { afterKeyExchange?: (ServerMessage | Record<string, unknown>)[] } = {},
): Promise<ScriptedServer> {
  const connections: ScriptedConnection[] = [];
  const server: Server = createServer((socket) => {
    const decoder = new FrameDecoder();
    let key: Buffer | undefined;
    const frame = (msg: object): Buffer => {
      const bytes = serializeServerMessage(msg as ServerMessage);
      return encodeFrame(key !== undefined ? encryptPayload(key, bytes) : bytes);
    };
    const conn: ScriptedConnection = {
      socket,
      received: [],
      encryptedFlags: [],
      send: (...msgs) => {
        if (!socket.destroyed) socket.write(Buffer.concat(msgs.map(frame)));
      },
    };
    connections.push(conn);
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      for (const payload of decoder.push(chunk)) {
        const plain = key !== undefined ? decryptPayload(key, payload) : payload;
        const msg = JSON.parse(plain.toString('utf8')) as Received;
        conn.received.push(msg);
        conn.encryptedFlags.push(key !== undefined);
        if (msg.type === 'key_exchange') {
          const own = generateKeyPair();
          const response = frame({ type: 'key_exchange_response', public_key: own.publicKeyB64 });
          key = deriveKey(own.privateKey, parsePublicKey(String(msg.public_key))!);
          socket.write(Buffer.concat([response, ...(options.afterKeyExchange ?? []).map(frame)]));
        } else if (msg.type === 'ping') {
          conn.send({ type: 'pong', server_time: '2025-01-21T12:00:30.000123456+00:00' });
        } else if (msg.type !== 'client_hello') {
          script(msg, conn);
        }
      }
    });
    conn.send(SERVER_HELLO);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
