// Integration tests of read state on DynamoDB Local (docs/protocol/extensions.md §2, docs/adr/011): exact unread counts, markers, receipts, deliveries.
import { randomBytes } from 'node:crypto';
import type { AuthResult } from '../../../shared/features/auth/index.js';
import type { MessageTarget } from '../../../shared/features/messages/index.js';
import type { Room } from '../../../shared/features/rooms/index.js';
import {
  createTestServices,
  eventsOf,
  payloadsOf,
  registerCast,
  populatedRoom,
  registerUser,
  type TestServices,
} from '../../support/services.js';

let t: TestServices;
let alice: AuthResult;
let mo: AuthResult;
let bob: AuthResult;
let eve: AuthResult;
let room: Room;
let inRoom: MessageTarget;

beforeAll(async () => {
  t = await createTestServices();
  const cast = await registerCast(t.services);
  ({ alice, mo, bob, eve } = cast);
  room = await populatedRoom(t, cast, `rcpt-${randomBytes(4).toString('hex')}`);
  inRoom = { type: 'room', room_id: room.id };
});
afterAll(() => t.close());

/** The count by definition (extensions.md §2): messages by others after the marker seq, tombstones excluded. */
async function bruteUnread(readerId: string, roomId: string, afterSeq: string): Promise<number> {
  const all = await t.repos.messages.history({
    conversation: roomId,
    limit: 10_000,
    order: 'asc',
    includeDeleted: true,
  });
  return all.filter((m) => m.seq > afterSeq && m.author !== readerId && !m.deleted).length;
}

const unreadIn = async (userId: string, roomId: string) =>
  (await t.services.receipts.unread(userId)).find(
    (e) => e.target.type === 'room' && e.target.room_id === roomId,
  );

describe('unread counts (§2)', () => {
  it('are exact with own messages, tombstones and 3 concurrent writers', async () => {
    const r = await t.services.rooms.create(alice.user.id, {
      name: `exact-${randomBytes(4).toString('hex')}`,
    });
    await Promise.all([mo, bob, eve].map((u) => t.services.rooms.join(u.user.id, r.id)));
    const target: MessageTarget = { type: 'room', room_id: r.id };
    const burst = (who: AuthResult, n: number, tag: string) =>
      (async () => {
        const ids: string[] = [];
        for (let i = 0; i < n; i++)
          ids.push((await t.services.messages.send(who.user.id, target, `${tag} ${i}`)).id);
        return ids;
      })();
    // Three writers plus the reader's own messages, all at once.
    const [a1, m1, , own1] = await Promise.all([
      burst(alice, 12, 'a'),
      burst(mo, 12, 'm'),
      burst(eve, 12, 'e'),
      burst(bob, 5, 'b'),
    ]);
    expect((await unreadIn(bob.user.id, r.id))?.unread_count).toBe(36);

    // Mark read in the middle of alice's burst.
    const mark = await t.services.receipts.markRead(bob.user.id, target, a1[5]!);
    const markSeq = (await t.repos.messages.getById(a1[5]!))!.seq;
    expect(mark.unread_count).toBe(await bruteUnread(bob.user.id, r.id, markSeq));

    // More concurrent writes while the marker moves and deletes land before and after it (own and others').
    const [a2, , e2, own2] = await Promise.all([
      burst(alice, 6, 'a2'),
      burst(mo, 6, 'm2'),
      burst(eve, 6, 'e2'),
      burst(bob, 3, 'b2'),
      t.services.messages.delete(alice.user.id, a1[1]!), // before the marker
      t.services.messages.delete(mo.user.id, m1[11]!), // maybe after
      t.services.messages.delete(bob.user.id, own1[4]!), // own
      t.services.receipts.markRead(bob.user.id, target, a1[8]!), // racing the sends: the snapshot re-reads the head
    ]);
    const movedSeq = (await t.repos.messages.getById(a1[8]!))!.seq;
    await t.services.messages.delete(eve.user.id, e2[0]!); // surely after
    await t.services.messages.delete(bob.user.id, own2[0]!);
    await t.services.messages.delete(alice.user.id, a2[5]!);
    const expected = await bruteUnread(bob.user.id, r.id, movedSeq);
    expect(expected).toBeGreaterThan(20);
    expect((await unreadIn(bob.user.id, r.id))?.unread_count).toBe(expected);
    expect((await t.services.receipts.unreadCounts(bob.user.id)).by_room[r.id]).toBe(expected);

    // Reading to the newest message leaves nothing unread; the entry disappears.
    const last = (await t.services.messages.history(bob.user.id, target, 1)).messages[0]!;
    expect((await t.services.receipts.markRead(bob.user.id, target, last.id)).unread_count).toBe(0);
    expect(await unreadIn(bob.user.id, r.id)).toBeUndefined();
    // Writers' own view: alice has only others' messages unread.
    const aliceExpected = await bruteUnread(alice.user.id, r.id, '');
    expect((await unreadIn(alice.user.id, r.id))?.unread_count).toBe(aliceExpected);
  });

  it('counts mentions after the marker and lists DMs the reader received', async () => {
    const m = await t.services.messages.send(alice.user.id, inRoom, `hey @${bob.user.username}`);
    await t.services.messages.send(alice.user.id, { type: 'dm', recipient: eve.user.id }, 'psst');
    const row = await unreadIn(bob.user.id, room.id);
    expect(row).toMatchObject({ mention_count: 1, last_message_id: m.id, up_to: null });
    const dm = (await t.services.receipts.unread(eve.user.id)).find((e) => e.target.type === 'dm');
    expect(dm).toMatchObject({ target: { type: 'dm', recipient: alice.user.id }, unread_count: 1 });
    await t.services.receipts.markRead(bob.user.id, inRoom, m.id);
    expect(await unreadIn(bob.user.id, room.id)).toBeUndefined();
  });
});

describe('read markers (§2)', () => {
  it('only move forward; an older up_to is a no-op', async () => {
    const first = await t.services.messages.send(alice.user.id, inRoom, 'one');
    const second = await t.services.messages.send(alice.user.id, inRoom, 'two');
    await t.services.receipts.markRead(mo.user.id, inRoom, second.id);
    t.events.length = 0;
    const again = await t.services.receipts.markRead(mo.user.id, inRoom, first.id);
    expect(again.receipt.up_to).toBe(second.id);
    expect(t.events).toHaveLength(0);
  });

  it('refuse a message of another target (validation_failed) and change nothing', async () => {
    const dm = await t.services.messages.send(alice.user.id, { type: 'dm', recipient: bob.user.id }, 'dm');
    const before = await t.services.receipts.unread(bob.user.id);
    await expect(t.services.receipts.markRead(bob.user.id, inRoom, dm.id)).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(
      t.services.receipts.markRead(bob.user.id, inRoom, '00000000-0000-4000-8000-000000000000'),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    expect(await t.services.receipts.unread(bob.user.id)).toEqual(before);
  });

  it('are refused to a non-member (not_room_member)', async () => {
    const m = await t.services.messages.send(alice.user.id, inRoom, 'members only');
    await expect(t.services.receipts.markRead(eve.user.id, inRoom, m.id)).rejects.toMatchObject({
      code: 'not_room_member',
    });
  });
});

describe('receipts (§2)', () => {
  it('read_marker_updated goes to the reader, read_receipt to the others unless send_read_receipts is false', async () => {
    const m = await t.services.messages.send(alice.user.id, inRoom, 'read me');
    t.events.length = 0;
    await t.services.receipts.markRead(bob.user.id, inRoom, m.id);
    const [marker] = eventsOf(t.events, 'read_marker_updated');
    expect(marker?.audience).toEqual({ kind: 'users', userIds: [bob.user.id] });
    const [receipt] = eventsOf(t.events, 'read_receipt');
    expect(receipt?.audience).toEqual({
      kind: 'users',
      userIds: expect.arrayContaining([alice.user.id, mo.user.id]) as unknown,
    });
    expect((receipt?.audience as { userIds: string[] }).userIds).not.toContain(bob.user.id);

    const prefs = await t.services.receipts.preferences(mo.user.id);
    await t.services.receipts.setPreferences(mo.user.id, {
      ...prefs,
      privacy: { ...prefs.privacy, send_read_receipts: false },
    });
    const m2 = await t.services.messages.send(alice.user.id, inRoom, 'private reader');
    t.events.length = 0;
    const r = await t.services.receipts.markRead(mo.user.id, inRoom, m2.id);
    expect(r.receipt.up_to).toBe(m2.id);
    expect(payloadsOf(t.events, 'read_marker_updated')).toHaveLength(1);
    expect(payloadsOf(t.events, 'read_receipt')).toHaveLength(0);
    // The message's read list still answers the author's explicit question (§2 `GET …/receipts`).
    const seen = await t.services.receipts.receiptsOf(alice.user.id, m2.id);
    expect(seen.read.map((x) => x.user_id)).toContain(mo.user.id);
  });

  it('delivery confirmation: once per recipient, DMs only, author told; receipts listed to participants only', async () => {
    const dmTo = { type: 'dm', recipient: bob.user.id } as const;
    const m = await t.services.messages.send(alice.user.id, dmTo, 'delivered?');
    const roomMsg = await t.services.messages.send(alice.user.id, inRoom, 'not a dm');
    t.events.length = 0;
    expect(await t.services.receipts.delivered(bob.user.id, [m.id, roomMsg.id, m.id])).toBe(1);
    expect(await t.services.receipts.delivered(bob.user.id, [m.id])).toBe(0);
    expect(await t.services.receipts.delivered(eve.user.id, [m.id])).toBe(0);
    const events = eventsOf(t.events, 'delivery_receipt');
    expect(events).toHaveLength(1);
    expect(events[0]?.audience).toEqual({ kind: 'users', userIds: [alice.user.id] });
    expect(events[0]?.payload).toMatchObject({ message_id: m.id, user_id: bob.user.id });
    await t.services.receipts.markRead(bob.user.id, { type: 'dm', recipient: alice.user.id }, m.id);
    const r = await t.services.receipts.receiptsOf(alice.user.id, m.id);
    expect(r.delivered.map((d) => d.user_id)).toEqual([bob.user.id]);
    expect(r.read.map((d) => d.user_id)).toEqual([bob.user.id]);
    await expect(t.services.receipts.receiptsOf(eve.user.id, m.id)).rejects.toMatchObject({
      code: 'message_not_found',
    });
  });

  it('a new user sees nothing unread and default preferences', async () => {
    const u = await registerUser(t.services);
    expect(await t.services.receipts.unread(u.user.id)).toEqual([]);
    expect((await t.services.receipts.preferences(u.user.id)).privacy.send_read_receipts).toBe(true);
  });
});
