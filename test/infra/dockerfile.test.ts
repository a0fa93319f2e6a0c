// relay/Dockerfile assertions: multi-stage, production dependencies only, non-root, and a health check that really probes the relay.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../infra/constructs/chat-function.js';
import {
  RELAY_HEALTHCHECK_COMMAND,
  RELAY_INTERNAL_PORT,
  RELAY_TCP_PORT,
  RELAY_WS_PORT,
} from '../../infra/stacks/relay-stack.js';

const dockerfile = readFileSync(join(REPO_ROOT, 'relay', 'Dockerfile'), 'utf8');
/** Instruction lines (comments, heredoc bodies excluded). */
const instructions = (() => {
  const out: string[] = [];
  let heredocEnd: string | undefined;
  for (const line of dockerfile.split('\n')) {
    if (heredocEnd !== undefined) {
      if (line.trim() === heredocEnd) heredocEnd = undefined;
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    heredocEnd = /<<'?(\w+)'?/.exec(line)?.[1];
    out.push(line);
  }
  return out;
})();
const stages = instructions.reduce<string[][]>((acc, line) => {
  if (line.startsWith('FROM ')) acc.push([line]);
  else acc.at(-1)?.push(line);
  return acc;
}, []);

/** The body of the `COPY <<'EOF' <path>` heredoc that writes `path`. */
function heredoc(path: string): string {
  const match = new RegExp(`COPY <<'EOF' ${path.replace(/\./g, '\\.')}\\n([\\s\\S]*?)\\nEOF\\n`).exec(
    dockerfile,
  );
  if (match?.[1] === undefined) throw new Error(`no heredoc for ${path}`);
  return match[1];
}

describe('relay/Dockerfile', () => {
  it('builds in one stage and runs from another', () => {
    expect(stages.length).toBe(2);
    expect(stages[0]![0]).toMatch(/^FROM node:22\S* AS build$/);
  });

  it('installs production dependencies only and ships just the bundle and the native argon2 package', () => {
    expect(stages[0]!.join('\n')).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).not.toMatch(/npm (ci|install)(?![^\n]*--omit=dev)/);
    const copies = stages[1]!.filter((l) => l.startsWith('COPY --from=build'));
    expect(copies.map((l) => l.split(/\s+/)[2])).toEqual(['/src/node_modules/@node-rs', '/src/dist/']);
  });

  it('runs as the non-root node user, exposes the relay ports and declares the ECS health check', () => {
    const runtime = stages[1]!;
    expect(runtime.filter((l) => l.startsWith('USER '))).toEqual(['USER node']);
    expect(runtime.findIndex((l) => l.startsWith('USER '))).toBeLessThan(
      runtime.findIndex((l) => l.startsWith('CMD')),
    );
    const exposed = runtime
      .find((l) => l.startsWith('EXPOSE '))!
      .split(/\s+/)
      .slice(1)
      .map(Number);
    expect(exposed.sort()).toEqual([RELAY_TCP_PORT, RELAY_INTERNAL_PORT, RELAY_WS_PORT].sort());
    const healthcheck = runtime.find((l) => l.startsWith('HEALTHCHECK '))!;
    expect(JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD ') + 4))).toEqual(
      RELAY_HEALTHCHECK_COMMAND.slice(1),
    );
  });

  describe('health check script', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lair-healthcheck-'));
    const script = join(dir, 'healthcheck.mjs');
    writeFileSync(script, heredoc(RELAY_HEALTHCHECK_COMMAND.at(-1)!));

    /** Runs the script against `port` (as LAIR_RELAY_WS_PORT); resolves its exit code. */
    const probe = (port: number): Promise<number> =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          [script],
          { env: { LAIR_RELAY_WS_PORT: String(port) }, timeout: 10_000 },
          (err) => {
            resolve(err === null ? 0 : typeof err.code === 'number' ? err.code : -1);
          },
        );
      });
    const listen = async (
      onRequest: (req: IncomingMessage, res: ServerResponse) => void,
    ): Promise<{ server: HttpServer; port: number }> => {
      const server = createHttpServer(onRequest);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { server, port: (server.address() as AddressInfo).port };
    };
    const close = async (server: HttpServer): Promise<void> => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    };

    it('passes when GET /health answers 200 (the relay is up, even at its TCP connection limit)', async () => {
      const paths: string[] = [];
      const { server, port } = await listen((req, res) => {
        paths.push(`${req.method} ${req.url}`);
        res.end('{"status":"ok"}');
      });
      await expect(probe(port)).resolves.toBe(0);
      expect(paths).toEqual(['GET /health']);
      await close(server);
    });

    it('fails on any other status', async () => {
      const { server, port } = await listen((_req, res) => {
        res.statusCode = 503;
        res.end();
      });
      await expect(probe(port)).resolves.toBe(1);
      await close(server);
    });

    it('fails when the port accepts but never answers (stuck event loop), within its 3 s timeout', async () => {
      const { server, port } = await listen(() => undefined);
      const started = Date.now();
      await expect(probe(port)).resolves.toBe(1);
      expect(Date.now() - started).toBeLessThan(6000);
      await close(server);
    });

    it('fails when nothing listens (the draining relay closed its listener)', async () => {
      const { server, port } = await listen((_req, res) => res.end());
      await close(server);
      await expect(probe(port)).resolves.toBe(1);
    });
  });
});
