// Integration tests of AdminService, UserService and PresenceService on DynamoDB Local (docs/protocol/http.md §6, §12; docs/protocol/domain.md §8.3).
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuthResult } from '../../../shared/features/auth/index.js';
import { keys } from '../../../shared/features/index.js';
import { createTestServices, registerUser, type TestServices, UNKNOWN_ID } from '../../support/services.js';

let t: TestServices;
let alice: AuthResult;
let bob: AuthResult;
const UNKNOWN = UNKNOWN_ID;

beforeAll(async () => {
  t = await createTestServices();
  [alice, bob] = await Promise.all([registerUser(t.services), registerUser(t.services)]);
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.events.length = 0;
});

describe('admin stats (docs/protocol/http.md §12)', () => {
  it('requires the stored system role admin and counts users, rooms and online users', async () => {
    await expect(t.services.admin.stats(alice.user.id)).rejects.toMatchObject({
      code: 'permission_denied',
      message: 'Permission denied',
    });
    await t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: keys.user(alice.user.id),
        UpdateExpression: 'SET #role = :admin',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':admin': 'admin' },
      }),
    );
    await t.services.rooms.create(bob.user.id, { name: 'stats-room', settings: { public: false } });
    await t.repos.presence.putConnection(bob.user.id, 'relay-a', 'c1', 60);
    await expect(t.services.admin.stats(alice.user.id)).resolves.toEqual({
      total_users: 2,
      total_rooms: 1,
      online_users: 1,
    });
    await t.repos.presence.deleteConnection(bob.user.id, 'relay-a', 'c1');
    await expect(t.services.admin.stats(UNKNOWN)).rejects.toMatchObject({ code: 'permission_denied' });
  });
});

describe('users', () => {
  it('get / getWithPresence / list / onlineUserIds', async () => {
    await expect(t.services.users.get(bob.user.id)).resolves.toEqual(bob.user);
    await expect(t.services.users.get(UNKNOWN)).rejects.toMatchObject({ code: 'user_not_found' });
    await expect(t.services.users.getWithPresence(bob.user.id)).resolves.toEqual({
      user: bob.user,
      online: false,
    });
    await t.repos.presence.putConnection(bob.user.id, 'relay-a', 'c2', 60);
    await expect(t.services.users.getWithPresence(bob.user.id)).resolves.toMatchObject({ online: true });
    await expect(t.services.users.onlineUserIds()).resolves.toEqual([bob.user.id]);
    const list = await t.services.users.list(50, 0);
    const sorted = [alice.user, bob.user].sort((a, b) => (a.username < b.username ? -1 : 1));
    expect(list.map((e) => [e.user.id, e.online])).toEqual(sorted.map((u) => [u.id, u.id === bob.user.id]));
    expect(list[0]?.user).not.toHaveProperty('password_hash');
    await t.repos.presence.deleteConnection(bob.user.id, 'relay-a', 'c2');
  });

  it('updateMe changes the email (lowercased, unique), keeps it on null/undefined, accepts its own address', async () => {
    const u = await registerUser(t.services);
    await expect(t.services.users.updateMe(u.user.id, {})).resolves.toEqual(u.user);
    await expect(t.services.users.updateMe(u.user.id, { email: null })).resolves.toEqual(u.user);
    await expect(
      t.services.users.updateMe(u.user.id, { email: u.user.email.toUpperCase() }),
    ).resolves.toEqual(u.user);
    await expect(t.services.users.updateMe(u.user.id, { email: 'nope' })).rejects.toMatchObject({
      code: 'email_invalid',
    });
    await expect(t.services.users.updateMe(u.user.id, { email: bob.user.email })).rejects.toMatchObject({
      code: 'email_taken',
    });
    const changed = await t.services.users.updateMe(u.user.id, {
      email: `New.${u.user.username}@Example.com`,
    });
    expect(changed.email).toBe(`new.${u.user.username}@example.com`);
    await expect(
      t.services.auth.login({ identifier: changed.email, password: 'plaid-otter-quarry-9' }, 'http'),
    ).resolves.toBeDefined();
  });
});

describe('presence (docs/protocol/domain.md §8.3)', () => {
  it('announces the first connection and the last close to the contacts audience (extensions.md §8)', async () => {
    const u = await registerUser(t.services);
    await t.services.presence.connected(u.user, 'relay-a', 'conn-1', 60);
    await t.services.presence.connected(u.user, 'relay-b', 'conn-2', 60);
    expect(t.events.map((e) => [e.payload, e.audience])).toEqual([
      [
        { type: 'user_online', user_id: u.user.id, username: u.user.username },
        { kind: 'contacts', roomIds: [], userIds: [], exceptConnectionId: 'conn-1' },
      ],
    ]);
    await t.services.presence.heartbeat(
      [{ userId: u.user.id, relayId: 'relay-a', connectionId: 'conn-1' }],
      60,
    );
    await t.services.presence.disconnected(u.user, 'relay-a', 'conn-1');
    expect(t.events).toHaveLength(1);
    await t.services.presence.disconnected(u.user, 'relay-b', 'conn-2');
    expect(t.events.map((e) => [e.payload, e.audience])[1]).toEqual([
      { type: 'user_offline', user_id: u.user.id, username: u.user.username },
      { kind: 'contacts', roomIds: [], userIds: [] },
    ]);
    await expect(t.services.users.onlineUserIds()).resolves.not.toContain(u.user.id);
  });
});
