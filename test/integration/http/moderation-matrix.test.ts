// Authorization matrix generated from THE permission table (shared/kernel/permissions.ts) × every system role × every route and command it lists; each cell asserted.
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../../shared/features/index.js';
import { allows, PERMISSIONS, SYSTEM_ROLES, type Permission } from '../../../shared/kernel/permissions.js';
import type { SystemRole } from '../../../shared/kernel/types.js';
import { ROUTES, routeKey } from '../../../lambdas/http/routes.js';
import { COMMANDS } from '../../../relay/commands/index.js';
import { registerUser, startTestApi, type TestApi, type TestUser } from '../../support/http.js';
import { connectUser, startTestRelay, type TestRelay } from '../../support/relay.js';
import type { TestTcpClient } from '../../support/relay.js';

/** A request that passes parsing for every route (ids are random UUIDs: allowed callers get a 404 or a 2xx). */
function bodyFor(key: string): unknown {
  if (key.endsWith('/role')) return { role: 'user' };
  if (key.startsWith('POST /api/v1/admin/notices')) return { message: 'matrix notice' };
  if (key === 'POST /api/v1/rooms') return { name: `mx${randomUUID().slice(0, 8)}` };
  if (key === 'POST /api/v1/conversations') return { participant_ids: [randomUUID(), randomUUID()] };
  if (key === 'POST /api/v1/invitations') return { room_id: randomUUID(), user_id: randomUUID() };
  if (key === 'POST /api/v1/invitations/bulk') return { room_id: randomUUID(), user_ids: [randomUUID()] };
  if (key.startsWith('POST ')) return {};
  return undefined;
}
const pathOf = (template: string): string => template.replace(/\{[a-z_]+\}/g, () => randomUUID());

/** A command that passes parsing (random targets). */
function commandFor(type: string): Record<string, unknown> {
  const user = randomUUID();
  switch (type) {
    case 'set_user_role':
      return { type, user, role: 'user' };
    case 'send_server_notice':
      return { type, message: 'matrix notice' };
    case 'get_audit_log':
      return { type };
    case 'create_room':
      return { type, name: `mx${randomUUID().slice(0, 8)}` };
    case 'create_conversation':
      return { type, participant_ids: [randomUUID(), randomUUID()] };
    case 'invite_to_room':
      return { type, room_id: randomUUID(), user_id: user };
    case 'invite_multiple':
      return { type, room_id: randomUUID(), user_ids: [user] };
    case 'set_slow_mode':
      return { type, room_id: randomUUID(), seconds: 10 };
    default:
      return { type, user, room_id: randomUUID() };
  }
}

const CELLS = (Object.keys(PERMISSIONS) as Permission[]).flatMap((permission) =>
  SYSTEM_ROLES.map((role) => ({ permission, role, allowed: allows(role, permission) })),
);
const HTTP_CELLS = CELLS.flatMap((c) => PERMISSIONS[c.permission].http.map((key: string) => ({ ...c, key })));
const TCP_CELLS = CELLS.flatMap((c) => PERMISSIONS[c.permission].tcp.map((type: string) => ({ ...c, type })));

async function setStoredRole(
  api: { doc: TestApi['table']['doc']; tableName: string },
  id: string,
  role: SystemRole,
) {
  await api.doc.send(
    new UpdateCommand({
      TableName: api.tableName,
      Key: keys.user(id),
      UpdateExpression: 'SET #r = :r',
      ExpressionAttributeNames: { '#r': 'role' },
      ExpressionAttributeValues: { ':r': role },
    }),
  );
}

describe('the permission table covers every privileged route and command', () => {
  it('every `admin`-level route is in exactly one row; every row names real routes and commands', () => {
    const listed: string[] = Object.values(PERMISSIONS).flatMap((p) => [...p.http]);
    expect(new Set(listed).size).toBe(listed.length);
    const adminRoutes = ROUTES.filter((r) => r.auth === 'admin')
      .map(routeKey)
      .sort();
    // Every admin route is listed; rows may also list session routes that ask a system role first (room moderation).
    expect(adminRoutes.filter((k) => !listed.includes(k))).toEqual([]);
    const known = new Set(ROUTES.map(routeKey));
    expect(listed.filter((k) => !known.has(k))).toEqual([]);
    for (const p of Object.values(PERMISSIONS))
      for (const t of p.tcp) expect(Object.keys(COMMANDS)).toContain(t);
  });
});

describe('authorization matrix over HTTP', () => {
  let api: TestApi;
  const users = new Map<SystemRole, TestUser>();
  beforeAll(async () => {
    api = await startTestApi();
    for (const role of SYSTEM_ROLES) {
      const u = await registerUser(api, role.slice(0, 3));
      await setStoredRole({ doc: api.table.doc, tableName: api.table.tableName }, u.id, role);
      users.set(role, u);
    }
  });
  afterAll(async () => {
    await api.close();
  });

  it.each(HTTP_CELLS)(
    '$key as $role (needs $permission): allowed=$allowed',
    async ({ key, role, allowed }) => {
      const [method, template] = key.split(' ') as [string, string];
      const res = await api.request(method, pathOf(template), {
        token: users.get(role)!.token,
        body: bodyFor(key),
      });
      if (allowed) {
        // Allowed: anything but the permission refusal (random ids may still meet not_room_member, 404…).
        expect(res.json?.error?.code).not.toBe('permission_denied');
        expect(res.status).toBeLessThan(500);
      } else
        expect({ status: res.status, code: res.json?.error?.code }).toEqual({
          status: 403,
          code: 'permission_denied',
        });
    },
  );

  it.each([...new Set(HTTP_CELLS.map((c) => c.key))])('%s without a token: 401', async (key) => {
    const [method, template] = key.split(' ') as [string, string];
    const res = await api.request(method, pathOf(template), { body: bodyFor(key) });
    expect(res.status).toBe(401);
  });
});

describe('authorization matrix over TCP', () => {
  let relay: TestRelay;
  const clients = new Map<SystemRole, TestTcpClient>();
  beforeAll(async () => {
    relay = await startTestRelay();
    for (const role of SYSTEM_ROLES) {
      const { client, auth } = await connectUser(relay);
      await setStoredRole({ doc: relay.table.doc, tableName: relay.table.tableName }, auth.user.id, role);
      clients.set(role, client);
    }
  });
  afterAll(async () => {
    for (const c of clients.values()) c.destroy();
    await relay.close();
  });

  it.each(TCP_CELLS)(
    '$type as $role (needs $permission): allowed=$allowed',
    async ({ type, role, allowed }) => {
      const res = await clients.get(role)!.request(commandFor(type) as { type: string });
      if (allowed) expect(res.error?.code).not.toBe('permission_denied');
      else expect(res).toMatchObject({ success: false, error: { code: 'permission_denied' } });
    },
  );
});
