// Starts a server listening and resolves with the bound port, or rejects with the listen error (e.g. EADDRINUSE).
import type { AddressInfo, Server } from 'node:net';

/**
 * Accept-queue length asked of the kernel (capped by net.core.somaxconn; Node's default is 511).
 * A relay restart brings every client back at once: with 511, a 2,000-client reconnect storm
 * overflowed the queue (TcpExtListenOverflows), and a client whose final handshake ACK was dropped
 * sat in ESTABLISHED waiting for a `server_hello` that never came (bench/README.md, issue 16).
 */
export const LISTEN_BACKLOG = 4096;

/**
 * `server.listen(port, host)` with a backlog of {@link LISTEN_BACKLOG}, as a promise: resolves with the port actually bound (the OS's choice
 * when `port` is 0), rejects with the `error` emitted instead of listening. Works for `net`, `http`
 * and `https` servers. Later errors are the caller's to handle (attach an `error` listener).
 * @param host - bind address; omitted = all interfaces
 */
export async function listen(server: Server, port: number, host?: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const onListening = (): void => {
      server.off('error', reject);
      resolve();
    };
    server.listen({ port, backlog: LISTEN_BACKLOG, ...(host === undefined ? {} : { host }) }, onListening);
  });
  return (server.address() as AddressInfo).port;
}
