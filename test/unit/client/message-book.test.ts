// Terminal client message references: parsing `<n>` arguments, numbering printed messages, applying lifecycle events.
import {
  MessageBook,
  applyReaction,
  parseRef,
  parseRefAndEmoji,
  parseRefAndText,
} from '../../../client/tui/message-book.js';
import { ALICE_ID, BOB_ID, ROOM_ID, aMessage } from './fixtures.js';

const ID1 = '00000000-0000-4000-8000-000000000001';
const ID2 = '00000000-0000-4000-8000-000000000002';
const target = { type: 'room', room_id: ROOM_ID } as const;

describe('message reference parsing', () => {
  it('parseRef accepts 12 and [12], nothing else', () => {
    expect(parseRef('12')).toBe(12);
    expect(parseRef(' [7] ')).toBe(7);
    expect(parseRef('0')).toBeNull();
    expect(parseRef('-1')).toBeNull();
    expect(parseRef('12a')).toBeNull();
    expect(parseRef('')).toBeNull();
  });

  it('parseRefAndText keeps the whole text after the number', () => {
    expect(parseRefAndText('3 fixed the  typo ')).toEqual({ n: 3, text: 'fixed the  typo' });
    expect(parseRefAndText('[3] multi\nline')).toEqual({ n: 3, text: 'multi\nline' });
    expect(parseRefAndText('3')).toBeNull();
    expect(parseRefAndText('3   ')).toBeNull();
    expect(parseRefAndText('x hello')).toBeNull();
  });

  it('parseRefAndEmoji takes exactly one emoji or shortcode', () => {
    expect(parseRefAndEmoji('4 👍')).toEqual({ n: 4, emoji: '👍' });
    expect(parseRefAndEmoji('4 :tada:')).toEqual({ n: 4, emoji: ':tada:' });
    expect(parseRefAndEmoji('4 ❤️')).toEqual({ n: 4, emoji: '❤️' });
    expect(parseRefAndEmoji('4')).toBeNull();
    expect(parseRefAndEmoji('4 👍 ❤️')).toBeNull();
  });
});

describe('MessageBook', () => {
  it('numbers messages in the order first printed and keeps the number', () => {
    const book = new MessageBook();
    expect(book.remember(aMessage({ id: ID1 }))).toBe(1);
    expect(book.remember(aMessage({ id: ID2 }))).toBe(2);
    expect(book.remember(aMessage({ id: ID1, content: 'again' }))).toBe(1);
    expect(book.idOf(2)).toBe(ID2);
    expect(book.numberOf(ID1)).toBe(1);
    expect(book.byNumber(1)?.content).toBe('again');
    expect(book.byNumber(3)).toBeUndefined();
    expect(book.size).toBe(2);
  });

  it('update() changes known messages only and never goes back in time', () => {
    const book = new MessageBook();
    expect(book.update(aMessage({ id: ID1 }))).toBe(false);
    expect(book.numberOf(ID1)).toBeUndefined();
    book.remember(aMessage({ id: ID1, content: 'new', updated_at: '2025-01-21T12:05:00Z' }));
    book.update(aMessage({ id: ID1, content: 'stale', updated_at: '2025-01-21T12:01:00Z' }));
    expect(book.get(ID1)?.content).toBe('new');
  });

  it('remembers received and edited messages from events', () => {
    const book = new MessageBook();
    book.observe({ type: 'message_received', message: aMessage({ id: ID1 }), author_username: 'alice' });
    book.observe({
      type: 'message_edited',
      message: aMessage({ id: ID1, content: 'v2', edited: true, updated_at: '2025-01-21T12:10:00Z' }),
      previous_content: 'Hello!',
    });
    expect(book.numberOf(ID1)).toBe(1);
    expect(book.get(ID1)).toMatchObject({ content: 'v2', edited: true });
  });

  it('turns a deleted message into a tombstone that later snapshots cannot revive', () => {
    const book = new MessageBook();
    const root = aMessage({ id: ID1, reply_count: 2 });
    const reply = aMessage({
      id: ID2,
      reply_to: ID1,
      thread_root_id: ID1,
      reactions: [{ emoji: '👍', count: 1, users: [BOB_ID] }],
    });
    book.remember(root);
    book.remember(reply);
    book.observe({ type: 'message_deleted', message_id: ID2, target, deleted_by: ALICE_ID });
    expect(book.get(ID2)).toMatchObject({ deleted: true, content: '', reactions: [] });
    expect(book.get(ID1)?.reply_count).toBe(1);
    book.observe({ type: 'message_deleted', message_id: ID2, target, deleted_by: ALICE_ID }); // repeated
    expect(book.get(ID1)?.reply_count).toBe(1);
    book.update(reply);
    expect(book.get(ID2)?.deleted).toBe(true);
  });

  it('follows reaction and thread events for known messages and ignores unknown ones', () => {
    const book = new MessageBook();
    book.remember(aMessage({ id: ID1 }));
    book.observe({ type: 'reaction_added', message_id: ID1, target, emoji: '👍', user_id: BOB_ID, count: 1 });
    book.observe({
      type: 'reaction_added',
      message_id: ID1,
      target,
      emoji: '❤️',
      user_id: ALICE_ID,
      count: 1,
    });
    book.observe({
      type: 'reaction_added',
      message_id: ID1,
      target,
      emoji: '👍',
      user_id: ALICE_ID,
      count: 2,
    });
    expect(book.get(ID1)?.reactions).toEqual([
      { emoji: '👍', count: 2, users: [BOB_ID, ALICE_ID] },
      { emoji: '❤️', count: 1, users: [ALICE_ID] },
    ]);
    book.observe({
      type: 'reaction_removed',
      message_id: ID1,
      target,
      emoji: '❤️',
      user_id: ALICE_ID,
      count: 0,
    });
    expect(book.get(ID1)?.reactions.map((r) => r.emoji)).toEqual(['👍']);
    book.observe({
      type: 'thread_updated',
      root_id: ID1,
      target,
      reply_count: 3,
      last_reply_at: '2025-01-21T13:00:00Z',
    });
    expect(book.get(ID1)).toMatchObject({ reply_count: 3, last_reply_at: '2025-01-21T13:00:00Z' });

    book.observe({ type: 'reaction_added', message_id: ID2, target, emoji: '👍', user_id: BOB_ID, count: 1 });
    expect(book.get(ID2)).toBeUndefined();
    expect(book.numberOf(ID2)).toBeUndefined();
  });
});

describe('applyReaction', () => {
  it('takes the server count and keeps at most 25 reactor ids', () => {
    const users = Array.from({ length: 25 }, (_, i) => `user-${i}`);
    const after = applyReaction([{ emoji: '👍', count: 25, users }], '👍', 'late', 26, true);
    expect(after).toEqual([{ emoji: '👍', count: 26, users }]);
    expect(applyReaction([], '👍', BOB_ID, 0, false)).toEqual([]);
  });
});
