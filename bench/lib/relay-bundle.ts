// Builds the relay exactly as its container image does (relay/Dockerfile's esbuild RUN line and CMD node flags, read from the Dockerfile) plus a bundled probe, for benches that measure the shipped form.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Paths of a built relay bundle and its probe (plain ESM, no tsx needed), and the node flags of the container's CMD. */
export interface RelayBundle {
  /** Entry file of the relay bundle (its chunks next to it, as in the image's /app). */
  relay: string;
  probe: string;
  /** Node flags of relay/Dockerfile's CMD (between `node` and the script), e.g. `--enable-source-maps`. */
  nodeFlags: string[];
}

/** What relay/Dockerfile says about running the relay: the esbuild arguments and the CMD's node flags. */
export interface DockerfileRelayBuild {
  /** Arguments after `esbuild` in the build stage's `RUN npx --no-install esbuild …` line. */
  esbuildArgs: string[];
  /** Node flags of the runtime CMD, e.g. `["--enable-source-maps", "--max-semi-space-size=1"]`. */
  nodeFlags: string[];
}

/** Splits a shell command line into words (double and single quotes, backslash-newline continuations). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: '"' | "'" | undefined;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && line[i + 1] === '\n') {
      i++;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * Reads relay/Dockerfile's relay build: the `RUN npx --no-install esbuild …` instruction (with its
 * continuation lines) and the runtime `CMD ["node", …flags, "/app/relay.mjs"]`.
 * @throws Error when either is missing (the Dockerfile changed shape: update this parser with it)
 */
export function parseDockerfileRelayBuild(dockerfile: string): DockerfileRelayBuild {
  const run = /^RUN npx --no-install esbuild ((?:[^\n]*\\\n)*[^\n]*)$/m.exec(dockerfile)?.[1];
  const cmd = /^CMD (\[[^\n]*\])$/m.exec(dockerfile)?.[1];
  if (run === undefined || cmd === undefined)
    throw new Error('relay/Dockerfile: no `RUN npx --no-install esbuild` or no CMD line');
  const argv = JSON.parse(cmd) as string[];
  if (argv[0] !== 'node') throw new Error(`relay/Dockerfile: CMD does not run node: ${cmd}`);
  return { esbuildArgs: shellWords(run), nodeFlags: argv.slice(1, -1) };
}

/**
 * Builds the relay with relay/Dockerfile's own esbuild arguments (only `--outdir` moved, and
 * `--target` set to this Node's major version) and bench/lib/relay-probe.ts next to it, under
 * `node_modules/.cache/lair-bench-<pid>/` (one per bench process, so the external packages resolve
 * from the repository's node_modules). The probe is bundled without the AWS SDK: the bundled relay
 * has its own copy, which the probe's call counter could not see anyway, and a second copy would be
 * counted as relay memory. Memory, CPU profile and event-loop readings work as with tsx.
 * @returns the entry paths and the CMD's node flags (run the relay with them: relay-process.ts does)
 */
export async function buildRelayBundle(): Promise<RelayBundle> {
  const dir = join(ROOT, 'node_modules', '.cache', `lair-bench-${process.pid}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const spec = parseDockerfileRelayBuild(await readFile(join(ROOT, 'relay', 'Dockerfile'), 'utf8'));
  const target = `--target=node${process.versions.node.split('.')[0] ?? '20'}`;
  const args = spec.esbuildArgs.map((a) =>
    a.startsWith('--outdir=') ? `--outdir=${dir}` : a.startsWith('--target=') ? target : a,
  );
  if (!args.some((a) => a.startsWith('--outdir=')))
    throw new Error('relay/Dockerfile: the esbuild line has no --outdir');
  await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'esbuild'), [...args, '--log-level=warning'], {
    cwd: ROOT,
  });
  const probe = join(dir, 'relay-probe.mjs');
  await build({
    entryPoints: [join(ROOT, 'bench/lib/relay-probe.ts')],
    outfile: probe,
    bundle: true,
    platform: 'node',
    target: target.slice('--target='.length),
    format: 'esm',
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  });
  return { relay: join(dir, 'relay.mjs'), probe, nodeFlags: spec.nodeFlags };
}
