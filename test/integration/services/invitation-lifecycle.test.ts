// Integration: the invitation lifecycle of docs/protocol/extensions.md §6 on DynamoDB Local — options, bad input, bulk, revoke, lists, links, templates, sweep with a fake clock, migration.
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Invitation } from '../../../shared/features/invitations/index.js';
import { migrateLegacyInvitations } from '../../../shared/features/invitations/index.js';
import type { Room } from '../../../shared/features/rooms/index.js';
import {
  createTestClock,
  createTestServices,
  eventsOf,
  populatedRoom,
  registerCast,
  registerUser,
  UNKNOWN_ID,
  type Cast,
  type TestServices,
} from '../../support/services.js';

const HOUR = 3600 * 1000;
const HTTP = { requireModerator: true } as const;
const clock = createTestClock();
let t: TestServices;
let cast: Cast;

beforeAll(async () => {
  t = await createTestServices({ clock });
  cast = await registerCast(t.services);
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  clock.set(Date.now());
});

const name = (p: string) => `${p}-${randomBytes(4).toString('hex')}`;
const room = (): Promise<Room> => populatedRoom(t, cast, name('inv'));
const newUser = async () => (await registerUser(t.services)).user;

describe('invite options and bad input (extensions.md §6.1)', () => {
  it('stores message, role and ttl_hours; accepting grants the role', async () => {
    const r = await room();
    const carol = await newUser();
    const inv = await t.services.invitations.create(cast.alice.user.id, r.id, carol.id, {
      ...HTTP,
      message: 'join us',
      role: 'moderator',
      ttlHours: 2,
    });
    expect(inv).toMatchObject({ message: 'join us', role: 'moderator', status: 'pending' });
    expect(Date.parse(inv.expires_at) - Date.parse(inv.created_at)).toBe(2 * HOUR);
    const { membership } = await t.services.invitations.accept(carol.id, inv.id);
    expect(membership.role).toBe('moderator');
  });

  it('refuses bad input with the documented codes and writes nothing', async () => {
    const r = await room();
    const carol = await newUser();
    const a = cast.alice.user.id;
    const cases: [() => Promise<unknown>, string][] = [
      [() => t.services.invitations.create(a, r.id, a, HTTP), 'already_member'], // yourself
      [() => t.services.invitations.create(a, r.id, cast.bob.user.id, HTTP), 'already_member'],
      [() => t.services.invitations.create(a, r.id, UNKNOWN_ID, HTTP), 'user_not_found'],
      [() => t.services.invitations.create(a, r.id, carol.id, { ...HTTP, ttlHours: 0 }), 'validation_failed'],
      [
        () => t.services.invitations.create(a, r.id, carol.id, { ...HTTP, ttlHours: 10_000 }),
        'validation_failed',
      ],
      [
        () => t.services.invitations.create(a, r.id, carol.id, { ...HTTP, message: 'x'.repeat(501) }),
        'validation_failed',
      ],
      // a moderator may invite, but not grant moderator
      [
        () => t.services.invitations.create(cast.mo.user.id, r.id, carol.id, { ...HTTP, role: 'moderator' }),
        'permission_denied',
      ],
      [
        () =>
          t.services.invitations.createBulk(
            a,
            r.id,
            { userIds: Array.from({ length: 51 }, () => carol.id) },
            HTTP,
          ),
        'validation_failed',
      ],
      [() => t.services.invitations.createBulk(a, r.id, {}, HTTP), 'validation_failed'],
    ];
    for (const [run, code] of cases) await expect(run()).rejects.toMatchObject({ code });
    expect(
      (await t.services.invitations.list(carol.id, { direction: 'received', status: 'all', limit: 50 }))
        .invitations,
    ).toEqual([]);
  });

  it('refuses a system-banned invitee with account_banned (single and bulk, by id and by name); an expired ban does not count', async () => {
    const r = await room();
    const [banned, banned2, fine] = [await newUser(), await newUser(), await newUser()];
    const admin = await newUser();
    const audit = (target: string) => ({
      id: `audit-${target}`,
      at: new Date(clock.now()).toISOString(),
      actor_id: null,
      actor_username: null,
      action: 'role.grant',
      target_type: 'user' as const,
      target_id: target,
      details: {},
      ip: null,
      request_id: null,
    });
    await t.repos.moderation.setRole(admin.id, 'user', 'admin', audit(admin.id));
    await t.services.moderation.ban(admin.id, banned.id, { reason: 'spam' });
    await t.services.moderation.ban(admin.id, banned2.id, { reason: 'spam', duration_minutes: 1 });
    const a = cast.alice.user.id;
    await expect(t.services.invitations.create(a, r.id, banned.id, HTTP)).rejects.toMatchObject({
      code: 'account_banned',
      message: 'User is banned',
    });
    const bulk = await t.services.invitations.createBulk(
      a,
      r.id,
      { userIds: [banned.id, fine.id], usernames: [banned2.username] },
      HTTP,
    );
    expect(bulk.results.map((x) => ('error' in x ? x.error.code : 'ok'))).toEqual([
      'account_banned',
      'ok',
      'account_banned',
    ]);
    expect(bulk).toMatchObject({ created: 1, failed: 2 });
    await expect(t.repos.invitations.getPending(r.id, banned.id)).resolves.toBeNull();
    await expect(t.repos.invitations.getPending(r.id, banned2.id)).resolves.toBeNull();
    clock.advance(2 * 60_000); // banned2's ban is over
    await expect(t.services.invitations.create(a, r.id, banned2.id, HTTP)).resolves.toMatchObject({
      status: 'pending',
    });
  });

  it('refuses inviting into a full room with room_full at invite time (issue 17 finding 6)', async () => {
    const r = await t.services.rooms.create(cast.alice.user.id, {
      name: name('full'),
      settings: { max_members: 2 },
    });
    await t.services.rooms.join(cast.bob.user.id, r.id);
    const carol = await newUser();
    await expect(
      t.services.invitations.create(cast.alice.user.id, r.id, carol.id, HTTP),
    ).rejects.toMatchObject({
      code: 'room_full',
    });
    await expect(t.repos.invitations.getPending(r.id, carol.id)).resolves.toBeNull();
  });

  it('keeps one pending per (room, invitee) and a new record after a decline, with history', async () => {
    const r = await room();
    const carol = await newUser();
    const first = await t.services.invitations.create(cast.alice.user.id, r.id, carol.id, HTTP);
    await expect(t.services.invitations.create(cast.mo.user.id, r.id, carol.id, HTTP)).rejects.toMatchObject({
      code: 'already_invited',
    });
    await t.services.invitations.decline(carol.id, first.id);
    clock.advance(5);
    const second = await t.services.invitations.create(cast.alice.user.id, r.id, carol.id, HTTP);
    expect(second.id).not.toBe(first.id);
    const old = await t.repos.invitations.getById(first.id);
    expect(old?.history.map((h) => h.status)).toEqual(['pending', 'declined']);
    const page = await t.services.invitations.list(carol.id, {
      direction: 'received',
      status: 'all',
      limit: 50,
    });
    expect(page.invitations.map((i) => [i.id, i.status])).toEqual([
      [second.id, 'pending'],
      [first.id, 'declined'],
    ]);
  });

  it('racing invites for the same (room, invitee): exactly one wins', async () => {
    const r = await room();
    const carol = await newUser();
    const out = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        t.services.invitations.create(cast.alice.user.id, r.id, carol.id, HTTP),
      ),
    );
    expect(out.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  });
});

describe('bulk and accept all (extensions.md §6.2)', () => {
  it('invites by id and username with per-user results; one failure never blocks the others', async () => {
    const r = await room();
    const [u1, u2] = [await newUser(), await newUser()];
    const out = await t.services.invitations.createBulk(
      cast.alice.user.id,
      r.id,
      {
        userIds: [u1.id, UNKNOWN_ID, cast.bob.user.id, 'not-a-uuid'],
        usernames: [u2.username, 'nobody-here'],
      },
      { ...HTTP, message: 'hi' },
    );
    expect(out.created).toBe(2);
    expect(out.failed).toBe(4);
    expect(out.results.map((x) => ('invitation' in x ? 'ok' : x.error.code))).toEqual([
      'ok',
      'user_not_found',
      'already_member',
      'user_not_found',
      'ok',
      'user_not_found',
    ]);
    expect(eventsOf(t.events, 'invitation_received').map((e) => e.audience)).toEqual(
      expect.arrayContaining([
        { kind: 'users', userIds: [u1.id] },
        { kind: 'users', userIds: [u2.id] },
      ]),
    );
  });

  it('accept-all joins every pending room and reports each', async () => {
    const [r1, r2] = [await room(), await room()];
    const carol = await newUser();
    const i1 = await t.services.invitations.create(cast.alice.user.id, r1.id, carol.id, HTTP);
    const i2 = await t.services.invitations.create(cast.alice.user.id, r2.id, carol.id, HTTP);
    const { results } = await t.services.invitations.acceptAll(carol.id);
    expect(results.map((x) => x.invitation_id).sort()).toEqual([i1.id, i2.id].sort());
    expect(results.every((x) => 'membership' in x)).toBe(true);
  });
});

describe('view, revoke, permissions', () => {
  it('revoke: inviter or moderator; events to exactly invitee and inviter; not pending ⇒ invitation_not_pending', async () => {
    const r = await room();
    const carol = await newUser();
    const inv = await t.services.invitations.create(cast.alice.user.id, r.id, carol.id, HTTP);
    t.events.length = 0;
    await expect(t.services.invitations.revoke(cast.eve.user.id, inv.id)).rejects.toMatchObject({
      code: 'invitation_not_found',
    });
    await expect(t.services.invitations.revoke(cast.bob.user.id, inv.id)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(t.services.invitations.revoke(carol.id, inv.id)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    const revoked = await t.services.invitations.revoke(cast.mo.user.id, inv.id);
    expect(revoked).toMatchObject({ status: 'cancelled', cancelled_by: cast.mo.user.id });
    expect(t.events.map((e) => [e.payload.type, e.audience])).toEqual([
      ['invitation_cancelled', { kind: 'users', userIds: [carol.id] }],
      ['invitation_status_changed', { kind: 'users', userIds: [cast.alice.user.id] }],
    ]);
    expect(t.events[0]?.payload).toEqual({
      type: 'invitation_cancelled',
      invitation_id: inv.id,
      invitee: carol.id,
      reason: 'cancelled_by_inviter',
    });
    await expect(t.services.invitations.revoke(cast.alice.user.id, inv.id)).rejects.toMatchObject({
      code: 'invitation_not_pending',
    });
    await expect(t.services.invitations.accept(carol.id, inv.id)).rejects.toMatchObject({
      code: 'invitation_expired',
    });
  });

  it('revoking an accepted invitation is invitation_not_pending; accepting someone else’s is not_invitee', async () => {
    const r = await room();
    const carol = await newUser();
    const inv = await t.services.invitations.create(cast.alice.user.id, r.id, carol.id, HTTP);
    await expect(t.services.invitations.accept(cast.eve.user.id, inv.id)).rejects.toMatchObject({
      code: 'not_invitee',
    });
    await t.services.invitations.accept(carol.id, inv.id);
    await expect(t.services.invitations.revoke(cast.alice.user.id, inv.id)).rejects.toMatchObject({
      code: 'invitation_not_pending',
    });
  });

  it('get: inviter, invitee, room moderator; anyone else invitation_not_found', async () => {
    const r = await room();
    const carol = await newUser();
    const inv = await t.services.invitations.create(cast.alice.user.id, r.id, carol.id, HTTP);
    for (const who of [cast.alice.user.id, carol.id, cast.mo.user.id]) {
      await expect(t.services.invitations.get(who, inv.id)).resolves.toMatchObject({ id: inv.id });
    }
    for (const who of [cast.bob.user.id, cast.eve.user.id]) {
      await expect(t.services.invitations.get(who, inv.id)).rejects.toMatchObject({
        code: 'invitation_not_found',
      });
    }
  });
});

describe('lists (extensions.md §6.2)', () => {
  it('sent/received with status, room and q filters, paged by cursor', async () => {
    const inviter = await newUser();
    const rooms: Room[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await t.services.rooms.create(inviter.id, { name: name(i === 0 ? 'alpha' : 'beta') });
      rooms.push(r);
    }
    const invitees = await Promise.all(Array.from({ length: 5 }, () => newUser()));
    const made: Invitation[] = [];
    for (const [i, u] of invitees.entries()) {
      clock.advance(10);
      made.push(
        await t.services.invitations.create(inviter.id, rooms[i % 2]!.id, u.id, {
          ...HTTP,
          message: i === 3 ? 'Pizza night' : null,
        }),
      );
    }
    await t.services.invitations.decline(invitees[0]!.id, made[0]!.id);

    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.services.invitations.list(inviter.id, {
        direction: 'sent',
        status: 'all',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      all.push(...page.invitations.map((i) => i.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
    expect(all).toEqual(made.map((m) => m.id).reverse());

    const pending = await t.services.invitations.list(inviter.id, {
      direction: 'sent',
      status: 'pending',
      limit: 50,
    });
    expect(pending.invitations).toHaveLength(4);
    const inBeta = await t.services.invitations.list(inviter.id, {
      direction: 'sent',
      status: 'all',
      roomId: rooms[1]!.id,
      limit: 50,
    });
    expect(inBeta.invitations.map((i) => i.id).sort()).toEqual([made[1]!.id, made[3]!.id].sort());
    const pizza = await t.services.invitations.list(inviter.id, {
      direction: 'sent',
      status: 'all',
      q: 'PIZZA',
      limit: 50,
    });
    expect(pizza.invitations.map((i) => i.id)).toEqual([made[3]!.id]);
    const declined = await t.services.invitations.list(invitees[0]!.id, {
      direction: 'received',
      status: 'declined',
      limit: 50,
    });
    expect(declined.invitations.map((i) => i.id)).toEqual([made[0]!.id]);
    // a cursor of someone else's list is refused
    const first = await t.services.invitations.list(inviter.id, {
      direction: 'sent',
      status: 'all',
      limit: 1,
    });
    await expect(
      t.services.invitations.list(cast.alice.user.id, {
        direction: 'sent',
        status: 'all',
        limit: 1,
        cursor: first.next_cursor!,
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

describe('invite links and templates', () => {
  it('exactly max_uses of racing joins succeed; used-up, revoked and expired links are invite_link_invalid', async () => {
    const r = await t.services.rooms.create(cast.alice.user.id, {
      name: name('link'),
      settings: { public: false },
    });
    const link = await t.services.inviteLinks.createLink(cast.alice.user.id, r.id, {
      maxUses: 3,
      ttlHours: 1,
    });
    const racers = await Promise.all(Array.from({ length: 8 }, () => newUser()));
    const out = await Promise.allSettled(
      racers.map((u) => t.services.inviteLinks.joinByLink(u.id, link.code)),
    );
    expect(out.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    for (const o of out) {
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'invite_link_invalid' });
    }
    expect((await t.repos.inviteLinks.getLink(link.code))?.uses).toBe(3);
    expect((await t.repos.rooms.get(r.id))?.member_count).toBe(4);

    const revoked = await t.services.inviteLinks.createLink(cast.alice.user.id, r.id, {});
    await t.services.inviteLinks.revokeLink(cast.alice.user.id, r.id, revoked.code);
    const carol = await newUser();
    await expect(t.services.inviteLinks.joinByLink(carol.id, revoked.code)).rejects.toMatchObject({
      code: 'invite_link_invalid',
    });
    const expiring = await t.services.inviteLinks.createLink(cast.alice.user.id, r.id, { ttlHours: 1 });
    clock.advance(2 * HOUR);
    await expect(t.services.inviteLinks.joinByLink(carol.id, expiring.code)).rejects.toMatchObject({
      code: 'invite_link_invalid',
    });
    await expect(t.services.inviteLinks.joinByLink(carol.id, 'nope')).rejects.toMatchObject({
      code: 'invite_link_invalid',
    });
    await expect(t.services.inviteLinks.createLink(cast.bob.user.id, r.id, {})).rejects.toMatchObject({
      code: 'not_room_member',
    });
  });

  it('templates fill message/role/ttl of an invite; moderator+ only', async () => {
    const r = await room();
    await expect(
      t.services.inviteLinks.createTemplate(cast.bob.user.id, r.id, { name: 'x' }),
    ).rejects.toMatchObject({
      code: 'permission_denied',
    });
    const tpl = await t.services.inviteLinks.createTemplate(cast.mo.user.id, r.id, {
      name: 'welcome',
      message: 'Welcome!',
      ttl_hours: 3,
    });
    expect(await t.services.inviteLinks.listTemplates(cast.alice.user.id, r.id)).toEqual([tpl]);
    const carol = await newUser();
    const inv = await t.services.invitations.create(cast.mo.user.id, r.id, carol.id, {
      ...HTTP,
      templateId: tpl.id,
    });
    expect(inv.message).toBe('Welcome!');
    expect(Date.parse(inv.expires_at) - Date.parse(inv.created_at)).toBe(3 * HOUR);
    await t.services.inviteLinks.deleteTemplate(cast.alice.user.id, r.id, tpl.id);
    await expect(
      t.services.inviteLinks.deleteTemplate(cast.alice.user.id, r.id, tpl.id),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('reminder and expiry sweep (fake clock)', () => {
  it('reminds once 24 h before expiry, then expires and tells both parties; summary lists it as expiring', async () => {
    const r = await room();
    const carol = await newUser();
    const inv = await t.services.invitations.create(cast.alice.user.id, r.id, carol.id, {
      ...HTTP,
      ttlHours: 30,
    });
    t.events.length = 0;
    await t.services.invitations.sweep();
    expect(
      eventsOf(t.events, 'invitation_reminder').filter(
        (e) => (e.payload as { invitation: Invitation }).invitation.id === inv.id,
      ),
    ).toHaveLength(0);

    clock.advance(7 * HOUR); // 23 h left
    expect((await t.services.invitations.summary(carol.id)).expiring_soon.map((i) => i.id)).toEqual([inv.id]);
    await t.services.invitations.sweep();
    await t.services.invitations.sweep();
    const reminders = eventsOf(t.events, 'invitation_reminder').filter(
      (e) => (e.payload as { invitation: Invitation }).invitation.id === inv.id,
    );
    expect(reminders.map((e) => e.audience)).toEqual([{ kind: 'users', userIds: [carol.id] }]);

    clock.advance(24 * HOUR);
    t.events.length = 0;
    await t.services.invitations.sweep();
    const mine = t.events.filter((e) => JSON.stringify(e.payload).includes(inv.id));
    expect(mine.map((e) => [e.payload.type, e.audience])).toEqual([
      ['invitation_cancelled', { kind: 'users', userIds: [carol.id] }],
      ['invitation_status_changed', { kind: 'users', userIds: [cast.alice.user.id] }],
    ]);
    expect(mine[0]?.payload).toMatchObject({ reason: 'expired' });
    expect(await t.repos.invitations.getById(inv.id)).toMatchObject({ status: 'expired' });
    // idempotent: a second sweep (or the TTL stream record later) changes nothing
    t.events.length = 0;
    await t.services.invitations.sweep();
    await expect(t.services.invitations.closeBySystem(inv.id, 'expired')).resolves.toBe(false);
    expect(t.events.filter((e) => JSON.stringify(e.payload).includes(inv.id))).toEqual([]);
  });
});

describe('migration of the old single-item layout (docs/adr/008)', () => {
  it('upgrades a pending and an answered old item to records (+ a slot for the pending one)', async () => {
    const r = await room();
    const [carol, dave] = [await newUser(), await newUser()];
    const now = clock.now();
    const old = (invitee: { id: string; username: string }, status: string) => ({
      PK: `ROOM#${r.id}`,
      SK: `INVITE#${invitee.id}`,
      GSI1PK: `USER#${invitee.id}`,
      GSI1SK: `INVITE#01JOLD${invitee.id.slice(0, 8)}`,
      GSI2PK: `INVITE#${invitee.id}-inv`,
      GSI2SK: 'INVITE',
      entity: 'invitation',
      id: `${invitee.id.slice(0, 24)}aaaaaaaaaaaa`,
      room_id: r.id,
      room_name: r.name,
      inviter_id: cast.alice.user.id,
      inviter_name: cast.alice.user.username,
      invitee_id: invitee.id,
      invitee_name: invitee.username,
      status,
      message: null,
      created_at: new Date(now - HOUR).toISOString(),
      expires_at: new Date(now + 6 * 24 * HOUR).toISOString(),
      responded_at: status === 'pending' ? null : new Date(now - 1000).toISOString(),
      seq: `01JOLD${invitee.id.slice(0, 8)}`,
      expiresAt: Math.ceil((now + 6 * 24 * HOUR) / 1000),
    });
    const pendingItem = old(carol, 'pending');
    const declinedItem = old(dave, 'declined');
    for (const Item of [pendingItem, declinedItem])
      await t.doc.send(new PutCommand({ TableName: t.tableName, Item }));

    const converted = await migrateLegacyInvitations(t.doc, t.tableName, now);
    expect(converted).toBeGreaterThanOrEqual(2);
    expect(await migrateLegacyInvitations(t.doc, t.tableName, now)).toBe(0);

    expect(await t.repos.invitations.getById(pendingItem.id)).toMatchObject({
      status: 'pending',
      role: 'member',
    });
    expect(await t.repos.invitations.getById(declinedItem.id)).toMatchObject({
      status: 'declined',
      history: [{ status: 'pending' }, { status: 'declined' }],
    });
    expect(await t.repos.invitations.getPending(r.id, carol.id)).toMatchObject({ id: pendingItem.id });
    expect(await t.repos.invitations.getPending(r.id, dave.id)).toBeNull();
    // the upgraded pending invitation works end to end
    await t.services.invitations.accept(carol.id, pendingItem.id);
    expect(await t.repos.memberships.get(r.id, carol.id)).toMatchObject({ role: 'member' });
  });

  it('gives slots stored without their index attributes the ones DynamoDB Local TTL needs (ADR 017)', async () => {
    const r = await room();
    const erin = await newUser();
    const inv = await t.services.invitations.create(cast.alice.user.id, r.id, erin.id, HTTP);
    const key = { PK: `ROOM#${r.id}`, SK: `INVITE#${erin.id}` };
    const slot = (await t.doc.send(new GetCommand({ TableName: t.tableName, Key: key }))).Item!;
    expect(slot).toMatchObject({ GSI1PK: `INVITESLOT#${inv.id}`, GSI1SK: 'SLOT' });
    expect(slot).toMatchObject({ conversation: `INVITESLOT#${inv.id}`, updated_at: inv.created_at });
    const { GSI1PK: _pk, GSI1SK: _sk, conversation: _c, updated_at: _u, ...before017 } = slot;
    await t.doc.send(new PutCommand({ TableName: t.tableName, Item: before017 }));

    expect(await migrateLegacyInvitations(t.doc, t.tableName, clock.now())).toBeGreaterThanOrEqual(1);
    const after = (await t.doc.send(new GetCommand({ TableName: t.tableName, Key: key }))).Item!;
    // a slot stores no created_at: the backfill's `updated_at` is only an index value (expires_at)
    expect(after).toEqual({ ...slot, updated_at: slot.expires_at });
    expect(await migrateLegacyInvitations(t.doc, t.tableName, clock.now())).toBe(0);
  });
});
