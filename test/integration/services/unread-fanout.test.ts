// Integration tests of unread fan-out on write (docs/adr/028) on DynamoDB Local: member copies stay exact through concurrent sends, deletes, joins, leaves, a room crossing K, and DMs.
import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuthResult } from '../../../shared/features/auth/index.js';
import type { MessageTarget } from '../../../shared/features/messages/index.js';
import { createTestServices, registerUser, type TestServices } from '../../support/services.js';

/** K for this file: rooms of ≤ 3 members fan out. */
const K = 3;
let t: TestServices;

beforeAll(async () => {
  t = await createTestServices({ fanoutMaxMembers: K });
});
afterAll(() => t.close());

const name = (p: string) => `${p}-${randomBytes(4).toString('hex')}`;

/** The count by definition (extensions.md §2): messages by others after `afterSeq`, tombstones excluded. */
async function brute(readerId: string, conversation: string, afterSeq = ''): Promise<number> {
  const all = await t.repos.messages.history({
    conversation,
    limit: 10_000,
    order: 'asc',
    includeDeleted: true,
  });
  return all.filter((m) => m.seq > afterSeq && m.author !== readerId && !m.deleted).length;
}

async function unreadOf(userId: string, match: (e: { target: MessageTarget }) => boolean): Promise<number> {
  const e = (await t.services.receipts.unread(userId)).find((x) => match(x as { target: MessageTarget }));
  return e?.unread_count ?? 0;
}
const inRoom = (roomId: string) => (e: { target: MessageTarget }) =>
  e.target.type === 'room' && e.target.room_id === roomId;

async function raw(PK: string, SK: string) {
  return (await t.doc.send(new GetCommand({ TableName: t.tableName, Key: { PK, SK }, ConsistentRead: true })))
    .Item;
}
const memberRow = (roomId: string, userId: string) => raw(`ROOM#${roomId}`, `MEMBER#${userId}`);
const head = (conversation: string) => raw(`HEAD#${conversation}`, 'HEAD');

const burst = (who: AuthResult, target: MessageTarget, n: number, tag: string) =>
  (async () => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++)
      ids.push((await t.services.messages.send(who.user.id, target, `${tag} ${i}`)).id);
    return ids;
  })();

describe('fan-out rooms (≤ K members)', () => {
  it('are exact from the copy with own messages, tombstones and 3 concurrent writers', async () => {
    const [a, b, c] = await Promise.all([
      registerUser(t.services),
      registerUser(t.services),
      registerUser(t.services),
    ]);
    const r = await t.services.rooms.create(a.user.id, { name: name('fo') });
    await Promise.all([b, c].map((u) => t.services.rooms.join(u.user.id, r.id)));
    const target: MessageTarget = { type: 'room', room_id: r.id };
    const [ia, ib, ic] = await Promise.all([
      burst(a, target, 10, 'a'),
      burst(b, target, 10, 'b'),
      burst(c, target, 10, 'c'),
    ]);
    await Promise.all([
      t.services.messages.delete(a.user.id, ia[2]!),
      t.services.messages.delete(c.user.id, ic[9]!),
      t.services.messages.delete(b.user.id, ib[0]!),
      burst(a, target, 3, 'a2'),
    ]);
    expect((await head(r.id))?.fo).toBe(true);
    const row = await memberRow(r.id, b.user.id);
    expect(row?.hc_on).toBe(true);
    expect(row?.hc_n).toBe((await head(r.id))?.n);
    expect(await unreadOf(b.user.id, inRoom(r.id))).toBe(await brute(b.user.id, r.id));
    // With a marker in the middle, and after more sends.
    const mark = await t.services.receipts.markRead(b.user.id, target, ia[5]!);
    const seq = (await t.repos.messages.getById(ia[5]!))!.seq;
    expect(mark.unread_count).toBe(await brute(b.user.id, r.id, seq));
    await burst(c, target, 4, 'c2');
    expect(await unreadOf(b.user.id, inRoom(r.id))).toBe(await brute(b.user.id, r.id, seq));
    expect(await unreadOf(a.user.id, inRoom(r.id))).toBe(await brute(a.user.id, r.id));
  });

  it('a join racing sends: the joiner’s count is exact after both settle', async () => {
    const [a, b, c] = await Promise.all([
      registerUser(t.services),
      registerUser(t.services),
      registerUser(t.services),
    ]);
    const r = await t.services.rooms.create(a.user.id, { name: name('join') });
    await t.services.rooms.join(b.user.id, r.id);
    const target: MessageTarget = { type: 'room', room_id: r.id };
    await burst(a, target, 3, 'pre');
    await Promise.all([
      burst(a, target, 8, 'a'),
      burst(b, target, 8, 'b'),
      (async () => {
        await new Promise((res) => setImmediate(res));
        await t.services.rooms.join(c.user.id, r.id);
      })(),
    ]);
    expect((await memberRow(r.id, c.user.id))?.hc_on).toBe(true);
    expect(await unreadOf(c.user.id, inRoom(r.id))).toBe(await brute(c.user.id, r.id));
    expect(await unreadOf(a.user.id, inRoom(r.id))).toBe(await brute(a.user.id, r.id));
  });

  it('a leave racing sends: no resurrected row, no failed send', async () => {
    const [a, b] = await Promise.all([registerUser(t.services), registerUser(t.services)]);
    const r = await t.services.rooms.create(a.user.id, { name: name('leave') });
    await t.services.rooms.join(b.user.id, r.id);
    const target: MessageTarget = { type: 'room', room_id: r.id };
    await burst(a, target, 2, 'warm'); // the plan (members a, b) is now cached
    const [ids] = await Promise.all([burst(a, target, 8, 'a'), t.services.rooms.leave(b.user.id, r.id)]);
    expect(ids).toHaveLength(8);
    expect(await memberRow(r.id, b.user.id)).toBeUndefined();
    await burst(a, target, 2, 'after');
    expect(await memberRow(r.id, b.user.id)).toBeUndefined();
    expect((await t.services.receipts.unread(b.user.id)).some(inRoom(r.id))).toBe(false);
  });

  it('a room crossing K switches to head mode and stays exact', async () => {
    const users = await Promise.all([0, 1, 2, 3, 4].map(() => registerUser(t.services)));
    const [a, b, c, d, e] = users as [AuthResult, AuthResult, AuthResult, AuthResult, AuthResult];
    const r = await t.services.rooms.create(a.user.id, { name: name('cross') });
    const target: MessageTarget = { type: 'room', room_id: r.id };
    await t.services.rooms.join(b.user.id, r.id);
    await t.services.rooms.join(c.user.id, r.id); // 3 = K: still fan-out
    expect((await head(r.id))?.fo).toBe(true);
    const before = await burst(a, target, 4, 'a');
    await t.services.messages.delete(a.user.id, before[1]!);
    // d joins (4 > K) while sends race it.
    await Promise.all([
      burst(a, target, 5, 'a2'),
      burst(c, target, 5, 'c'),
      t.services.rooms.join(d.user.id, r.id),
    ]);
    expect((await head(r.id))?.fo).toBe(false);
    for (const u of [a, b, c, d]) expect((await memberRow(r.id, u.user.id))?.hc_on).toBeUndefined();
    await t.services.rooms.join(e.user.id, r.id);
    await burst(b, target, 3, 'b');
    for (const u of users) expect(await unreadOf(u.user.id, inRoom(r.id))).toBe(await brute(u.user.id, r.id));
  });
});

describe('DMs (group conversations stay in head mode: test/integration/http/conversations.test.ts)', () => {
  it('DM counts are exact from the DM-peer copies, tombstones included', async () => {
    const [a, b] = await Promise.all([registerUser(t.services), registerUser(t.services)]);
    const toB: MessageTarget = { type: 'dm', recipient: b.user.id };
    const toA: MessageTarget = { type: 'dm', recipient: a.user.id };
    const [ia] = await Promise.all([burst(a, toB, 6, 'a'), burst(b, toA, 4, 'b')]);
    await t.services.messages.delete(a.user.id, ia[3]!);
    const conversation = (await t.repos.messages.getById(ia[0]!))!.conversation;
    const peer = await raw(`DMPEERS#${b.user.id}`, conversation);
    expect(peer?.hc_on).toBe(true);
    const dmWith = (id: string) => (e: { target: MessageTarget }) =>
      e.target.type === 'dm' && e.target.recipient === id;
    expect(await unreadOf(b.user.id, dmWith(a.user.id))).toBe(await brute(b.user.id, conversation));
    expect(await unreadOf(a.user.id, dmWith(b.user.id))).toBe(await brute(a.user.id, conversation));
    await t.services.receipts.markRead(b.user.id, toA, ia[1]!);
    const seq = (await t.repos.messages.getById(ia[1]!))!.seq;
    expect(await unreadOf(b.user.id, dmWith(a.user.id))).toBe(await brute(b.user.id, conversation, seq));
  });
});
