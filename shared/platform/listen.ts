// Starts a server listening and resolves with the bound port, or rejects with the listen error (e.g. EADDRINUSE).
import type { AddressInfo, Server } from 'node:net';

/**
 * `server.listen(port, host)` as a promise: resolves with the port actually bound (the OS's choice
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
    if (host === undefined) server.listen(port, onListening);
    else server.listen(port, host, onListening);
  });
  return (server.address() as AddressInfo).port;
}
