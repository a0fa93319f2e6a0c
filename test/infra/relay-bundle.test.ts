// The relay image's build (relay/Dockerfile, as bench/lib/relay-bundle.ts reads and runs it): code split, minified, source maps without sources, rarely used code in lazy chunks.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../infra/constructs/chat-function.js';
import { buildRelayBundle, parseDockerfileRelayBuild } from '../../bench/lib/relay-bundle.js';

const dockerfile = readFileSync(join(REPO_ROOT, 'relay', 'Dockerfile'), 'utf8');

describe('relay/Dockerfile relay build (docs/adr/031)', () => {
  const spec = parseDockerfileRelayBuild(dockerfile);

  it('bundles relay/main.ts code split into dist/, whitespace and syntax minified, map without sources', () => {
    expect(spec.esbuildArgs[0]).toBe('relay/main.ts');
    expect(spec.esbuildArgs).toEqual(
      expect.arrayContaining([
        '--bundle',
        '--format=esm',
        '--splitting',
        '--outdir=dist',
        '--entry-names=relay',
        '--minify-whitespace',
        '--minify-syntax',
        '--sourcemap',
        '--sources-content=false',
        '--external:@node-rs/argon2',
      ]),
    );
    // Identifiers stay readable in stack traces even without the map.
    expect(spec.esbuildArgs).not.toContain('--minify');
    expect(spec.esbuildArgs).not.toContain('--minify-identifiers');
    expect(spec.esbuildArgs.find((a) => a.startsWith('--banner:js='))).toContain('createRequire');
  });

  it("runs node with source maps and V8's default heap sizing (docs/adr/031 amendment)", () => {
    expect(spec.nodeFlags).toContain('--enable-source-maps');
    expect(spec.nodeFlags).not.toContain('--optimize-for-size');
  });

  it('rejects a Dockerfile without the esbuild line', () => {
    expect(() => parseDockerfileRelayBuild('FROM node:22\nCMD ["node", "x.mjs"]\n')).toThrow(/esbuild/);
  });

  it('puts the password dictionaries and the S3 client in chunks the entry only imports on first use', async () => {
    const bundle = await buildRelayBundle();
    const entry = readFileSync(bundle.relay, 'utf8');
    const dir = join(bundle.relay, '..', 'chunks');
    const chunks = readdirSync(dir).filter((f) => f.endsWith('.mjs'));
    const holding = (needle: string): string[] =>
      chunks.filter((f) => readFileSync(join(dir, f), 'utf8').includes(needle));
    // zxcvbn's English word list and S3's PutObject serializer live in chunks …
    const words = holding('AyouAtheBoA');
    const s3 = holding('PutObjectCommand');
    expect(words.length).toBeGreaterThan(0);
    expect(s3.length).toBeGreaterThan(0);
    expect(entry).not.toContain('AyouAtheBoA');
    expect(entry).not.toContain('PutObjectCommand');
    // … that the entry reaches only through import() (a static import would load them at start).
    const staticImports = [
      ...entry.matchAll(/(?:^|[;}\n])import\s*(?:[^()'"]*?from\s*)?["']\.\/chunks\/([^"']+)["']/g),
    ].map((m) => m[1]);
    for (const chunk of [...words, ...s3]) expect(staticImports).not.toContain(chunk);
    expect(entry).toMatch(/import\(["']\.\/chunks\//);
    expect(bundle.nodeFlags).toEqual(spec.nodeFlags);
    rmSync(join(bundle.relay, '..'), { recursive: true, force: true });
  }, 60_000);
});
