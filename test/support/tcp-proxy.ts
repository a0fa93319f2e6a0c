// Test helper: a loopback TCP proxy in front of DynamoDB Local that can stall (like a SIGSTOPped process) or go down and come back on the same port.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** How the proxy treats traffic right now. */
export type ProxyMode = 'forward' | 'stall' | 'down';

/** A running proxy. */
export interface TcpProxy {
  /** `http://127.0.0.1:<port>`: use as `LAIR_DYNAMODB_ENDPOINT`. */
  endpoint: string;
  port: number;
  /**
   * `forward`: pipe to the target; `stall`: accept connections and swallow bytes, never answer
   * (what a SIGSTOPped DynamoDB Local looks like: the kernel still accepts); `down`: destroy every
   * open connection and stop listening (connections are refused), like a stopped process.
   */
  setMode(mode: ProxyMode): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a proxy to `target` (`http://host:port`) on a free loopback port, in `forward` mode.
 * Switching away from `forward` destroys the connections already open, so pooled keep-alive
 * sockets see the outage too.
 */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const url = new URL(target);
  const sockets = new Set<Socket>();
  let mode: ProxyMode = 'forward';
  const onConnection = (client: Socket): void => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (mode === 'stall') {
      client.on('data', () => undefined);
      return;
    }
    const upstream = createConnection({ host: url.hostname, port: Number(url.port) });
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  };
  let server: Server = createServer(onConnection);
  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as { port: number }).port);
      });
    });
  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => {
        resolve();
      });
    });
  const port = await listen(0);
  const dropAll = (): void => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    async setMode(next) {
      if (next === mode) return;
      const wasDown = mode === 'down';
      mode = next;
      dropAll();
      if (next === 'down') await stopListening();
      else if (wasDown) {
        server = createServer(onConnection);
        await listen(port);
      }
    },
    async close() {
      dropAll();
      await stopListening();
    },
  };
}
