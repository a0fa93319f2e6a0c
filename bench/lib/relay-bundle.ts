// Builds the relay the way its container image does (relay/Dockerfile: one esbuild ESM bundle) plus a bundled probe, for benches that measure the shipped form.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Paths of a built relay bundle and its probe (both plain ESM, no tsx needed to run them). */
export interface RelayBundle {
  relay: string;
  probe: string;
}

const BANNER =
  "import { createRequire as __lairCreateRequire } from 'node:module'; const require = __lairCreateRequire(import.meta.url);";

/**
 * Bundles relay/main.ts with relay/Dockerfile's esbuild flags (ESM, node target, argon2 and ws'
 * optional natives external) and bench/lib/relay-probe.ts next to it, under
 * `node_modules/.cache/lair-bench-<pid>/` (one per bench process, so the external packages resolve from the repository's
 * node_modules). The probe's DynamoDB call counter then sees no calls: the bundle has its own
 * copy of the SDK; memory, CPU profile and event-loop readings work as with tsx.
 */
export async function buildRelayBundle(): Promise<RelayBundle> {
  const dir = join(ROOT, 'node_modules', '.cache', `lair-bench-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const common = {
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'esm' as const,
    external: ['@node-rs/argon2', 'bufferutil', 'utf-8-validate'],
    banner: { js: BANNER },
    logLevel: 'warning' as const,
  };
  const relay = join(dir, 'relay.mjs');
  const probe = join(dir, 'relay-probe.mjs');
  await build({ ...common, entryPoints: [join(ROOT, 'relay/main.ts')], outfile: relay });
  await build({ ...common, entryPoints: [join(ROOT, 'bench/lib/relay-probe.ts')], outfile: probe });
  return { relay, probe };
}
