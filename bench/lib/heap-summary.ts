// Diffs two V8 heap snapshots by constructor: which objects each extra connection adds to the relay's heap.
import { readFile } from 'node:fs/promises';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Bytes and object counts per class of heap object (`Connection`, `closure:onData`, `(string)`, …). */
export type HeapCensus = Map<string, { bytes: number; count: number }>;

/** Self size of every heap object grouped by constructor (objects), function name (closures) or kind. */
export async function heapCensus(path: string): Promise<HeapCensus> {
  const snap = JSON.parse(await readFile(path, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const census: HeapCensus = new Map();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + iType] ?? 0] ?? '?';
    const name = snap.strings[snap.nodes[i + iName] ?? 0] ?? '?';
    const key =
      type === 'object' || type === 'native'
        ? name
        : type === 'closure'
          ? `closure:${name || '(anonymous)'}`
          : `(${type})`;
    const entry = census.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += snap.nodes[i + iSize] ?? 0;
    entry.count += 1;
    census.set(key, entry);
  }
  return census;
}

/** One class of objects and what each extra connection added of it. */
export interface PerConnectionHeap {
  name: string;
  bytesPerConnection: number;
  objectsPerConnection: number;
}

/**
 * (after - before) / `connections` per class, largest first.
 * @param connections - connections opened between the two snapshots
 */
export function heapDiff(
  before: HeapCensus,
  after: HeapCensus,
  connections: number,
  top = 25,
): PerConnectionHeap[] {
  const out: PerConnectionHeap[] = [];
  for (const [name, a] of after) {
    const b = before.get(name) ?? { bytes: 0, count: 0 };
    out.push({
      name,
      bytesPerConnection: Math.round((a.bytes - b.bytes) / connections),
      objectsPerConnection: Math.round(((a.count - b.count) / connections) * 100) / 100,
    });
  }
  return out.sort((x, y) => y.bytesPerConnection - x.bytesPerConnection).slice(0, top);
}
