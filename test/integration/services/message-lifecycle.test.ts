// Integration tests of the message lifecycle on DynamoDB Local (docs/protocol/extensions.md §1): versions, tombstones, reactions, threads, paging.
import { randomBytes } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuthResult } from '../../../shared/features/auth/index.js';
import { keys } from '../../../shared/features/index.js';
import type { MessageTarget } from '../../../shared/features/messages/index.js';
import type { Room } from '../../../shared/features/rooms/index.js';
import {
  createTestServices,
  eventsOf,
  registerCast,
  populatedRoom,
  registerUser,
  UNKNOWN_ID,
  type TestServices,
} from '../../support/services.js';

let t: TestServices;
let alice: AuthResult;
let mo: AuthResult;
let bob: AuthResult;
let eve: AuthResult;
let room: Room;
let inRoom: MessageTarget;
/** Commands the document client sent, by name (reset per test where it matters). */
const sent: string[] = [];

beforeAll(async () => {
  t = await createTestServices();
  t.doc.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  const cast = await registerCast(t.services);
  ({ alice, mo, bob, eve } = cast);
  room = await populatedRoom(t, cast, `life-${randomBytes(4).toString('hex')}`);
  inRoom = { type: 'room', room_id: room.id };
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.events.length = 0;
});

describe('message object (§1.1)', () => {
  it('a plain send carries every lifecycle field with its default and costs one write request (message + head, docs/adr/011)', async () => {
    sent.length = 0;
    const m = await t.services.messages.send(bob.user.id, inRoom, 'plain', {
      authorUsername: bob.user.username,
      access: { isMember: () => Promise.resolve(true), membership: () => Promise.resolve(null) },
    });
    expect(sent).toEqual(['TransactWriteItemsCommand']);
    expect(m).toMatchObject({
      message_type: 'text',
      edited_at: null,
      edit_count: 0,
      updated_at: m.created_at,
      deleted: false,
      deleted_at: null,
      reply_to: null,
      thread_root_id: null,
      reply_count: 0,
      last_reply_at: null,
      reactions: [],
      mentions: [],
      pinned: false,
      pinned_at: null,
      pinned_by: null,
      priority: 'normal',
      attachments: [],
    });
  });

  it('refuses system messages, file types without attachments and high priority from a plain member', async () => {
    await expect(
      t.services.messages.send(bob.user.id, inRoom, 'x', { message_type: 'system' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(
      t.services.messages.send(bob.user.id, inRoom, 'x', { message_type: 'image' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(
      t.services.messages.send(bob.user.id, inRoom, 'x', { priority: 'high' }),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    const high = await t.services.messages.send(mo.user.id, inRoom, 'x', {
      priority: 'high',
      message_type: 'markdown',
    });
    expect(high).toMatchObject({ priority: 'high', message_type: 'markdown' });
  });
});

describe('edit history (§1.2)', () => {
  it('keeps every previous version in the same transaction as the edit', async () => {
    const m = await t.services.messages.send(bob.user.id, inRoom, 'v1');
    sent.length = 0;
    await t.services.messages.edit(bob.user.id, m.id, 'v2');
    expect(sent.filter((c) => c !== 'QueryCommand' && c !== 'GetItemCommand')).toEqual([
      'TransactWriteItemsCommand',
    ]);
    const e3 = await t.services.messages.edit(bob.user.id, m.id, 'v3');
    expect(e3).toMatchObject({ content: 'v3', edited: true, edit_count: 2 });
    expect(e3.edited_at).not.toBeNull();
    const versions = await t.services.messages.versions(alice.user.id, m.id);
    expect(versions.map((v) => [v.version, v.content])).toEqual([
      [1, 'v1'],
      [2, 'v2'],
      [3, 'v3'],
    ]);
    await expect(t.services.messages.versions(eve.user.id, m.id)).rejects.toMatchObject({
      code: 'message_not_found',
    });
  });

  it('stops at 100 edits with edit_limit_reached', async () => {
    const m = await t.services.messages.send(bob.user.id, inRoom, 'capped');
    const stored = await t.repos.messages.getById(m.id);
    await t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: keys.message(stored!.conversation, stored!.seq),
        UpdateExpression: 'SET edit_count = :n',
        ExpressionAttributeValues: { ':n': 100 },
      }),
    );
    await expect(t.services.messages.edit(bob.user.id, m.id, 'one more')).rejects.toMatchObject({
      code: 'edit_limit_reached',
    });
    expect((await t.repos.messages.getById(m.id))!.content).toBe('capped');
  });
});

describe('soft delete (§1.3)', () => {
  it('leaves a tombstone that history omits unless include_deleted, with versions and reactions purged', async () => {
    const m = await t.services.messages.send(bob.user.id, inRoom, 'doomed');
    await t.services.messages.edit(bob.user.id, m.id, 'doomed 2');
    await t.services.messages.react(alice.user.id, m.id, '👍', true);
    sent.length = 0;
    await t.services.messages.delete(bob.user.id, m.id);
    expect(sent.filter((c) => c.includes('Write') || c.includes('Update') || c.includes('Put'))).toEqual([
      'TransactWriteItemsCommand',
      'BatchWriteItemCommand',
    ]);
    expect(eventsOf(t.events, 'message_deleted')).toHaveLength(1);
    const plain = await t.services.messages.history(alice.user.id, inRoom, 100);
    expect(plain.messages.some((x) => x.id === m.id)).toBe(false);
    const all = await t.services.messages.history(alice.user.id, inRoom, 100, { includeDeleted: true });
    expect(all.messages.find((x) => x.id === m.id)).toMatchObject({
      content: '',
      deleted: true,
      reactions: [],
    });
    await expect(t.services.messages.versions(bob.user.id, m.id)).rejects.toMatchObject({
      code: 'message_not_found',
    });
    await expect(t.services.messages.delete(bob.user.id, m.id)).rejects.toMatchObject({
      code: 'message_not_found',
    });
  });

  it('hard delete is for the stored system role admin only', async () => {
    const m = await t.services.messages.send(bob.user.id, inRoom, 'hard');
    await expect(t.services.messages.hardDelete(alice.user.id, m.id)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    const admin = await registerUser(t.services);
    await t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: keys.user(admin.user.id),
        UpdateExpression: 'SET #r = :admin',
        ExpressionAttributeNames: { '#r': 'role' },
        ExpressionAttributeValues: { ':admin': 'admin' },
      }),
    );
    await t.services.messages.hardDelete(admin.user.id, m.id);
    expect(await t.repos.messages.getById(m.id)).toBeNull();
  });
});

describe('reactions (§1.4)', () => {
  it('20 concurrent reactors give an exact count; 10 concurrent removals leave exactly 10', async () => {
    const m = await t.services.messages.send(bob.user.id, inRoom, 'react to me');
    const people = await Promise.all(Array.from({ length: 20 }, () => registerUser(t.services)));
    await Promise.all(people.map((p) => t.services.rooms.join(p.user.id, room.id)));
    await Promise.all(people.map((p) => t.services.messages.react(p.user.id, m.id, '🎉', true)));
    let after = (await t.repos.messages.getById(m.id))!;
    expect(after.reactions).toEqual([expect.objectContaining({ emoji: '🎉', count: 20 })]);
    expect(after.reactions[0]!.users).toHaveLength(20);
    await Promise.all(
      people.slice(0, 10).map((p) => t.services.messages.react(p.user.id, m.id, '🎉', false)),
    );
    after = (await t.repos.messages.getById(m.id))!;
    expect(after.reactions).toEqual([expect.objectContaining({ emoji: '🎉', count: 10 })]);
    expect(eventsOf(t.events, 'reaction_added')).toHaveLength(20);
    expect(eventsOf(t.events, 'reaction_removed')).toHaveLength(10);
  });

  it("is idempotent, validates the emoji, hides others' messages and caps distinct emoji at 20", async () => {
    const m = await t.services.messages.send(bob.user.id, inRoom, 'caps');
    const first = await t.services.messages.react(alice.user.id, m.id, ':tada:', true);
    const again = await t.services.messages.react(alice.user.id, m.id, ':tada:', true);
    expect([first.changed, again.changed]).toEqual([true, false]);
    expect(again.message.reactions).toEqual([{ emoji: ':tada:', count: 1, users: [alice.user.id] }]);
    for (const bad of ['', 'ab', '👍👍', ':Bad:']) {
      await expect(t.services.messages.react(alice.user.id, m.id, bad, true)).rejects.toMatchObject({
        code: 'validation_failed',
      });
    }
    await expect(t.services.messages.react(eve.user.id, m.id, '👍', true)).rejects.toMatchObject({
      code: 'message_not_found',
    });
    await expect(t.services.messages.react(alice.user.id, UNKNOWN_ID, '👍', true)).rejects.toMatchObject({
      code: 'message_not_found',
    });
    await expect(t.services.messages.react(bob.user.id, m.id, '👍', false)).rejects.toMatchObject({
      code: 'reaction_not_found',
    });
    for (let i = 1; i < 20; i++) await t.services.messages.react(alice.user.id, m.id, `:e${i}:`, true);
    await expect(t.services.messages.react(alice.user.id, m.id, ':e20:', true)).rejects.toMatchObject({
      code: 'reaction_limit',
    });
    const stored = (await t.repos.messages.getById(m.id))!;
    expect(stored.reactions).toHaveLength(20);
    expect(stored.reactions[0]!.emoji).toBe(':tada:');
  });
});

describe('threads (§1.5)', () => {
  it('20 concurrent replies give reply_count 20 and a thread oldest first; replies to replies join the root', async () => {
    const root = await t.services.messages.send(alice.user.id, inRoom, 'root');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.services.messages.send(bob.user.id, inRoom, `r${i}`, { reply_to: root.id }),
      ),
    );
    const stored = (await t.repos.messages.getById(root.id))!;
    expect(stored.reply_count).toBe(20);
    expect(stored.last_reply_at).not.toBeNull();
    const page = await t.services.messages.thread(mo.user.id, root.id, 100);
    expect(page.replies).toHaveLength(20);
    const nested = await t.services.messages.send(mo.user.id, inRoom, 'nested', {
      reply_to: page.replies[0]!.id,
    });
    expect(nested).toMatchObject({ reply_to: page.replies[0]!.id, thread_root_id: root.id });
    expect(eventsOf(t.events, 'thread_updated').at(-1)!.payload).toMatchObject({
      root_id: root.id,
      reply_count: 21,
    });
    const plain = await t.services.messages.history(alice.user.id, inRoom, 100, { excludeReplies: true });
    expect(plain.messages.some((x) => x.thread_root_id !== null)).toBe(false);
  });

  it('refuses a reply across targets, to an unknown or a deleted message with invalid_reply, writing nothing', async () => {
    const other = await t.services.rooms.create(bob.user.id, {
      name: `other-${randomBytes(4).toString('hex')}`,
    });
    const elsewhere = await t.services.messages.send(
      bob.user.id,
      { type: 'room', room_id: other.id },
      'there',
    );
    const gone = await t.services.messages.send(bob.user.id, inRoom, 'gone');
    await t.services.messages.delete(bob.user.id, gone.id);
    const before = (await t.services.messages.history(bob.user.id, inRoom, 100)).messages.length;
    for (const replyTo of [elsewhere.id, UNKNOWN_ID, gone.id]) {
      await expect(
        t.services.messages.send(bob.user.id, inRoom, 'x', { reply_to: replyTo }),
      ).rejects.toMatchObject({ code: 'invalid_reply' });
    }
    expect((await t.services.messages.history(bob.user.id, inRoom, 100)).messages).toHaveLength(before);
  });
});

describe('history paging (issue 10 item 8)', () => {
  it('pages through 1,000 messages both ways with no gap and no repeat', async () => {
    const r = await t.services.rooms.create(alice.user.id, {
      name: `page-${randomBytes(4).toString('hex')}`,
    });
    const target: MessageTarget = { type: 'room', room_id: r.id };
    const ids: string[] = [];
    for (let i = 0; i < 1000; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, (_, j) => t.services.messages.send(alice.user.id, target, `m${i + j}`)),
      );
      ids.push(...batch.map((m) => m.id));
    }
    // Backwards from the newest with next_cursor.
    const back: string[] = [];
    let page = await t.services.messages.history(alice.user.id, target, 100);
    back.push(...page.messages.map((m) => m.id));
    while (page.next_cursor !== null) {
      page = await t.services.messages.history(alice.user.id, target, 100, { cursor: page.next_cursor });
      back.push(...page.messages.map((m) => m.id));
    }
    expect(back).toHaveLength(1000);
    expect(new Set(back).size).toBe(1000);
    // Forwards from the oldest with `after` (message ids, as upstream's prose intends).
    const oldest = back.at(-1)!;
    const fwd: string[] = [oldest];
    for (;;) {
      const p = await t.services.messages.history(alice.user.id, target, 100, { after: fwd.at(-1)! });
      if (p.messages.length === 0) break;
      fwd.push(...p.messages.map((m) => m.id));
    }
    expect(fwd).toEqual([...back].reverse());
    // `before` an id: strictly older, newest first.
    const mid = back[500]!;
    const older = await t.services.messages.history(alice.user.id, target, 3, { before: mid });
    expect(older.messages.map((m) => m.id)).toEqual(back.slice(501, 504));
    await expect(
      t.services.messages.history(alice.user.id, target, 3, { before: UNKNOWN_ID }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(
      t.services.messages.history(alice.user.id, target, 3, { cursor: 'junk' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  }, 120_000);
});

describe('mentions and pins (§1.6)', () => {
  it('records @mentions of readers only, notifies each, and lists them newest first', async () => {
    const m = await t.services.messages.send(
      alice.user.id,
      inRoom,
      `hey @${bob.user.username} and @${mo.user.username.toUpperCase()}, not @${eve.user.username} nor @nobody_here`,
    );
    expect([...m.mentions].sort()).toEqual([bob.user.id, mo.user.id].sort());
    expect(eventsOf(t.events, 'mention').map((e) => e.audience)).toEqual(
      expect.arrayContaining([
        { kind: 'users', userIds: [bob.user.id] },
        { kind: 'users', userIds: [mo.user.id] },
      ]),
    );
    const later = await t.services.messages.send(alice.user.id, inRoom, `@${bob.user.username} again`);
    const page = await t.services.messages.mentions(bob.user.id, 1);
    expect(page.messages.map((x) => x.id)).toEqual([later.id]);
    const next = await t.services.messages.mentions(bob.user.id, 10, page.next_cursor);
    expect(next.messages.map((x) => x.id)).toContain(m.id);
    expect((await t.services.messages.mentions(eve.user.id, 10)).messages).toEqual([]);
  });

  it('pins: moderator+ in rooms, exact limit of 50 per target, listed newest first', async () => {
    const r = await t.services.rooms.create(alice.user.id, {
      name: `pins-${randomBytes(4).toString('hex')}`,
    });
    await t.services.rooms.join(bob.user.id, r.id);
    const target: MessageTarget = { type: 'room', room_id: r.id };
    const msgs = await Promise.all(
      Array.from({ length: 51 }, (_, i) => t.services.messages.send(bob.user.id, target, `p${i}`)),
    );
    await expect(t.services.messages.pin(bob.user.id, msgs[0]!.id, true)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    const results = await Promise.allSettled(
      msgs.map((m) => t.services.messages.pin(alice.user.id, m.id, true)),
    );
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(50);
    expect(
      results.filter((x) => x.status === 'rejected' && (x.reason as { code: string }).code === 'pin_limit'),
    ).toHaveLength(1);
    expect(await t.services.messages.pins(bob.user.id, target)).toHaveLength(50);
    const pinned = msgs.find((_, i) => results[i]!.status === 'fulfilled')!;
    const unpinned = await t.services.messages.pin(alice.user.id, pinned.id, false);
    expect(unpinned).toMatchObject({ pinned: false, pinned_by: null });
    expect(await t.services.messages.pins(bob.user.id, target)).toHaveLength(49);
    expect(eventsOf(t.events, 'message_unpinned')).toHaveLength(1);
    await expect(t.services.messages.pins(eve.user.id, target)).rejects.toMatchObject({
      code: 'not_room_member',
    });
  });
});
