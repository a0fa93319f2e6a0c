// Integration tests of sync on DynamoDB Local (docs/protocol/extensions.md §3, docs/adr/012): every change after a token, also for writes racing the sync; bad tokens.
import { randomBytes } from 'node:crypto';
import { composeServices } from '../../../shared/compose.js';
import type { AuthResult } from '../../../shared/features/auth/index.js';
import type { Message, MessageTarget } from '../../../shared/features/messages/index.js';
import type { Room } from '../../../shared/features/rooms/index.js';
import {
  createSyncService,
  encodeSyncToken,
  type SyncResult,
  type SyncService,
} from '../../../shared/features/sync/index.js';
import {
  createTestServices,
  registerCast,
  populatedRoom,
  RecordingPublisher,
  TEST_JWT_SECRET,
  type TestServices,
} from '../../support/services.js';

let t: TestServices;
let alice: AuthResult;
let bob: AuthResult;
let mo: AuthResult;
let eve: AuthResult;
let room: Room;
let inRoom: MessageTarget;

beforeAll(async () => {
  t = await createTestServices();
  const cast = await registerCast(t.services);
  ({ alice, bob, mo, eve } = cast);
  room = await populatedRoom(t, cast, `sync-${randomBytes(4).toString('hex')}`);
  inRoom = { type: 'room', room_id: room.id };
});
afterAll(() => t.close());

const messagesIn = (r: SyncResult, roomId: string): Message[] =>
  r.targets.find((x) => x.target.type === 'room' && x.target.room_id === roomId)?.messages ?? [];

describe('sync (§3)', () => {
  it('without since: the last limit messages of each target, oldest first, and a token', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 4; i++)
      sent.push((await t.services.messages.send(alice.user.id, inRoom, `m${i}`)).id);
    const r = await t.services.sync.sync(bob.user.id, null, 3);
    const got = messagesIn(r, room.id);
    expect(got.map((m) => m.id)).toEqual(sent.slice(1));
    expect(r.targets.find((x) => x.messages === got)?.has_more).toBe(true);
    expect(typeof r.next_since).toBe('string');
    expect(r).toHaveProperty('invitations');
    expect(r).toHaveProperty('notices');
    expect(r).toHaveProperty('friend_requests');
  });

  it('after since: creates, edits, tombstones and reactions in their current state', async () => {
    const old = await t.services.messages.send(alice.user.id, inRoom, 'old');
    const gone = await t.services.messages.send(alice.user.id, inRoom, 'to delete');
    const { next_since } = await t.services.sync.sync(bob.user.id, null, 1);
    await t.services.messages.edit(alice.user.id, old.id, 'old, edited');
    await t.services.messages.delete(alice.user.id, gone.id);
    const fresh = await t.services.messages.send(mo.user.id, inRoom, 'fresh');
    await t.services.messages.react(bob.user.id, fresh.id, '👍', true);
    const r = await t.services.sync.sync(bob.user.id, next_since, 50);
    const byId = new Map(messagesIn(r, room.id).map((m) => [m.id, m]));
    expect(byId.get(old.id)).toMatchObject({ content: 'old, edited', edit_count: 1 });
    expect(byId.get(gone.id)).toMatchObject({ deleted: true, content: '' });
    expect(byId.get(fresh.id)?.reactions).toEqual([{ emoji: '👍', count: 1, users: [bob.user.id] }]);
    const row = r.targets.find((x) => x.target.type === 'room' && x.target.room_id === room.id);
    expect(row?.unread_count).toBeGreaterThan(0);
  });

  it('includes DMs and only targets the caller can read', async () => {
    const { next_since } = await t.services.sync.sync(eve.user.id, null, 1);
    await t.services.messages.send(alice.user.id, inRoom, 'eve is no member');
    const dm = await t.services.messages.send(
      alice.user.id,
      { type: 'dm', recipient: eve.user.id },
      'hi eve',
    );
    const r = await t.services.sync.sync(eve.user.id, next_since, 50);
    expect(r.targets.map((x) => x.target)).toEqual([{ type: 'dm', recipient: alice.user.id }]);
    expect(r.targets[0]?.messages.map((m) => m.id)).toEqual([dm.id]);
  });

  it('reports leaves, kicks and bans after the token (not only joins), oldest first; a rejoin reports both', async () => {
    const rooms: Room[] = [];
    for (const name of ['left', 'kicked', 'banned', 'back']) {
      const r = await t.services.rooms.create(alice.user.id, {
        name: `sync-${name}-${randomBytes(3).toString('hex')}`,
      });
      await t.services.rooms.join(eve.user.id, r.id);
      rooms.push(r);
    }
    const [left, kicked, banned, back] = rooms as [Room, Room, Room, Room];
    const before = await t.services.sync.sync(eve.user.id, null, 1);
    // Without a token the list is the current state: joins only.
    expect(new Set(before.memberships.map((m) => m.change))).toEqual(new Set(['joined']));
    await t.services.rooms.leave(eve.user.id, left.id);
    await t.services.rooms.kick(alice.user.id, kicked.id, eve.user.id);
    await t.services.roomModeration.ban(alice.user.id, banned.id, eve.user.id, { reason: 'spam' });
    await t.services.rooms.leave(eve.user.id, back.id);
    await t.services.rooms.join(eve.user.id, back.id);
    const r = await t.services.sync.sync(eve.user.id, before.next_since, 50);
    const departures = r.memberships.filter((m) => m.change !== 'joined');
    expect(departures.map((m) => [m.room_id, m.change])).toEqual([
      [left.id, 'left'],
      [kicked.id, 'kicked'],
      [banned.id, 'banned'],
      [back.id, 'left'],
    ]);
    const ats = r.memberships.map((m) => m.at);
    expect([...ats].sort()).toEqual(ats);
    // The rejoin comes after its leave.
    const backChanges = r.memberships.filter((m) => m.room_id === back.id).map((m) => m.change);
    expect(backChanges.slice(-2)).toEqual(['left', 'joined']);
    // Another user's sync does not see eve's departures; a later token no longer repeats them.
    expect(
      (await t.services.sync.sync(bob.user.id, null, 1)).memberships.some((m) => m.room_id === left.id),
    ).toBe(false);
    const later = encodeSyncToken({ v: 1, u: eve.user.id, t: Date.now() + 1000 });
    expect((await t.services.sync.sync(eve.user.id, later, 1)).memberships).toEqual([]);
  });

  it("refuses a garbage token, another user's token and a limit out of range (validation_failed)", async () => {
    const { next_since } = await t.services.sync.sync(alice.user.id, null, 1);
    for (const bad of [
      'garbage!',
      'eyJ2IjoxfQ',
      '',
      'x'.repeat(600),
      encodeSyncToken({ v: 1, u: bob.user.id, t: -5 }),
    ]) {
      await expect(t.services.sync.sync(bob.user.id, bad, 10)).rejects.toMatchObject({
        code: 'validation_failed',
      });
    }
    await expect(t.services.sync.sync(bob.user.id, next_since, 10)).rejects.toMatchObject({
      code: 'validation_failed',
      message: 'Validation failed: since - not a sync token of this user',
    });
    await expect(t.services.sync.sync(bob.user.id, null, 0)).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(t.services.sync.sync(bob.user.id, null, 101)).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it.each([
    ['the global change feed (GSI4)', () => t.services.sync],
    [
      'per-target reads (GSI3, the long-absence path)',
      () => createSyncService({ ...t.deps, syncGlobalWindow: 3 }),
    ],
  ] as [string, () => SyncService][])(
    'never misses a write racing the sync, even one whose clock lags 5 s: %s',
    async (_, which) => {
      const syncService = which();
      const r = await t.services.rooms.create(alice.user.id, {
        name: `race-${randomBytes(4).toString('hex')}`,
      });
      await t.services.rooms.join(bob.user.id, r.id);
      const target: MessageTarget = { type: 'room', room_id: r.id };
      // A second writer over the same table whose clock is 5 s behind: its updated_at stamps are
      // older than syncs that ran before its writes committed.
      const lagging = composeServices({
        doc: t.doc,
        tableName: t.tableName,
        jwtSecret: TEST_JWT_SECRET,
        events: new RecordingPublisher(),
        clock: { now: () => Date.now() - 5_000 },
      }).services;
      let token = (await t.services.sync.sync(bob.user.id, null, 1)).next_since;
      const seen = new Map<string, Set<string>>(); // id -> updated_at values seen
      const note = (res: SyncResult) => {
        for (const m of messagesIn(res, r.id)) {
          if (!seen.has(m.id)) seen.set(m.id, new Set());
          seen.get(m.id)?.add(m.updated_at);
        }
      };
      let writing = true;
      const writer = async (svc: typeof t.services, who: AuthResult, tag: string) => {
        const mine: string[] = [];
        for (let i = 0; i < 15; i++) {
          const m = await svc.messages.send(who.user.id, target, `${tag} ${i}`);
          mine.push(m.id);
          if (i % 3 === 1) await svc.messages.edit(who.user.id, mine[i - 1]!, `${tag} ${i - 1} edited`);
          if (i % 5 === 4) await svc.messages.react(who.user.id, mine[i - 2]!, '🎉', true);
          if (i % 7 === 6) await svc.messages.delete(who.user.id, mine[i - 3]!);
        }
      };
      const syncer = (async () => {
        let rounds = 0;
        while (writing || rounds < 1) {
          const res = await syncService.sync(bob.user.id, token, 100);
          note(res);
          token = res.next_since;
          rounds += 1;
        }
        // One last sync after every write was acknowledged.
        const res = await syncService.sync(bob.user.id, token, 100);
        note(res);
        return rounds;
      })();
      await Promise.all([writer(t.services, alice, 'a'), writer(lagging, bob, 'b')]);
      writing = false;
      const rounds = await syncer;
      expect(rounds).toBeGreaterThan(2);
      // Every message's final state was delivered by some sync.
      const final = await t.repos.messages.history({
        conversation: r.id,
        limit: 1000,
        order: 'asc',
        includeDeleted: true,
      });
      expect(final).toHaveLength(30);
      for (const m of final) expect(seen.get(m.id)?.has(m.updated_at)).toBe(true);
    },
  );
});
