// The audit log is append-only (docs/protocol/extensions.md §9): its repository port and store have no update or delete path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', '..', '..', 'shared', 'features', 'audit');
const read = (f: string): string => readFileSync(join(dir, f), 'utf8');

describe('audit log: append-only', () => {
  it('the AuditRepository port declares only append and list', () => {
    const port = /export interface AuditRepository \{([\s\S]*?)\n\}/.exec(read('model.ts'))?.[1] ?? '';
    const methods = [...port.matchAll(/^\s{2}(\w+)\(/gm)].map((m) => m[1]);
    expect(methods).toEqual(['append', 'list']);
  });

  it('no file of the feature issues an update or a delete', () => {
    for (const f of ['model.ts', 'store.ts', 'service.ts', 'index.ts']) {
      const src = read(f);
      expect(src).not.toMatch(
        /UpdateCommand|DeleteCommand|UpdateItem|DeleteItem|BatchWrite|\bUpdate:|\bDelete:/,
      );
    }
  });
});
