// Summarises a V8 .cpuprofile: self time by function and by code area (aws-sdk, relay, shared, node internals, GC, idle).
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one function or area, ms and share of the sampled time (idle included). */
export interface SelfTime {
  name: string;
  selfMs: number;
  pct: number;
}

/** Result of {@link summarizeProfile}. */
export interface ProfileSummary {
  totalMs: number;
  byArea: SelfTime[];
  topFunctions: SelfTime[];
}

/** Code area of a profile frame, from its script URL. */
function areaOf(url: string, fn: string): string {
  if (url === '') return fn.startsWith('(') ? fn : 'native/builtin';
  if (/node_modules\/(@aws-sdk|@smithy|@aws-crypto)\//.test(url)) return 'aws-sdk + smithy';
  if (url.includes('node_modules/pino')) return 'pino';
  if (url.includes('node_modules/zod')) return 'zod';
  if (url.includes('node_modules/jose')) return 'jose';
  if (url.includes('node_modules/'))
    return `npm:${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? '?'}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] ?? ''}`;
  const m = /\/(relay|shared|client|bench)\/([^/]+)/.exec(url);
  if (m) return `${m[1]}/${m[2]}`;
  return 'other';
}

/**
 * Reads a `.cpuprofile` (Profiler.stop output) and attributes every sample's time to its leaf
 * frame ("self time"), grouped by function (`name url:line`) and by area (see areaOf).
 */
export async function summarizeProfile(path: string, top = 15): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const area = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (node === undefined) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\/.*?\/(relay|shared|client|bench|node_modules)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + dt);
    const a = areaOf(url, functionName);
    area.set(a, (area.get(a) ?? 0) + dt);
    total += dt;
  });
  const rank = (m: Map<string, number>, n: number): SelfTime[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, selfMs: Math.round(ms), pct: Math.round((ms / total) * 1000) / 10 }));
  return { totalMs: Math.round(total), byArea: rank(area, 20), topFunctions: rank(fn, top) };
}

if (process.argv[1]?.endsWith('profile-summary.ts') && process.argv[2] !== undefined) {
  void summarizeProfile(process.argv[2], Number(process.argv[3] ?? 25)).then((s) => {
    process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
  });
}
