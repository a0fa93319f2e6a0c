// Terminal client lifecycle commands (/edit, /delete, /react, /reply, /thread, /history, /more, /versions) against a fake session.
import { jest } from '@jest/globals';
import { ChatState } from '../../../client/tui/commands.js';
import { formatEvent } from '../../../client/tui/render.js';
import type { Message } from '../../../shared/features/messages/index.js';
import type { EventPayload } from '../../../shared/kernel/events.js';
import { FakeSession } from './fake-session.js';
import type { FakeReply, FakeScript } from './fake-session.js';
import type { Received } from './scripted-tcp-server.js';
import { ALICE_ID, BOB_ID, ROOM_ID, aMessage, aUser } from './fixtures.js';

const id = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const target = { type: 'room', room_id: ROOM_ID } as const;
const mine = (i: number, overrides: Partial<Message> = {}): Message =>
  aMessage({ id: id(i), content: `m${i}`, ...overrides });

/** A chat state logged in as alice, in the room, with `printed` already shown (numbered 1, 2, …). */
function setup(script: FakeScript, printed: Message[] = [mine(1)]) {
  const session = new FakeSession(script);
  const state = new ChatState(session, aUser());
  state.currentRoomId = ROOM_ID;
  for (const message of printed)
    state.observe({ type: 'message_received', message, author_username: 'alice' });
  /** Feeds an event through the same path as main.ts and returns the printed line. */
  const event = (e: EventPayload): string | null => {
    state.observe(e);
    return formatEvent(e, state);
  };
  return { session, state, event };
}

const ok =
  (replies: Record<string, (msg: Received) => FakeReply>): FakeScript =>
  (msg) =>
    replies[msg.type]?.(msg);

describe('lifecycle commands', () => {
  it('/edit sends edit_message for [n]; the message_edited event reprints it as [n] … (edited)', async () => {
    const edited = mine(1, { content: 'fixed', edited: true, updated_at: '2025-01-21T12:09:00Z' });
    const { session, state, event } = setup(ok({ edit_message: () => ({ message: edited }) }));
    expect(await state.run('/edit 1 fixed')).toEqual({ lines: [] });
    expect(session.sentOf('edit_message')).toMatchObject([{ message_id: id(1), content: 'fixed' }]);
    const line = event({ type: 'message_edited', message: edited, previous_content: 'm1' });
    expect(line).toMatch(/^\[1\] \d\d:\d\d <alice> fixed \(edited\)$/);
  });

  it('/edit refuses unknown numbers and other people’s messages without asking the server', async () => {
    const { session, state } = setup(() => ({}), [mine(1), mine(2, { author: BOB_ID })]);
    expect((await state.run('/edit 9 x')).lines.join()).toContain('No message [9]');
    expect((await state.run('/edit 2 x')).lines.join()).toContain('[2] is not your message');
    expect((await state.run('/edit 1')).lines.join()).toContain('Usage: /edit <n> <text>');
    expect(session.sent).toEqual([]);
  });

  it('/delete sends delete_message; the event shows the tombstone and blocks further use', async () => {
    const { session, state, event } = setup(ok({ delete_message: () => ({}) }));
    await state.run('/delete [1]');
    expect(session.sentOf('delete_message')).toMatchObject([{ message_id: id(1) }]);
    const line = event({ type: 'message_deleted', message_id: id(1), target, deleted_by: ALICE_ID });
    expect(line).toMatch(/^\[1\] .*<alice> \[deleted\]$/);
    expect((await state.run('/reply 1 hi')).lines.join()).toContain('was deleted');
  });

  it('/react adds, and a second /react with the same emoji removes (toggle)', async () => {
    const reacted = mine(1, {
      reactions: [{ emoji: '👍', count: 1, users: [ALICE_ID] }],
      updated_at: '2025-01-21T12:01:00Z',
    });
    const cleared = mine(1, { reactions: [], updated_at: '2025-01-21T12:02:00Z' });
    const { session, state, event } = setup(
      ok({ add_reaction: () => ({ message: reacted }), remove_reaction: () => ({ message: cleared }) }),
    );
    expect((await state.run('/react 1 👍')).lines).toEqual(['* You reacted 👍 on [1]  👍 1']);
    // our own event only updates state: the command already printed a line
    expect(
      event({ type: 'reaction_added', message_id: id(1), target, emoji: '👍', user_id: ALICE_ID, count: 1 }),
    ).toBeNull();
    expect((await state.run('/react 1 👍')).lines).toEqual(['* You removed 👍 from [1]']);
    expect(session.sent.map((m) => [m.type, m.message_id, m.emoji])).toEqual([
      ['add_reaction', id(1), '👍'],
      ['remove_reaction', id(1), '👍'],
    ]);
  });

  it('/react removes when the add changed nothing and we may be beyond the 25 listed reactors', async () => {
    const others = Array.from({ length: 25 }, (_, i) => id(100 + i));
    const crowded = mine(1, { reactions: [{ emoji: '🎉', count: 30, users: others }] });
    const fewer = mine(1, {
      reactions: [{ emoji: '🎉', count: 29, users: others }],
      updated_at: '2025-01-21T12:03:00Z',
    });
    const { session, state } = setup(
      ok({ add_reaction: () => ({ message: crowded }), remove_reaction: () => ({ message: fewer }) }),
      [crowded],
    );
    expect((await state.run('/react 1 🎉')).lines).toEqual(['* You removed 🎉 from [1]  🎉 29']);
    expect(session.sent.map((m) => m.type)).toEqual(['add_reaction', 'remove_reaction']);
  });

  it('/react adds when our local state was stale and the server says reaction_not_found', async () => {
    const stale = mine(1, { reactions: [{ emoji: '👍', count: 1, users: [ALICE_ID] }] });
    const { session, state } = setup(
      ok({
        remove_reaction: () => ({ error: { code: 'reaction_not_found', message: 'Reaction not found' } }),
        add_reaction: () => ({ message: stale }),
      }),
      [stale],
    );
    expect((await state.run('/react 1 👍')).lines).toEqual(['* You reacted 👍 on [1]  👍 1']);
    expect(session.sent.map((m) => m.type)).toEqual(['remove_reaction', 'add_reaction']);
    expect((await state.run('/react 1')).lines.join()).toContain('Usage: /react <n> <emoji>');
  });

  it('/reply sends to the parent’s target with reply_to; the echo shows ↪ [n]', async () => {
    const dmParent = mine(1, { target: { type: 'dm', recipient: BOB_ID } });
    const reply = mine(2, {
      target: dmParent.target,
      reply_to: id(1),
      thread_root_id: id(1),
      content: 'sure',
    });
    const { session, state, event } = setup(ok({ send_message: () => ({ message: reply }) }), [dmParent]);
    expect(await state.run('/reply 1 sure')).toEqual({ lines: [] });
    expect(session.sentOf('send_message')).toMatchObject([
      { target: { type: 'dm', recipient: BOB_ID }, content: 'sure', reply_to: id(1) },
    ]);
    expect(event({ type: 'message_received', message: reply, author_username: 'alice' })).toMatch(
      /^\[2\] .*<alice> ↪ \[1\] sure$/,
    );
    expect(
      event({ type: 'thread_updated', root_id: id(1), target, reply_count: 1, last_reply_at: null }),
    ).toBe('* [1] ↳ 1 reply');
  });

  it('/thread prints the root and its replies (numbered), and /more continues with next_cursor', async () => {
    const root = mine(1, { reply_count: 3 });
    const r = (i: number): Message => mine(i, { reply_to: id(1), thread_root_id: id(1) });
    const { session, state } = setup(
      ok({
        get_thread: (msg) =>
          msg.cursor === undefined
            ? { root, replies: [r(2), r(3)], next_cursor: 'after-3' }
            : { root, replies: [r(4)] },
      }),
      [root],
    );
    const first = await state.run('/thread 1');
    expect(first.lines[0]).toMatch(/^\[1\] .*m1 {2}↳ 3 replies$/);
    expect(first.lines.slice(1, 3)).toEqual([
      expect.stringMatching(/^ {2}\[2\] .*↪ \[1\] m2$/),
      expect.stringMatching(/^ {2}\[3\] .*↪ \[1\] m3$/),
    ]);
    expect(first.lines[3]).toContain('/more');
    const more = await state.run('/more');
    expect(more.lines).toEqual([expect.stringMatching(/^ {2}\[4\] .*m4$/)]);
    expect(session.sentOf('get_thread')).toMatchObject([
      { message_id: id(1), limit: 20 },
      { message_id: id(1), cursor: 'after-3' },
    ]);
    expect((await state.run('/more')).lines).toEqual(['(no more replies)']);
  });

  it('/history prints oldest first and /more pages back with next_cursor', async () => {
    const { session, state } = setup(
      ok({
        get_messages: (msg) =>
          msg.cursor === undefined
            ? { messages: [mine(12), mine(11)], has_more: true, next_cursor: 'before-11' }
            : { messages: [mine(10)], has_more: false },
      }),
      [],
    );
    const first = await state.run('/history 2');
    expect(first.lines).toEqual([
      '… older messages: /more',
      expect.stringMatching(/^\[1\] .*m11$/),
      expect.stringMatching(/^\[2\] .*m12$/),
    ]);
    const more = await state.run('/more');
    expect(more.lines).toEqual(['— older messages —', expect.stringMatching(/^\[3\] .*m10$/)]);
    expect(session.sentOf('get_messages')).toMatchObject([
      { target, limit: 2 },
      { target, limit: 2, cursor: 'before-11' },
    ]);
    expect((await state.run('/more')).lines).toEqual(['(no older messages)']);
    expect(session.sentOf('get_messages')).toHaveLength(2);
  });

  it('/history marks the room read up to the newest message it shows (debounced mark_read)', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    try {
      const { session, state } = setup(
        ok({
          get_messages: () => ({ messages: [mine(12), mine(11)], has_more: false }),
          mark_read: () => ({ unread_count: 0, receipt: null }),
        }),
        [],
      );
      await state.run('/history 2');
      expect(session.sentOf('mark_read')).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1_100);
      expect(session.sentOf('mark_read')).toEqual([expect.objectContaining({ target, up_to: id(12) })]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('/history names an author it does not know through get_user (a deleted user prints as deleted-user)', async () => {
    const ghost = '00000000-0000-4000-8000-00000000dead';
    const { session, state } = setup(
      ok({
        get_messages: () => ({ messages: [mine(7, { author: ghost })], has_more: false }),
        get_user: (msg) => ({ user: aUser({ id: msg.user_id as string, username: 'deleted-user' }) }),
      }),
      [],
    );
    const lines = (await state.run('/history 1')).lines;
    expect(lines).toEqual([expect.stringMatching(/<deleted-user> m7$/)]);
    expect(session.sentOf('get_user')).toEqual([expect.objectContaining({ user_id: ghost })]);
    await state.run('/history 1');
    expect(session.sentOf('get_user')).toHaveLength(1); // remembered
  });

  it('/more falls back to before = oldest shown id when the server sends no cursor', async () => {
    const { session, state } = setup(
      ok({ get_messages: () => ({ messages: [mine(5), mine(4)], has_more: true }) }),
      [],
    );
    await state.run('/history 2');
    await state.run('/more');
    expect(session.sentOf('get_messages')[1]).toMatchObject({ before: id(4), limit: 2 });
    expect(session.sentOf('get_messages')[1]).not.toHaveProperty('cursor');
    expect((await state.run('/history x')).lines.join()).toContain('Usage: /history [n]');
  });

  it('/versions lists the edit history, the current content last', async () => {
    const { session, state } = setup(
      ok({
        get_message_versions: () => ({
          versions: [
            { version: 1, content: 'frist', created_at: '2025-01-21T12:00:05Z' },
            { version: 2, content: 'first', created_at: '2025-01-21T12:01:00Z' },
          ],
        }),
      }),
    );
    const res = await state.run('/versions 1');
    expect(res.lines).toEqual([
      'Versions of [1]:',
      expect.stringMatching(/^ {2}v1 \d\d:\d\d frist$/),
      expect.stringMatching(/^ {2}v2 \d\d:\d\d first \(current\)$/),
    ]);
    expect(session.sentOf('get_message_versions')).toMatchObject([{ message_id: id(1) }]);
  });

  it('server failures surface as LairRequestError with the response code', async () => {
    const { state } = setup(
      ok({ edit_message: () => ({ error: { code: 'edit_limit_reached', message: 'Edit limit reached' } }) }),
    );
    await expect(state.run('/edit 1 again')).rejects.toMatchObject({
      name: 'LairRequestError',
      code: 'edit_limit_reached',
    });
  });

  it('/help lists the lifecycle commands', async () => {
    const { state } = setup(() => undefined);
    const help = (await state.run('/help')).lines.join('\n');
    for (const usage of [
      '/edit <n> <text>',
      '/delete <n>',
      '/react <n> <emoji>',
      '/reply <n> <text>',
      '/thread <n>',
      '/more',
      '/versions <n>',
      '/pin <n>',
      '/pins',
      '/mentions',
    ])
      expect(help).toContain(usage);
    expect(help).toContain('/upload <path>');
    expect(help).toContain('/download <n>');
  });

  it('/pin sends pin_message for [n]; /pins and /mentions list what the server returns', async () => {
    const pinned = mine(1, { pinned: true, pinned_by: ALICE_ID, pinned_at: '2025-01-21T12:04:00Z' });
    const { session, state } = setup(
      ok({
        pin_message: () => ({ message: pinned }),
        list_pins: () => ({ messages: [pinned] }),
        list_mentions: () => ({ messages: [mine(2, { content: 'hi @alice' })], next_cursor: null }),
      }),
    );
    expect((await state.run('/pin 1')).lines).toEqual(['* pinned [1]']);
    expect(session.sentOf('pin_message')).toMatchObject([{ message_id: id(1) }]);
    const pins = (await state.run('/pins')).lines;
    expect(pins[0]).toBe('Pinned:');
    expect(pins[1]).toMatch(/\[1\].*m1/);
    expect(session.sentOf('list_pins')).toMatchObject([{ target }]);
    const mentions = (await state.run('/mentions')).lines;
    expect(mentions[1]).toMatch(/\[2\].*hi @alice/);
    expect((await state.run('/pin')).lines[0]).toContain('Usage: /pin <n>');
  });
});
