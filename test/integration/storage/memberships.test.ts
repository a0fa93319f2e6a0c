// Integration: DynamoMembershipRepository on DynamoDB Local (counters, full rooms, last owner, invitations).
import { randomUUID } from 'node:crypto';
import { isDomainError } from '../../../shared/kernel/errors.js';
import { createRepositories, type Repositories } from '../../../shared/features/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import { aMembership, aRoom, anInvitation, iso, ownerOf } from './fixtures.js';

describe('DynamoMembershipRepository', () => {
  let table: TestTable;
  let repos: Repositories;

  beforeAll(async () => {
    table = await createTestTable();
    repos = createRepositories(table.doc, table.tableName);
  });
  afterAll(async () => {
    await deleteTestTable(table);
  });

  const newRoom = async (settings: Parameters<typeof aRoom>[1] = {}) => {
    const room = aRoom({}, settings);
    await repos.rooms.create(room, ownerOf(room));
    return room;
  };

  describe('add', () => {
    it('adds a member and increments member_count', async () => {
      const room = await newRoom();
      const m = aMembership(room);

      await repos.memberships.add(m);

      expect(await repos.memberships.get(room.id, m.user_id)).toEqual(m);
      expect(await repos.rooms.get(room.id)).toMatchObject({ member_count: 2, owner_count: 1 });
    });

    it('refuses an existing member without touching the counter', async () => {
      const room = await newRoom();
      const m = aMembership(room);
      await repos.memberships.add(m);

      await expect(repos.memberships.add(m)).rejects.toMatchObject({
        name: 'ConflictError',
        code: 'already_member',
      });
      expect((await repos.rooms.get(room.id))?.member_count).toBe(2);
    });

    it('refuses joining a full room and an unknown room', async () => {
      const room = await newRoom({ max_members: 2 });
      await repos.memberships.add(aMembership(room));

      await expect(repos.memberships.add(aMembership(room))).rejects.toMatchObject({ code: 'room_full' });
      await expect(repos.memberships.add(aMembership({ id: randomUUID() }))).rejects.toMatchObject({
        code: 'room_not_found',
      });
      expect((await repos.rooms.get(room.id))?.member_count).toBe(2);
    });

    it('never overfills a room under concurrent joins', async () => {
      const room = await newRoom({ max_members: 5 });

      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => repos.memberships.add(aMembership(room))),
      );

      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
      expect(
        results.filter((r) => r.status === 'rejected' && isDomainError(r.reason, 'room_full')),
      ).toHaveLength(6);
      expect((await repos.rooms.get(room.id))?.member_count).toBe(5);
      expect(await repos.memberships.listByRoom(room.id)).toHaveLength(5);
    });

    it('accepts a pending invitation in the same transaction', async () => {
      const room = await newRoom({ is_private: true });
      const inv = anInvitation({ room_id: room.id });
      await repos.invitations.create(inv);
      const m = aMembership(room, { user_id: inv.invitee_id });
      const at = iso(Date.now());

      await repos.memberships.add(m, { acceptInvitation: { invitationId: inv.id, respondedAt: at } });

      expect(await repos.invitations.getById(inv.id)).toMatchObject({ status: 'accepted', responded_at: at });
      expect(await repos.memberships.get(room.id, m.user_id)).toEqual(m);
    });

    it('refuses accepting an invitation that is no longer pending or has expired, and adds nobody', async () => {
      const room = await newRoom({ is_private: true });
      const declined = anInvitation({ room_id: room.id });
      await repos.invitations.create(declined);
      await repos.invitations.transition(declined, {
        status: 'declined',
        at: iso(Date.now()),
        by: declined.invitee_id,
      });
      const created = Date.now() - 8 * 24 * 3600 * 1000;
      const expired = anInvitation({ room_id: room.id }, created);
      await repos.invitations.create(expired);

      for (const inv of [declined, expired]) {
        await expect(
          repos.memberships.add(aMembership(room, { user_id: inv.invitee_id }), {
            acceptInvitation: { invitationId: inv.id, respondedAt: iso(Date.now()) },
          }),
        ).rejects.toMatchObject({ code: 'invitation_expired' });
        expect(await repos.memberships.get(room.id, inv.invitee_id)).toBeNull();
      }
      expect((await repos.rooms.get(room.id))?.member_count).toBe(1);
    });
  });

  describe('remove', () => {
    it('removes a member and decrements member_count', async () => {
      const room = await newRoom();
      const m = aMembership(room);
      await repos.memberships.add(m);

      await repos.memberships.remove(room.id, m.user_id);

      expect(await repos.memberships.get(room.id, m.user_id)).toBeNull();
      expect((await repos.rooms.get(room.id))?.member_count).toBe(1);
      await expect(repos.memberships.remove(room.id, m.user_id)).rejects.toMatchObject({
        code: 'not_room_member',
      });
    });

    it('refuses removing the last owner but allows it when another owner exists', async () => {
      const room = await newRoom();
      await expect(repos.memberships.remove(room.id, room.owner)).rejects.toMatchObject({
        name: 'ConflictError',
        code: 'last_owner',
      });
      const second = aMembership(room, { role: 'owner' });
      await repos.memberships.add(second);
      expect(await repos.rooms.get(room.id)).toMatchObject({ member_count: 2, owner_count: 2 });

      await repos.memberships.remove(room.id, room.owner);

      expect(await repos.rooms.get(room.id)).toMatchObject({ member_count: 1, owner_count: 1 });
    });

    it('lets only one of two owners leave when both leave at once', async () => {
      const room = await newRoom();
      const second = aMembership(room, { role: 'owner' });
      await repos.memberships.add(second);

      const results = await Promise.allSettled([
        repos.memberships.remove(room.id, room.owner),
        repos.memberships.remove(room.id, second.user_id),
      ]);

      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(
        results.filter((r) => r.status === 'rejected' && isDomainError(r.reason, 'last_owner')),
      ).toHaveLength(1);
      expect((await repos.rooms.get(room.id))?.owner_count).toBe(1);
    });
  });

  describe('setRole', () => {
    it('promotes and demotes, keeping owner_count in step', async () => {
      const room = await newRoom();
      const m = aMembership(room);
      await repos.memberships.add(m);

      const up = await repos.memberships.setRole(room.id, m.user_id, 'owner');
      expect(up).toEqual({ before: m, after: { ...m, role: 'owner' } });
      expect((await repos.rooms.get(room.id))?.owner_count).toBe(2);

      await repos.memberships.setRole(room.id, room.owner, 'moderator');
      expect((await repos.rooms.get(room.id))?.owner_count).toBe(1);
      expect((await repos.memberships.get(room.id, room.owner))?.role).toBe('moderator');
    });

    it('refuses demoting the last owner and unknown members', async () => {
      const room = await newRoom();

      await expect(repos.memberships.setRole(room.id, room.owner, 'member')).rejects.toMatchObject({
        code: 'last_owner',
      });
      await expect(repos.memberships.setRole(room.id, randomUUID(), 'member')).rejects.toMatchObject({
        code: 'not_room_member',
      });
      expect((await repos.memberships.get(room.id, room.owner))?.role).toBe('owner');
    });

    it('writes nothing when the role is unchanged', async () => {
      const room = await newRoom();
      const result = await repos.memberships.setRole(room.id, room.owner, 'owner');
      expect(result.before).toEqual(result.after);
    });
  });

  describe('actor re-checked inside the transaction (kick, role change)', () => {
    const kicker = {
      rolesFor: (t: string) => (t === 'member' ? (['owner', 'moderator'] as const) : (['owner'] as const)),
    };

    it('a kick by an actor who still holds an allowed role goes through', async () => {
      const room = await newRoom();
      const mod = aMembership(room, { role: 'moderator' });
      const target = aMembership(room);
      await repos.memberships.add(mod);
      await repos.memberships.add(target);
      await repos.memberships.remove(room.id, target.user_id, { userId: mod.user_id, ...kicker });
      expect(await repos.memberships.get(room.id, target.user_id)).toBeNull();
      expect((await repos.rooms.get(room.id))?.member_count).toBe(2);
    });

    it('a kick by an actor demoted (or gone) since the permission check is permission_denied and changes nothing', async () => {
      const room = await newRoom();
      const demoted = aMembership(room, { role: 'member' }); // was a moderator when the service looked
      const target = aMembership(room);
      await repos.memberships.add(demoted);
      await repos.memberships.add(target);
      await expect(
        repos.memberships.remove(room.id, target.user_id, { userId: demoted.user_id, ...kicker }),
      ).rejects.toMatchObject({ code: 'permission_denied' });
      await expect(
        repos.memberships.remove(room.id, target.user_id, { userId: randomUUID(), ...kicker }),
      ).rejects.toMatchObject({ code: 'permission_denied' });
      expect(await repos.memberships.get(room.id, target.user_id)).toEqual(target);
      expect((await repos.rooms.get(room.id))?.member_count).toBe(3);
    });

    it('a moderator cannot remove a target promoted to moderator meanwhile (the rule follows the role read at the write)', async () => {
      const room = await newRoom();
      const mod = aMembership(room, { role: 'moderator' });
      const target = aMembership(room, { role: 'moderator' });
      await repos.memberships.add(mod);
      await repos.memberships.add(target);
      await expect(
        repos.memberships.remove(room.id, target.user_id, { userId: mod.user_id, ...kicker }),
      ).rejects.toMatchObject({ code: 'permission_denied' });
    });

    it('a role change by an actor who is no longer an owner is permission_denied; an owner changing their own role still works', async () => {
      const room = await newRoom();
      const owner = ownerOf(room);
      const exOwner = aMembership(room, { role: 'moderator' });
      const target = aMembership(room);
      await repos.memberships.add(exOwner);
      await repos.memberships.add(target);
      const ownersOnly = { rolesFor: () => ['owner'] as const };
      await expect(
        repos.memberships.setRole(room.id, target.user_id, 'moderator', {
          userId: exOwner.user_id,
          ...ownersOnly,
        }),
      ).rejects.toMatchObject({ code: 'permission_denied' });
      expect((await repos.memberships.get(room.id, target.user_id))?.role).toBe('member');
      await repos.memberships.setRole(room.id, exOwner.user_id, 'owner', {
        userId: owner.user_id,
        ...ownersOnly,
      });
      const { after } = await repos.memberships.setRole(room.id, owner.user_id, 'member', {
        userId: owner.user_id,
        ...ownersOnly,
      });
      expect(after.role).toBe('member');
      expect(await repos.rooms.get(room.id)).toMatchObject({ owner_count: 1 });
    });
  });

  describe('lists', () => {
    it('lists a room by joined_at ascending and a user across rooms', async () => {
      const a = await newRoom();
      const b = await newRoom();
      const user = randomUUID();
      const late = aMembership(a, { user_id: user, joined_at: '2025-03-01T00:00:00.000Z' });
      const early = aMembership(a, { joined_at: '2025-02-01T00:00:00.000Z' });
      await repos.memberships.add(late);
      await repos.memberships.add(early);
      await repos.memberships.add(aMembership(b, { user_id: user }));

      expect((await repos.memberships.listByRoom(a.id)).map((m) => m.user_id)).toEqual([
        a.owner,
        early.user_id,
        user,
      ]);
      expect((await repos.memberships.listByUser(user)).map((m) => m.room_id).sort()).toEqual(
        [a.id, b.id].sort(),
      );
    });
  });
});
