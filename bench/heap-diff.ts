// Compares two V8 heap snapshots (`bench:peer --heap-snapshot` writes one at the warm batch and one at N): object count and self size by constructor, per added connection.
import { readFileSync } from 'node:fs';

/** Count and self size (bytes) of the live objects of one kind (`type:name`). */
interface Kind {
  count: number;
  bytes: number;
}

/**
 * Reads a `.heapsnapshot` (V8's JSON format) and sums count and self size per `type:constructor`
 * (strings grouped as one kind per string type). Needs ~10× the file size of memory.
 */
export function kindsOf(path: string): Map<string, Kind> {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const types = snap.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const out = new Map<string, Kind>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType] ?? 0] ?? '?';
    const name = type.includes('string') ? '' : (snap.strings[snap.nodes[i + iName] ?? 0] ?? '').slice(0, 60);
    const key = `${type}:${name}`;
    const k = out.get(key) ?? { count: 0, bytes: 0 };
    k.count += 1;
    k.bytes += snap.nodes[i + iSize] ?? 0;
    out.set(key, k);
  }
  return out;
}

/** `npx tsx bench/heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> <added connections> [rows]` */
function main(argv: string[]): void {
  const [a, b, n, rows] = argv;
  if (a === undefined || b === undefined || n === undefined) {
    process.stderr.write('usage: heap-diff <before> <after> <added connections> [rows=30]\n');
    process.exit(2);
  }
  const added = Number(n);
  const before = kindsOf(a);
  const after = kindsOf(b);
  const diff = [...after].map(([key, k]) => {
    const o = before.get(key) ?? { count: 0, bytes: 0 };
    return { key, count: k.count - o.count, bytes: k.bytes - o.bytes };
  });
  const total = diff.reduce((s, d) => s + d.bytes, 0);
  process.stdout.write(
    `self size added: ${(total / 1024 / 1024).toFixed(1)} MiB = ${(total / added).toFixed(0)} B per connection\n` +
      `${'B/conn'.padStart(8)} ${'objs/conn'.padStart(9)}  kind\n`,
  );
  for (const d of diff.sort((x, y) => y.bytes - x.bytes).slice(0, Number(rows ?? 30)))
    process.stdout.write(
      `${(d.bytes / added).toFixed(0).padStart(8)} ${(d.count / added).toFixed(2).padStart(9)}  ${d.key}\n`,
    );
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
