// Integration tests of InvitationService on DynamoDB Local: check orders (docs/protocol/http.md §10, docs/protocol/tcp.md §7.10–7.13) and lifecycle (docs/protocol/domain.md §8.2).
import { randomBytes } from 'node:crypto';
import type { AuthResult } from '../../../shared/features/auth/index.js';
import type { Invitation } from '../../../shared/features/invitations/index.js';
import type { Room } from '../../../shared/features/rooms/index.js';
import { INVITATION_TTL_MS } from '../../../shared/features/invitations/index.js';
import { parseTimestamp, toTimestamp } from '../../../shared/kernel/time.js';
import {
  createTestServices,
  registerUser,
  type TestServices,
  UNKNOWN_ID,
  registerCast,
} from '../../support/services.js';

let t: TestServices;
let alice: AuthResult; // owner
let mo: AuthResult; // moderator
let bob: AuthResult; // member
let eve: AuthResult; // outsider / invitee
const UNKNOWN = UNKNOWN_ID;
const HTTP = { requireModerator: true };
const TCP = { requireModerator: false };

async function newRoom(settings?: { public?: boolean; max_members?: number }): Promise<Room> {
  const room = await t.services.rooms.create(alice.user.id, {
    name: `inv-${randomBytes(4).toString('hex')}`,
    settings,
  });
  await t.services.rooms.join(mo.user.id, room.id).catch(() => undefined);
  await t.services.rooms.join(bob.user.id, room.id).catch(() => undefined);
  if (settings?.public !== false) {
    await t.services.rooms.changeRole(alice.user.id, room.id, mo.user.id, 'moderator');
  }
  t.events.length = 0;
  return room;
}

/** Stores an invitation directly (for states the API cannot produce on demand, e.g. already expired). */
async function storeInvitation(room: Room, inviteeId: string, createdMs: number): Promise<Invitation> {
  const invitee = await t.services.users.get(inviteeId);
  const invitation: Invitation = {
    id: t.deps.ids.uuid(),
    room_id: room.id,
    room_name: room.name,
    inviter_id: alice.user.id,
    inviter_name: alice.user.username,
    invitee_id: inviteeId,
    invitee_name: invitee.username,
    status: 'pending',
    message: null,
    created_at: toTimestamp(createdMs),
    expires_at: toTimestamp(createdMs + INVITATION_TTL_MS),
    responded_at: null,
    role: 'member',
    cancelled_at: null,
    cancelled_by: null,
  };
  await t.repos.invitations.create(invitation);
  return invitation;
}

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

describe('create', () => {
  it('HTTP: not_room_member (also unknown room) → permission_denied → user_not_found → already_member → already_invited', async () => {
    const room = await newRoom();
    await expect(t.services.invitations.create(eve.user.id, room.id, UNKNOWN, HTTP)).rejects.toMatchObject({
      code: 'not_room_member',
    });
    await expect(
      t.services.invitations.create(alice.user.id, UNKNOWN, eve.user.id, HTTP),
    ).rejects.toMatchObject({
      code: 'not_room_member',
    });
    await expect(t.services.invitations.create(bob.user.id, room.id, UNKNOWN, HTTP)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(t.services.invitations.create(mo.user.id, room.id, UNKNOWN, HTTP)).rejects.toMatchObject({
      code: 'user_not_found',
    });
    await expect(t.services.invitations.create(mo.user.id, room.id, bob.user.id, HTTP)).rejects.toMatchObject(
      { code: 'already_member' },
    );
    await t.services.invitations.create(mo.user.id, room.id, eve.user.id, HTTP);
    await expect(
      t.services.invitations.create(alice.user.id, room.id, eve.user.id, HTTP),
    ).rejects.toMatchObject({
      code: 'already_invited',
    });
  });

  it('TCP: room_not_found first, and any member may invite', async () => {
    const room = await newRoom();
    await expect(
      t.services.invitations.create(alice.user.id, UNKNOWN, eve.user.id, TCP),
    ).rejects.toMatchObject({ code: 'room_not_found' });
    await expect(t.services.invitations.create(eve.user.id, room.id, bob.user.id, TCP)).rejects.toMatchObject(
      { code: 'not_room_member' },
    );
    await expect(
      t.services.invitations.create(bob.user.id, room.id, eve.user.id, TCP),
    ).resolves.toMatchObject({ status: 'pending' });
  });

  it('returns the enriched pending invitation (7 days, message null) and notifies only the invitee', async () => {
    const room = await newRoom();
    const invitation = await t.services.invitations.create(alice.user.id, room.id, eve.user.id, HTTP);
    expect(invitation).toEqual({
      id: expect.any(String),
      room_id: room.id,
      room_name: room.name,
      inviter_id: alice.user.id,
      inviter_name: alice.user.username,
      invitee_id: eve.user.id,
      invitee_name: eve.user.username,
      status: 'pending',
      message: null,
      created_at: expect.any(String),
      expires_at: expect.any(String),
      responded_at: null,
      role: 'member',
      cancelled_at: null,
      cancelled_by: null,
    });
    expect(parseTimestamp(invitation.expires_at) - parseTimestamp(invitation.created_at)).toBe(
      INVITATION_TTL_MS,
    );
    expect(t.events).toEqual([
      expect.objectContaining({
        audience: { kind: 'users', userIds: [eve.user.id] },
        payload: { type: 'invitation_received', invitation },
      }),
    ]);
    await expect(t.repos.invitations.getById(invitation.id)).resolves.toMatchObject(invitation);
  });
});

describe('listPending', () => {
  it("lists the caller's pending, unexpired invitations newest first", async () => {
    const u = await registerUser(t.services);
    const [r1, r2, r3, r4] = [await newRoom(), await newRoom(), await newRoom(), await newRoom()];
    const first = await t.services.invitations.create(alice.user.id, r1.id, u.user.id, HTTP);
    const second = await t.services.invitations.create(alice.user.id, r2.id, u.user.id, HTTP);
    const declined = await t.services.invitations.create(alice.user.id, r3.id, u.user.id, HTTP);
    await t.services.invitations.decline(u.user.id, declined.id);
    await storeInvitation(r4, u.user.id, Date.now() - INVITATION_TTL_MS - 1000);
    const list = await t.services.invitations.listPending(u.user.id);
    expect(list.map((i) => i.id)).toEqual([second.id, first.id]);
  });
});

describe('accept', () => {
  it('invitation_not_found → not_invitee → joins as member, emits user_joined_room, then invitation_expired', async () => {
    const room = await newRoom({ public: false });
    const invitation = await t.services.invitations.create(alice.user.id, room.id, eve.user.id, HTTP);
    t.events.length = 0;
    await expect(t.services.invitations.accept(eve.user.id, UNKNOWN)).rejects.toMatchObject({
      code: 'invitation_not_found',
    });
    await expect(t.services.invitations.accept(bob.user.id, invitation.id)).rejects.toMatchObject({
      code: 'not_invitee',
    });

    const out = await t.services.invitations.accept(eve.user.id, invitation.id);
    expect(out.room).toEqual(room);
    expect(out.membership).toMatchObject({ room_id: room.id, user_id: eve.user.id, role: 'member' });
    expect(t.events).toEqual([
      expect.objectContaining({
        audience: { kind: 'room', roomId: room.id },
        payload: { type: 'user_joined_room', room_id: room.id, user: eve.user, membership: out.membership },
      }),
      expect.objectContaining({
        audience: { kind: 'users', userIds: [alice.user.id] },
        payload: {
          type: 'invitation_status_changed',
          invitation: expect.objectContaining({ id: invitation.id, status: 'accepted' }),
        },
      }),
    ]);
    await expect(t.repos.invitations.getById(invitation.id)).resolves.toMatchObject({
      status: 'accepted',
      responded_at: out.membership.joined_at,
    });
    await expect(t.services.invitations.accept(eve.user.id, invitation.id)).rejects.toMatchObject({
      code: 'invitation_expired',
    });
    await expect(t.services.invitations.decline(eve.user.id, invitation.id)).rejects.toMatchObject({
      code: 'invitation_expired',
    });
  });

  it('an expired pending invitation is invitation_expired for accept and decline', async () => {
    const room = await newRoom();
    const stale = await storeInvitation(room, eve.user.id, Date.now() - INVITATION_TTL_MS - 1000);
    await expect(t.services.invitations.accept(eve.user.id, stale.id)).rejects.toMatchObject({
      code: 'invitation_expired',
    });
    await expect(t.services.invitations.decline(eve.user.id, stale.id)).rejects.toMatchObject({
      code: 'invitation_expired',
    });
  });

  it('join errors come after the invitation checks: room_full, already_member', async () => {
    const room = await newRoom({ max_members: 4 });
    const full = await t.services.invitations.create(alice.user.id, room.id, eve.user.id, HTTP);
    await t.services.rooms.update(alice.user.id, room.id, { settings: { max_members: 3 } });
    await expect(t.services.invitations.accept(eve.user.id, full.id)).rejects.toMatchObject({
      code: 'room_full',
    });
    await expect(t.repos.invitations.getById(full.id)).resolves.toMatchObject({ status: 'pending' });

    // The invitee became a member by another path while the invitation stayed pending (a race).
    await t.services.rooms.update(alice.user.id, room.id, { settings: { max_members: 10 } });
    await t.repos.memberships.add({
      room_id: room.id,
      user_id: eve.user.id,
      role: 'member',
      joined_at: toTimestamp(Date.now()),
    });
    await expect(t.services.invitations.accept(eve.user.id, full.id)).rejects.toMatchObject({
      code: 'already_member',
    });
  });
});

describe('decline', () => {
  it('declines with only invitation_status_changed to the inviter; a re-invite after a decline is allowed', async () => {
    const room = await newRoom();
    const invitation = await t.services.invitations.create(alice.user.id, room.id, eve.user.id, HTTP);
    t.events.length = 0;
    await expect(t.services.invitations.decline(bob.user.id, invitation.id)).rejects.toMatchObject({
      code: 'not_invitee',
    });
    await expect(t.services.invitations.decline(eve.user.id, UNKNOWN)).rejects.toMatchObject({
      code: 'invitation_not_found',
    });
    await t.services.invitations.decline(eve.user.id, invitation.id);
    expect(t.events).toEqual([
      expect.objectContaining({
        audience: { kind: 'users', userIds: [alice.user.id] },
        payload: {
          type: 'invitation_status_changed',
          invitation: expect.objectContaining({ status: 'declined' }),
        },
      }),
    ]);
    await expect(t.repos.invitations.getById(invitation.id)).resolves.toMatchObject({
      status: 'declined',
      responded_at: expect.any(String),
    });
    await expect(
      t.services.invitations.create(alice.user.id, room.id, eve.user.id, HTTP),
    ).resolves.toMatchObject({ status: 'pending' });
  });
});
