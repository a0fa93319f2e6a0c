// The peer server for the bench: ngircd started on loopback with a generated config (flood penalties off, no connection limits, no PAM/ident/DNS).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { setTimeout as sleep } from 'node:timers/promises';

/** A running ngircd child. */
export interface PeerServer {
  pid: number;
  port: number;
  version: string;
  /** SIGTERM, then SIGKILL after 3 s; removes the config directory. */
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) =>
    srv.close(() => {
      resolve();
    }),
  );
  return port;
}

/** The ngircd.conf(5) the bench runs the peer with. */
export function ngircdConfig(port: number, pidFile: string): string {
  return [
    '[Global]',
    'Name = bench.irc.local',
    'Info = lair bench peer',
    'Listen = 127.0.0.1',
    `Ports = ${port}`,
    'MotdPhrase = bench',
    `PidFile = ${pidFile}`,
    '[Limits]',
    'MaxConnections = 0',
    'MaxConnectionsIP = 0',
    'MaxJoins = 0',
    'MaxNickLength = 30',
    'MaxPenaltyTime = 0',
    'PingTimeout = 120',
    'PongTimeout = 60',
    '[Options]',
    'DNS = no',
    'Ident = no',
    'PAM = no',
    '',
  ].join('\n');
}

/**
 * Starts `ngircd --nodaemon --config <generated>` on a free loopback port and waits until it
 * accepts connections. @throws Error when ngircd is not installed (`apt-get install -y ngircd`)
 * or does not listen within 10 s
 */
export async function startNgircd(): Promise<PeerServer> {
  let version: string;
  try {
    version = execFileSync('ngircd', ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '';
  } catch {
    throw new Error('ngircd is not installed: apt-get install -y ngircd');
  }
  const dir = mkdtempSync(join(tmpdir(), 'lair-peer-'));
  const port = await freePort();
  const conf = join(dir, 'ngircd.conf');
  writeFileSync(conf, ngircdConfig(port, join(dir, 'ngircd.pid')));
  const child = spawn('ngircd', ['--nodaemon', '--config', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString('utf8')).slice(-2000);
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => {
        resolve(false);
      });
    });
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`ngircd did not start: ${stderr}`);
    }
    await sleep(100);
  }
  return {
    pid: child.pid ?? -1,
    port,
    version,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Builds bench/peer/node-floor.ts into one ESM file and runs it with plain `node` on a free loopback port.
 * @throws Error when it does not print `listening <port>` within 30 s
 */
export async function startNodeFloor(): Promise<PeerServer> {
  // Bundled like the relay (no tsx loader in the measured process: tsx alone holds ~70 MB).
  const script = join(
    fileURLToPath(new URL('../../', import.meta.url)),
    'node_modules',
    '.cache',
    `lair-bench-${process.pid}`,
    'node-floor.mjs',
  );
  await build({
    entryPoints: [fileURLToPath(new URL('./node-floor.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: script,
    logLevel: 'warning',
  });
  const child = spawn(process.execPath, [script, '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => {
      reject(new Error('node floor did not start'));
    }, 30_000);
    child.stdout.on('data', (b: Buffer) => {
      const m = /listening (\d+)/.exec(b.toString('utf8'));
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  return {
    pid: child.pid ?? -1,
    port,
    version: `node ${process.version} net.Socket floor`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
