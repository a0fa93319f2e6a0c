// Integration: the bulk invite's batched checks and few transactions, and sync carrying invitation status changes to offline parties (docs/protocol/extensions.md §6.2, §6.3, §3) on DynamoDB Local.
import { randomBytes } from 'node:crypto';
import type { Invitation } from '../../../shared/features/invitations/index.js';
import { bulkChunks } from '../../../shared/features/invitations/index.js';
import type { Room } from '../../../shared/features/rooms/index.js';
import {
  createTestClock,
  createTestServices,
  eventsOf,
  populatedRoom,
  registerCast,
  registerUser,
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
const room = (): Promise<Room> => populatedRoom(t, cast, name('bulk'));
const newUser = async () => (await registerUser(t.services)).user;
const newUsers = (n: number) => Promise.all(Array.from({ length: n }, () => newUser()));

/** Counts the document client's commands while `fn` runs (base command names). */
async function commandsDuring(fn: () => Promise<unknown>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let on = true;
  const name = `count-${randomBytes(4).toString('hex')}`;
  t.doc.middlewareStack.add(
    (next, context) => (args) => {
      if (on) counts[context.commandName ?? '?'] = (counts[context.commandName ?? '?'] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await fn();
  } finally {
    on = false;
    t.doc.middlewareStack.remove(name);
  }
  return counts;
}

describe('bulk invite (extensions.md §6.2)', () => {
  it('splits at 100 actions into the fewest balanced transactions', () => {
    expect(bulkChunks(0)).toEqual([]);
    expect(bulkChunks(33).map((c) => c.length)).toEqual([33]);
    expect(bulkChunks(34).map((c) => c.length)).toEqual([17, 17]);
    expect(bulkChunks(50).map((c) => c.length)).toEqual([25, 25]);
    expect(bulkChunks(50).flat()).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('50 invitees: every per-user check in BatchGets, two transactions, no per-user reads', async () => {
    const r = await room();
    const users = await newUsers(50);
    let out: Awaited<ReturnType<typeof t.services.invitations.createBulk>> | undefined;
    const counts = await commandsDuring(async () => {
      out = await t.services.invitations.createBulk(
        cast.alice.user.id,
        r.id,
        { userIds: users.map((u) => u.id) },
        HTTP,
      );
    });
    expect(out?.created).toBe(50);
    expect(counts.TransactWriteItemsCommand).toBe(2);
    // prepare: room, caller membership, inviter (3 GetItems) — nothing per invitee
    expect(counts.GetItemCommand ?? 0).toBeLessThanOrEqual(3);
    // users, bans, blocks, memberships + slots, room bans
    expect(counts.BatchGetItemCommand).toBe(5);
    expect(eventsOf(t.events, 'invitation_received')).toHaveLength(50);
  });

  it('by username (any case): names resolved in two BatchGets, still no per-user reads', async () => {
    const r = await room();
    const users = await newUsers(20);
    let out: Awaited<ReturnType<typeof t.services.invitations.createBulk>> | undefined;
    const counts = await commandsDuring(async () => {
      out = await t.services.invitations.createBulk(
        cast.alice.user.id,
        r.id,
        { usernames: [...users.map((u) => u.username.toUpperCase()), 'nobody-by-that-name'] },
        HTTP,
      );
    });
    expect(out?.results.map((x) => ('invitation' in x ? x.invitation.invitee_id : x.error.code))).toEqual([
      ...users.map((u) => u.id),
      'user_not_found',
    ]);
    expect(counts.GetItemCommand ?? 0).toBeLessThanOrEqual(3);
    // sentinels, owners; then bans, blocks, memberships + slots, room bans
    expect(counts.BatchGetItemCommand).toBe(6);
    expect(counts.TransactWriteItemsCommand).toBe(1);
  });

  it('answers per user from the batched reads: banned, member, blocked both ways, room-banned, pending, duplicate', async () => {
    const r = await room();
    const a = cast.alice.user.id;
    const [fresh, blocker, blockedByA, roomBanned, pending, admin] = await newUsers(6);
    await t.services.blocks.block(blocker!.id, a);
    await t.services.blocks.block(a, blockedByA!.id);
    await t.services.roomModeration.ban(a, r.id, roomBanned!.id, { reason: 'spam' });
    await t.services.invitations.create(a, r.id, pending!.id, HTTP);
    await t.repos.moderation.setRole(admin!.id, 'user', 'admin', {
      id: `audit-${admin!.id}`,
      at: new Date(clock.now()).toISOString(),
      actor_id: null,
      actor_username: null,
      action: 'role.grant',
      target_type: 'user',
      target_id: admin!.id,
      details: {},
      ip: null,
      request_id: null,
    });
    const banned = await newUser();
    await t.services.moderation.ban(admin!.id, banned.id, { reason: 'spam' });
    t.events.length = 0;
    const out = await t.services.invitations.createBulk(
      a,
      r.id,
      {
        userIds: [
          fresh!.id,
          banned.id,
          cast.bob.user.id,
          blocker!.id,
          blockedByA!.id,
          roomBanned!.id,
          pending!.id,
        ],
        usernames: [fresh!.username, a === cast.alice.user.id ? cast.alice.user.username : ''],
      },
      HTTP,
    );
    expect(out.results.map((x) => ('invitation' in x ? 'ok' : x.error.code))).toEqual([
      'ok',
      'account_banned',
      'already_member',
      'recipient_unavailable',
      'recipient_unavailable',
      'room_banned',
      'already_invited',
      'already_invited', // fresh again, by name
      'already_member', // yourself
    ]);
    expect(out).toMatchObject({ created: 1, failed: 8 });
    // the block refusal is the same bytes whichever side blocked (§7.3)
    expect(out.results[3]).toEqual({ ...out.results[4], user_id: blocker!.id });
    expect(eventsOf(t.events, 'invitation_received').map((e) => e.audience)).toEqual([
      { kind: 'users', userIds: [fresh!.id] },
    ]);
  });

  it('a refusal only the transaction sees (a member or pending slot the reads missed) is reported per user; the rest are written', async () => {
    const r = await room();
    const a = cast.alice.user.id;
    const users = await newUsers(40);
    // invitations the reads did not see: one invitee becomes a member, one already holds a slot
    await t.services.rooms.join(users[5]!.id, r.id);
    await t.services.invitations.create(a, r.id, users[30]!.id, HTTP);
    const now = new Date(clock.now()).toISOString();
    const invs: Invitation[] = users.map((u) => ({
      id: crypto.randomUUID(),
      room_id: r.id,
      room_name: r.name,
      inviter_id: a,
      inviter_name: cast.alice.user.username,
      invitee_id: u.id,
      invitee_name: u.username,
      status: 'pending',
      message: null,
      created_at: now,
      expires_at: new Date(clock.now() + HOUR).toISOString(),
      responded_at: null,
      role: 'member',
      cancelled_at: null,
      cancelled_by: null,
    }));
    const outcomes = await t.repos.invitations.createMany(invs);
    expect(outcomes.filter((o) => o !== null)).toEqual(['already_member', 'already_invited']);
    expect(outcomes[5]).toBe('already_member');
    expect(outcomes[30]).toBe('already_invited');
    const written = await Promise.all(invs.map((i) => t.repos.invitations.getById(i.id)));
    expect(written.filter((w) => w !== null)).toHaveLength(38);
  });
});

describe('sync carries invitation changes (extensions.md §6.3, §3)', () => {
  const tokenOf = async (userId: string) => (await t.services.sync.sync(userId, null, 1)).next_since;
  const changes = async (userId: string, since: string) =>
    ((await t.services.sync.sync(userId, since, 1)).invitations as Invitation[]).map(
      (i) => [i.id, i.status] as const,
    );
  /** A room of a fresh owner, so no other test's invitations are theirs. */
  const ownRoom = async () => {
    const owner = await newUser();
    return { a: owner.id, r: await t.services.rooms.create(owner.id, { name: name('sync') }) };
  };

  it('accepted, declined, revoked and expired reach the offline inviter and invitees; nothing repeats later', async () => {
    const T0 = Date.now();
    clock.set(T0);
    const { a, r } = await ownRoom();
    const [carol, dave, erin, frank, third] = await newUsers(5);
    const i1 = await t.services.invitations.create(a, r.id, carol!.id, HTTP);
    const i2 = await t.services.invitations.create(a, r.id, dave!.id, HTTP);
    const i3 = await t.services.invitations.create(a, r.id, erin!.id, HTTP);
    const i4 = await t.services.invitations.create(a, r.id, frank!.id, { ...HTTP, ttlHours: 1 });
    clock.set(T0 + 60_000); // every token now stands after the creations (10 s margin)
    const [aTok, erinTok, frankTok, thirdTok] = (await Promise.all(
      [a, erin!.id, frank!.id, third!.id].map(tokenOf),
    )) as [string, string, string, string];
    clock.set(T0 + 120_000);
    await t.services.invitations.accept(carol!.id, i1.id);
    await t.services.invitations.decline(dave!.id, i2.id);
    await t.services.invitations.revoke(a, i3.id);
    clock.set(T0 + 2 * HOUR); // i4 is past expires_at; no sweep has run
    expect(new Map(await changes(a, aTok))).toEqual(
      new Map([
        [i1.id, 'accepted'],
        [i2.id, 'declined'],
        [i3.id, 'cancelled'],
        [i4.id, 'expired'],
      ]),
    );
    expect(await changes(erin!.id, erinTok)).toEqual([[i3.id, 'cancelled']]);
    expect(await changes(frank!.id, frankTok)).toEqual([[i4.id, 'expired']]);
    expect(await changes(third!.id, thirdTok)).toEqual([]);
    // the next token stands after all of it: nothing repeats
    const next = (await t.services.sync.sync(a, aTok, 1)).next_since;
    clock.set(T0 + 3 * HOUR);
    expect(await changes(a, next)).toEqual([]);
  });

  it('new invitations since the token and the 24 h reminder reach the offline invitee', async () => {
    const T0 = Date.now();
    clock.set(T0);
    const { a, r } = await ownRoom();
    const [gina, hal] = await newUsers(2);
    const old = await t.services.invitations.create(a, r.id, gina!.id, {
      ...HTTP,
      ttlHours: 30,
    });
    clock.set(T0 + 60_000);
    const ginaTok = await tokenOf(gina!.id);
    const halTok = await tokenOf(hal!.id);
    clock.set(T0 + 120_000);
    const fresh = await t.services.invitations.create(a, r.id, hal!.id, HTTP);
    expect(await changes(hal!.id, halTok)).toEqual([[fresh.id, 'pending']]);
    expect(await changes(gina!.id, ginaTok)).toEqual([]); // created before her token, not yet due
    clock.set(T0 + 7 * HOUR); // reminder time (expiry − 24 h) = T0 + 6 h has passed
    expect(await changes(gina!.id, ginaTok)).toEqual([[old.id, 'pending']]);
    // without a token: the pending ones received (upstream-compatible first sync)
    const first = (await t.services.sync.sync(gina!.id, null, 1)).invitations as Invitation[];
    expect(first.map((i) => i.id)).toEqual([old.id]);
  });
});
