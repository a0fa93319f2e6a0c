// Serves the admin console (console/src, docs/protocol/extensions.md §9) at /admin on the local HTTP port: the TS app bundled once with esbuild (uPlot included).
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'console', 'src');

/** A built console: path → [content type, body]. */
type Assets = ReadonlyMap<string, readonly [string, Buffer]>;

/**
 * Bundles `console/src/app.ts` (browser ES2020, minified) and reads the HTML, CSS and uPlot's
 * stylesheet, synchronously (esbuild `buildSync`, no network). Keys are URL paths under `/admin/`.
 * Used by the local server and by the CDK construct (infra/constructs/admin-console.ts), which
 * uploads the same files.
 * @throws whatever esbuild throws on a broken source
 */
export function buildConsoleFiles(): ReadonlyMap<string, readonly [string, Buffer]> {
  const out = buildSync({
    entryPoints: [join(SRC, 'app.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  const js = Buffer.from(out.outputFiles[0]?.contents ?? new Uint8Array());
  return new Map<string, readonly [string, Buffer]>([
    ['/admin/index.html', ['text/html; charset=utf-8', readFileSync(join(SRC, 'index.html'))]],
    ['/admin/app.js', ['text/javascript; charset=utf-8', js]],
    ['/admin/style.css', ['text/css; charset=utf-8', readFileSync(join(SRC, 'style.css'))]],
    [
      '/admin/uplot.css',
      ['text/css; charset=utf-8', readFileSync(join(ROOT, 'node_modules/uplot/dist/uPlot.min.css'))],
    ],
  ]);
}

/** {@link buildConsoleFiles} plus `/admin` and `/admin/` as the page (the local server's routes). */
export async function buildConsoleAssets(): Promise<Assets> {
  await Promise.resolve();
  const files = buildConsoleFiles();
  const page = files.get('/admin/index.html');
  if (page === undefined) throw new Error('console build has no index.html');
  return new Map([['/admin', page], ['/admin/', page], ...files]);
}

/** The console's Content-Security-Policy (also set by CloudFront in AWS, infra/constructs/admin-console.ts). */
export const CONSOLE_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'";

let assets: Promise<Assets> | undefined;

/** True for `/admin` and everything under it. */
export function isConsolePath(path: string): boolean {
  return path === '/admin' || path.startsWith('/admin/');
}

/**
 * Answers one console request (GET/HEAD only; 404 for unknown files, 405 for other methods).
 * @returns the status sent
 */
export async function serveConsole(req: IncomingMessage, res: ServerResponse, path: string): Promise<number> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return 405;
  }
  assets ??= buildConsoleAssets();
  const file = (await assets).get(path);
  if (file === undefined) {
    res.writeHead(404).end();
    return 404;
  }
  res.writeHead(200, {
    'content-type': file[0],
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'content-security-policy': CONSOLE_CSP,
  });
  res.end(req.method === 'HEAD' ? undefined : file[1]);
  return 200;
}
