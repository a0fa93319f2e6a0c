// Registry completeness: every feature folder, Lambda group and command file on disk is registered, and every error code has an HTTP status and a TCP code.
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HTTP_STATUS } from '../../../lambdas/http/errors.js';
import { ROUTE_GROUPS, routesOf, type RouteGroup } from '../../../lambdas/http/routes.js';
import { CLIENT_MESSAGE_TYPES, COMMANDS } from '../../../relay/commands/index.js';
import { TCP_ERROR_TABLE } from '../../../relay/commands/errors.js';
import { ERROR_ROWS } from '../../../shared/features/catalog.js';
import { ENTITY, FEATURES, keys } from '../../../shared/features/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dirs = (path: string): string[] =>
  readdirSync(join(root, path), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

describe('shared/features registry', () => {
  const folders = dirs('shared/features');

  it("has a folder for each of today's areas", () => {
    expect(folders).toEqual([
      'admin',
      'attachments',
      'audit',
      'auth',
      'conversations',
      'exports',
      'invitations',
      'messages',
      'moderation',
      'notices',
      'presence',
      'receipts',
      'retention',
      'room-moderation',
      'rooms',
      'search',
      'social',
      'stats',
      'sync',
      'users',
    ]);
  });

  it.each(folders)(
    '%s: its descriptor is in FEATURES and its error rows are in the catalog',
    async (name) => {
      const index = (await import(join(root, 'shared/features', name, 'index.ts'))) as Record<
        string,
        unknown
      >;
      const descriptor = index[`${name.replace(/-(\w)/g, (_: string, c: string) => c.toUpperCase())}Feature`];
      expect(descriptor).toBeDefined();
      expect(FEATURES as readonly unknown[]).toContain(descriptor);
      const errors = index.errors as Record<string, unknown>;
      for (const code of Object.keys(errors)) expect(ERROR_ROWS).toHaveProperty(code, errors[code]);
    },
  );

  it('no two features declare the same key builder or entity tag', () => {
    const keyNames = FEATURES.flatMap((f) => Object.keys(f.keys));
    expect(new Set(keyNames).size).toBe(keyNames.length);
    const tags = Object.values(ENTITY);
    expect(new Set(tags).size).toBe(tags.length);
    expect(Object.keys(keys)).toEqual(
      expect.arrayContaining(['user', 'room', 'membership', 'session', 'rateLimit']),
    );
  });
});

describe('error rows', () => {
  const codes = Object.keys(ERROR_ROWS);
  const tcpCodes = new Set([...codes, 'unauthorized']);

  it.each(codes)('%s has an HTTP status and a TCP code', (code) => {
    const http = HTTP_STATUS[code as keyof typeof HTTP_STATUS];
    expect(Number.isInteger(http) && http >= 400 && http <= 599).toBe(true);
    const tcp = TCP_ERROR_TABLE[code as keyof typeof TCP_ERROR_TABLE];
    expect(tcpCodes.has(tcp.code)).toBe(true);
  });
});

describe('Lambda group registry', () => {
  const groups = dirs('lambdas').filter(
    (d) => d !== 'http' && existsSync(join(root, 'lambdas', d, 'routes.ts')),
  );

  it('every lambdas/<group>/routes.ts is a registered group, and every group has one', () => {
    expect(groups).toEqual([...ROUTE_GROUPS].sort());
  });

  it.each(groups)('%s: the route table serves exactly its routes.ts', async (group) => {
    const mod = (await import(join(root, 'lambdas', group, 'routes.ts'))) as { routes: { path: string }[] };
    expect(routesOf(group as RouteGroup).map((r) => r.path)).toEqual(mod.routes.map((r) => r.path));
  });
});

describe('relay command registry', () => {
  const files = readdirSync(join(root, 'relay/commands')).filter((f) => f.endsWith('.ts'));

  it.each(files)('%s: every command group it declares is registered', async (file) => {
    const mod = (await import(join(root, 'relay/commands', file))) as Record<string, unknown>;
    const groups = Object.values(mod).filter(
      (v): v is { schemas: object; handlers: object } =>
        typeof v === 'object' && v !== null && 'schemas' in v && 'handlers' in v,
    );
    for (const group of groups) {
      for (const type of Object.keys(group.schemas)) {
        expect(CLIENT_MESSAGE_TYPES).toContain(type);
        expect(COMMANDS).toHaveProperty(type, (group.handlers as Record<string, unknown>)[type]);
      }
    }
  });

  it('the feature command files declare a group each', async () => {
    const declared: string[] = [];
    for (const file of ['messages', 'message-lifecycle', 'rooms', 'invitations', 'users']) {
      const mod = (await import(join(root, 'relay/commands', `${file}.ts`))) as Record<string, unknown>;
      if (Object.values(mod).some((v) => typeof v === 'object' && v !== null && 'handlers' in v))
        declared.push(file);
    }
    expect(declared).toHaveLength(5);
  });
});
