// Integration tests of RoomService on DynamoDB Local: create, read, lists, PATCH and delete rules (docs/protocol/domain.md §7, docs/protocol/http.md §7).
import { randomBytes } from 'node:crypto';
import type { AuthResult } from '../../../shared/features/auth/index.js';
import type { Room } from '../../../shared/features/rooms/index.js';
import {
  createTestServices,
  eventsOf,
  registerUser,
  type TestServices,
  UNKNOWN_ID,
  registerCast,
  populatedRoom as sharedPopulatedRoom,
} from '../../support/services.js';

let t: TestServices;
let alice: AuthResult; // owner
let mo: AuthResult; // moderator
let bob: AuthResult; // member
let eve: AuthResult; // outsider
const UNKNOWN = UNKNOWN_ID;
const name = (prefix = 'room'): string => `${prefix}-${randomBytes(4).toString('hex')}`;

/** A public room owned by alice with mo as moderator and bob as member; events cleared. */
const populatedRoom = (): Promise<Room> => sharedPopulatedRoom(t, { alice, mo, bob, eve }, name());
beforeAll(async () => {
  t = await createTestServices();
  ({ alice, mo, bob, eve } = await registerCast(t.services));
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.events.length = 0;
});

describe('create / get', () => {
  it('creates a room (trimmed name, settings mapping) with the creator as owner and emits nothing', async () => {
    const n = name('Create');
    const room = await t.services.rooms.create(alice.user.id, {
      name: `  ${n} `,
      description: 'Talk here',
      settings: { public: false, max_members: 5 },
    });
    expect(room).toMatchObject({
      name: n,
      owner: alice.user.id,
      settings: { description: 'Talk here', is_private: true, max_members: 5, retention_days: null },
    });
    expect(room).not.toHaveProperty('member_count');
    const got = await t.services.rooms.get(eve.user.id, room.id); // private rooms are readable by anyone
    expect(got).toMatchObject({ member_count: 1, membership: null });
    expect((await t.services.rooms.get(alice.user.id, room.id)).membership).toMatchObject({
      role: 'owner',
      user_id: alice.user.id,
    });
    expect(t.events).toHaveLength(0);
  });

  it('defaults to public and unlimited; names are unique case-insensitively; invalid names are refused', async () => {
    const n = name('Dup');
    const room = await t.services.rooms.create(alice.user.id, { name: n });
    expect(room.settings).toEqual({
      description: null,
      is_private: false,
      max_members: null,
      retention_days: null,
    });
    await expect(t.services.rooms.create(bob.user.id, { name: n.toUpperCase() })).rejects.toMatchObject({
      code: 'room_name_taken',
    });
    await expect(t.services.rooms.create(bob.user.id, { name: ' \t' })).rejects.toMatchObject({
      code: 'room_name_invalid',
      message: 'Room name invalid: value cannot be empty',
    });
    await expect(t.services.rooms.get(alice.user.id, UNKNOWN)).rejects.toMatchObject({
      code: 'room_not_found',
    });
  });
});

describe('lists', () => {
  it('listPublic hides private rooms, orders by name and computes is_member', async () => {
    const tag = randomBytes(3).toString('hex');
    const b = await t.services.rooms.create(alice.user.id, { name: `zz-${tag}-B` });
    const a = await t.services.rooms.create(bob.user.id, { name: `zz-${tag}-a` });
    const hidden = await t.services.rooms.create(alice.user.id, {
      name: `zz-${tag}-c`,
      settings: { public: false },
    });
    const page = await t.services.rooms.listPublic(alice.user.id, 100, 0);
    const mine = page.filter((i) => i.room.name.startsWith(`zz-${tag}`));
    expect(mine.map((i) => i.room.id)).toEqual([a.id, b.id]);
    expect(mine.map((i) => [i.is_member, i.member_count])).toEqual([
      [false, 1],
      [true, 1],
    ]);
    expect(page.some((i) => i.room.id === hidden.id)).toBe(false);
    const anonymous = await t.services.rooms.listPublic(null, 100, 0);
    expect(anonymous.every((i) => !i.is_member)).toBe(true);
  });

  it('listJoined covers private rooms, sorts by lowercased name and pages with offset/limit', async () => {
    const u = await registerUser(t.services);
    const c = await t.services.rooms.create(u.user.id, { name: name('C') });
    const a = await t.services.rooms.create(u.user.id, { name: name('a'), settings: { public: false } });
    const b = await t.services.rooms.create(u.user.id, { name: name('B') });
    const all = await t.services.rooms.listJoined(u.user.id, 50, 0);
    expect(all.map((i) => i.room.id)).toEqual([a.id, b.id, c.id]);
    expect(all.every((i) => i.is_member && i.member_count === 1)).toBe(true);
    expect((await t.services.rooms.listJoined(u.user.id, 1, 1)).map((i) => i.room.id)).toEqual([b.id]);
  });
});

describe('update (docs/protocol/http.md §7.4)', () => {
  it('is refused to non-members and plain members, allowed to moderators', async () => {
    const room = await populatedRoom();
    await expect(t.services.rooms.update(eve.user.id, room.id, { description: 'x' })).rejects.toMatchObject({
      code: 'not_room_member',
    });
    await expect(t.services.rooms.update(bob.user.id, room.id, { description: 'x' })).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(t.services.rooms.update(mo.user.id, UNKNOWN, { description: 'x' })).rejects.toMatchObject({
      code: 'room_not_found',
    });
    await expect(
      t.services.rooms.update(mo.user.id, room.id, { description: 'by mod' }),
    ).resolves.toMatchObject({
      settings: { description: 'by mod' },
    });
    expect(t.events).toHaveLength(0);
  });

  it('checks name uniqueness only when the string differs; a case variant of its own name is taken', async () => {
    const room = await populatedRoom();
    const other = await t.services.rooms.create(eve.user.id, { name: name('other') });
    await expect(
      t.services.rooms.update(alice.user.id, room.id, { name: ` ${room.name} ` }),
    ).resolves.toMatchObject({ name: room.name });
    await expect(
      t.services.rooms.update(alice.user.id, room.id, { name: room.name.toUpperCase() }),
    ).rejects.toMatchObject({
      code: 'room_name_taken',
    });
    await expect(t.services.rooms.update(alice.user.id, room.id, { name: other.name })).rejects.toMatchObject(
      { code: 'room_name_taken' },
    );
    await expect(t.services.rooms.update(alice.user.id, room.id, { name: '' })).rejects.toMatchObject({
      code: 'room_name_invalid',
    });
    const renamed = name('renamed');
    await expect(t.services.rooms.update(alice.user.id, room.id, { name: renamed })).resolves.toMatchObject({
      name: renamed,
    });
    await expect(t.services.rooms.create(eve.user.id, { name: room.name })).resolves.toBeDefined(); // old name freed
  });

  it('keeps the description when null, and `settings` replaces privacy and capacity with defaults', async () => {
    const room = await t.services.rooms.create(alice.user.id, {
      name: name('patch'),
      description: 'keep me',
      settings: { public: false, max_members: 3 },
    });
    const cleared = await t.services.rooms.update(alice.user.id, room.id, { description: null });
    expect(cleared.settings).toEqual({
      description: 'keep me',
      is_private: true,
      max_members: 3,
      retention_days: null,
    });
    const reset = await t.services.rooms.update(alice.user.id, room.id, { settings: {} });
    expect(reset.settings).toEqual({
      description: 'keep me',
      is_private: false,
      max_members: null,
      retention_days: null,
    });
    const capped = await t.services.rooms.update(alice.user.id, room.id, { settings: { max_members: 10 } });
    expect(capped.settings).toEqual({
      description: 'keep me',
      is_private: false,
      max_members: 10,
      retention_days: null,
    });
  });
});

describe('delete', () => {
  it('is refused to moderators and members; the owner deletes and the members captured before get room_deleted', async () => {
    const room = await populatedRoom();
    await expect(t.services.rooms.delete(mo.user.id, room.id)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(t.services.rooms.delete(bob.user.id, room.id)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(t.services.rooms.delete(eve.user.id, room.id)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    const invitation = await t.services.invitations.create(alice.user.id, room.id, eve.user.id, {
      requireModerator: true,
    });
    t.events.length = 0;

    await t.services.rooms.delete(alice.user.id, room.id);

    await expect(t.services.rooms.get(alice.user.id, room.id)).rejects.toMatchObject({
      code: 'room_not_found',
    });
    // the slot goes with the room; the record stays (history), cancelled by the stream consumer (ADR 008)
    await expect(t.repos.invitations.getPending(room.id, invitation.invitee_id)).resolves.toBeNull();
    await expect(t.repos.memberships.listByRoom(room.id)).resolves.toEqual([]);
    const [event] = eventsOf(t.events, 'room_deleted');
    expect(event?.payload).toEqual({
      type: 'room_deleted',
      room_id: room.id,
      room_name: room.name,
      deleted_by: alice.user.id,
    });
    expect(event?.audience.kind).toBe('users');
    expect(event?.audience.kind === 'users' && [...event.audience.userIds].sort()).toEqual(
      [alice.user.id, mo.user.id, bob.user.id].sort(),
    );
    await expect(t.services.rooms.delete(alice.user.id, room.id)).rejects.toMatchObject({
      code: 'room_not_found',
    });
  });

  it('lets the user recorded as room.owner delete even without a membership', async () => {
    const room = await populatedRoom();
    await t.services.rooms.changeRole(alice.user.id, room.id, bob.user.id, 'owner');
    await t.services.rooms.leave(alice.user.id, room.id);
    await expect(t.services.rooms.delete(alice.user.id, room.id)).resolves.toBeUndefined();
  });

  it('lets any member with role owner delete', async () => {
    const room = await populatedRoom();
    await t.services.rooms.changeRole(alice.user.id, room.id, bob.user.id, 'OWNER');
    await expect(t.services.rooms.delete(bob.user.id, room.id)).resolves.toBeUndefined();
  });
});
