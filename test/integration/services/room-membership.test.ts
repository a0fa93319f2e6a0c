// Integration tests of RoomService membership rules on DynamoDB Local: join, leave, members, roles, kick (docs/protocol/domain.md §7, docs/protocol/http.md §7.6–8.3).
import { randomBytes } from 'node:crypto';
import type { AuthResult } from '../../../shared/features/auth/index.js';
import type { Room } from '../../../shared/features/rooms/index.js';
import { INVITATION_TTL_MS } from '../../../shared/features/invitations/index.js';
import { toTimestamp } from '../../../shared/kernel/time.js';
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

describe('join / leave', () => {
  it('joins a public room as member and emits user_joined_room to the room', async () => {
    const room = await t.services.rooms.create(alice.user.id, { name: name('join') });
    const out = await t.services.rooms.join(bob.user.id, room.id);
    expect(out.room).toEqual(room);
    expect(out.membership).toMatchObject({ room_id: room.id, user_id: bob.user.id, role: 'member' });
    expect(t.events).toHaveLength(1);
    expect(t.events[0]).toMatchObject({
      audience: { kind: 'room', roomId: room.id },
      payload: { type: 'user_joined_room', room_id: room.id, user: bob.user, membership: out.membership },
    });
    expect(typeof t.events[0]?.id).toBe('string');
    await expect(t.services.rooms.join(bob.user.id, room.id)).rejects.toMatchObject({
      code: 'already_member',
    });
    await expect(t.services.rooms.join(bob.user.id, UNKNOWN)).rejects.toMatchObject({
      code: 'room_not_found',
    });
  });

  it('refuses private rooms without a pending, unexpired invitation and accepts the invitation on join', async () => {
    const room = await t.services.rooms.create(alice.user.id, {
      name: name('private'),
      settings: { public: false },
    });
    await expect(t.services.rooms.join(bob.user.id, room.id)).rejects.toMatchObject({ code: 'room_private' });

    const created = Date.now() - INVITATION_TTL_MS - 60_000;
    await t.repos.invitations.create({
      id: t.deps.ids.uuid(),
      room_id: room.id,
      room_name: room.name,
      inviter_id: alice.user.id,
      inviter_name: alice.user.username,
      invitee_id: bob.user.id,
      invitee_name: bob.user.username,
      status: 'pending',
      message: null,
      created_at: toTimestamp(created),
      expires_at: toTimestamp(created + INVITATION_TTL_MS),
      responded_at: null,
      role: 'member',
      cancelled_at: null,
      cancelled_by: null,
    });
    await expect(t.services.rooms.join(bob.user.id, room.id)).rejects.toMatchObject({ code: 'room_private' });

    const invitation = await t.services.invitations.create(alice.user.id, room.id, bob.user.id, {
      requireModerator: true,
    });
    await expect(t.services.rooms.join(bob.user.id, room.id)).resolves.toMatchObject({
      membership: { role: 'member' },
    });
    await expect(t.repos.invitations.getById(invitation.id)).resolves.toMatchObject({ status: 'accepted' });
  });

  it('a direct join of a public room also accepts a pending invitation', async () => {
    const room = await t.services.rooms.create(alice.user.id, { name: name('pubinv') });
    const invitation = await t.services.invitations.create(alice.user.id, room.id, eve.user.id, {
      requireModerator: true,
    });
    await t.services.rooms.join(eve.user.id, room.id);
    await expect(t.repos.invitations.getById(invitation.id)).resolves.toMatchObject({ status: 'accepted' });
  });

  it('refuses a full room', async () => {
    const room = await t.services.rooms.create(alice.user.id, {
      name: name('full'),
      settings: { max_members: 2 },
    });
    await t.services.rooms.join(bob.user.id, room.id);
    await expect(t.services.rooms.join(eve.user.id, room.id)).rejects.toMatchObject({ code: 'room_full' });
  });

  it('leave: not_room_member for outsiders, last_owner for the only owner, user_left_room to room + leaver', async () => {
    const room = await populatedRoom();
    await expect(t.services.rooms.leave(eve.user.id, room.id)).rejects.toMatchObject({
      code: 'not_room_member',
    });
    await expect(t.services.rooms.leave(alice.user.id, room.id)).rejects.toMatchObject({
      code: 'last_owner',
    });
    await expect(t.services.rooms.leave(alice.user.id, UNKNOWN)).rejects.toMatchObject({
      code: 'room_not_found',
    });
    await t.services.rooms.leave(bob.user.id, room.id);
    expect(t.events).toEqual([
      expect.objectContaining({
        audience: { kind: 'room', roomId: room.id, alsoUserIds: [bob.user.id] },
        payload: { type: 'user_left_room', room_id: room.id, user_id: bob.user.id, reason: 'left' },
      }),
    ]);
    expect((await t.services.rooms.get(alice.user.id, room.id)).member_count).toBe(2);
  });
});

describe('members', () => {
  it('lists members by join time with usernames and presence; refused to outsiders', async () => {
    const room = await populatedRoom();
    await t.repos.presence.putConnection(bob.user.id, 'relay-test', 'c1', 60);
    const members = await t.services.rooms.members(bob.user.id, room.id);
    expect(members.map((m) => [m.user_id, m.username, m.role, m.is_online])).toEqual([
      [alice.user.id, alice.user.username, 'owner', false],
      [mo.user.id, mo.user.username, 'moderator', false],
      [bob.user.id, bob.user.username, 'member', true],
    ]);
    await t.repos.presence.deleteConnection(bob.user.id, 'relay-test', 'c1');
    await expect(t.services.rooms.members(eve.user.id, room.id)).rejects.toMatchObject({
      code: 'not_room_member',
    });
    await expect(t.services.rooms.members(eve.user.id, UNKNOWN)).rejects.toMatchObject({
      code: 'room_not_found',
    });
  });
});

describe('changeRole (docs/protocol/http.md §8.2)', () => {
  it('is owner-only; caller or target outside the room is not_room_member', async () => {
    const room = await populatedRoom();
    await expect(
      t.services.rooms.changeRole(mo.user.id, room.id, bob.user.id, 'moderator'),
    ).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(
      t.services.rooms.changeRole(eve.user.id, room.id, bob.user.id, 'member'),
    ).rejects.toMatchObject({
      code: 'not_room_member',
    });
    await expect(
      t.services.rooms.changeRole(alice.user.id, UNKNOWN, bob.user.id, 'member'),
    ).rejects.toMatchObject({
      code: 'not_room_member',
    });
    await expect(
      t.services.rooms.changeRole(alice.user.id, room.id, eve.user.id, 'member'),
    ).rejects.toMatchObject({
      code: 'not_room_member',
    });
    await expect(
      t.services.rooms.changeRole(alice.user.id, room.id, UNKNOWN, 'member'),
    ).rejects.toMatchObject({
      code: 'not_room_member',
    });
  });

  it('parses roles case-insensitively (admin => moderator, unknown => member) and always emits', async () => {
    const room = await populatedRoom();
    await expect(
      t.services.rooms.changeRole(alice.user.id, room.id, bob.user.id, 'ADMIN'),
    ).resolves.toMatchObject({
      user_id: bob.user.id,
      username: bob.user.username,
      role: 'moderator',
      is_online: false,
    });
    await expect(
      t.services.rooms.changeRole(alice.user.id, room.id, bob.user.id, 'whatever'),
    ).resolves.toMatchObject({ role: 'member' });
    await expect(
      t.services.rooms.changeRole(alice.user.id, room.id, bob.user.id, 'Member'),
    ).resolves.toMatchObject({ role: 'member' });
    const payloads = eventsOf(t.events, 'member_role_changed');
    expect(payloads).toHaveLength(3);
    expect(payloads[2]).toMatchObject({
      audience: { kind: 'room', roomId: room.id },
      payload: {
        type: 'member_role_changed',
        room_id: room.id,
        user_id: bob.user.id,
        username: bob.user.username,
        old_role: 'member',
        new_role: 'member',
        changed_by: alice.user.id,
      },
    });
  });

  it('refuses to demote the last owner, allows it once there is another owner', async () => {
    const room = await populatedRoom();
    await expect(
      t.services.rooms.changeRole(alice.user.id, room.id, alice.user.id, 'member'),
    ).rejects.toMatchObject({
      code: 'last_owner',
    });
    await t.services.rooms.changeRole(alice.user.id, room.id, mo.user.id, 'owner');
    await expect(
      t.services.rooms.changeRole(alice.user.id, room.id, alice.user.id, 'member'),
    ).resolves.toMatchObject({ role: 'member' });
  });
});

describe('kick (docs/protocol/http.md §8.3)', () => {
  it('kicking yourself is permission_denied, checked before anything else', async () => {
    await expect(t.services.rooms.kick(eve.user.id, UNKNOWN, eve.user.id)).rejects.toMatchObject({
      code: 'permission_denied',
    });
  });

  it('members kick no one; moderators kick only members; owners kick anyone', async () => {
    const room = await populatedRoom();
    await t.services.rooms.join(eve.user.id, room.id);
    await expect(t.services.rooms.kick(bob.user.id, room.id, eve.user.id)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(t.services.rooms.kick(mo.user.id, room.id, alice.user.id)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    const mo2 = await registerUser(t.services);
    await t.services.rooms.join(mo2.user.id, room.id);
    await t.services.rooms.changeRole(alice.user.id, room.id, mo2.user.id, 'moderator');
    await expect(t.services.rooms.kick(mo.user.id, room.id, mo2.user.id)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    t.events.length = 0;

    await t.services.rooms.kick(mo.user.id, room.id, bob.user.id);
    expect(t.events).toEqual([
      expect.objectContaining({
        audience: { kind: 'room', roomId: room.id, alsoUserIds: [bob.user.id] },
        payload: { type: 'user_left_room', room_id: room.id, user_id: bob.user.id, reason: 'kicked' },
      }),
    ]);
    await t.services.rooms.kick(alice.user.id, room.id, mo2.user.id);
    await t.services.rooms.changeRole(alice.user.id, room.id, mo.user.id, 'owner');
    await t.services.rooms.kick(alice.user.id, room.id, mo.user.id); // an owner kicks another owner
    expect((await t.services.rooms.members(alice.user.id, room.id)).map((m) => m.user_id)).toEqual([
      alice.user.id,
      eve.user.id,
    ]);
  });

  it('caller or target outside the room is not_room_member', async () => {
    const room = await populatedRoom();
    await expect(t.services.rooms.kick(eve.user.id, room.id, bob.user.id)).rejects.toMatchObject({
      code: 'not_room_member',
    });
    await expect(t.services.rooms.kick(alice.user.id, room.id, eve.user.id)).rejects.toMatchObject({
      code: 'not_room_member',
    });
  });
});
