// Terminal client rendering and command parsing: pure functions, no terminal needed (message lifecycle included).
import { formatEvent, formatMessage, formatReactions, formatReplyCount } from '../../../client/tui/render.js';
import type { RenderContext } from '../../../client/tui/render.js';
import { parseCommand } from '../../../client/tui/commands.js';
import { ALICE_ID, BOB_ID, ROOM_ID, aMessage, aUser } from './fixtures.js';

const ctx = (overrides: Partial<RenderContext> = {}): RenderContext => ({
  myId: BOB_ID,
  currentRoomId: ROOM_ID,
  roomName: (id) => (id === ROOM_ID ? 'general' : 'other'),
  userName: (id) => (id === ALICE_ID ? 'alice' : id === BOB_ID ? 'bob' : '?'),
  ...overrides,
});

describe('parseCommand', () => {
  it('splits name and rest, lowercasing the name', () => {
    expect(parseCommand('/MSG alice hello there ')).toEqual({ name: 'msg', rest: 'alice hello there' });
    expect(parseCommand('/quit')).toEqual({ name: 'quit', rest: '' });
    expect(parseCommand('hello')).toBeNull();
  });
});

describe('formatEvent', () => {
  it('shows a message in the current room without a room prefix', () => {
    const line = formatEvent(
      { type: 'message_received', message: aMessage(), author_username: 'alice' },
      ctx(),
    );
    expect(line).toMatch(/<alice> Hello!$/);
    expect(line).not.toContain('[#');
  });

  it('prefixes messages from other rooms and DMs', () => {
    expect(formatMessage(aMessage(), 'alice', ctx({ currentRoomId: undefined }))).toContain('[#general]');
    expect(formatMessage(aMessage({ target: { type: 'dm', recipient: BOB_ID } }), 'alice', ctx())).toContain(
      '[DM alice]',
    );
  });

  it('shows typing only for others in the current room', () => {
    expect(
      formatEvent(
        { type: 'user_typing', user_id: ALICE_ID, target: { type: 'room', room_id: ROOM_ID } },
        ctx(),
      ),
    ).toContain('alice is typing…');
    expect(
      formatEvent(
        { type: 'user_typing', user_id: BOB_ID, target: { type: 'room', room_id: ROOM_ID } },
        ctx(),
      ),
    ).toBeNull();
  });

  it('renders joins, presence and invitations', () => {
    expect(
      formatEvent(
        {
          type: 'user_joined_room',
          room_id: ROOM_ID,
          user: aUser(),
          membership: { room_id: ROOM_ID, user_id: ALICE_ID, role: 'member', joined_at: 'x' },
        },
        ctx(),
      ),
    ).toContain('alice joined #general');
    expect(formatEvent({ type: 'user_online', user_id: ALICE_ID, username: 'alice' }, ctx())).toContain(
      'alice is online',
    );
    expect(formatEvent({ type: 'user_offline', user_id: BOB_ID, username: 'bob' }, ctx())).toBeNull();
    expect(
      formatEvent({ type: 'user_left_room', room_id: ROOM_ID, user_id: ALICE_ID, reason: 'kicked' }, ctx()),
    ).toContain('(kicked)');
  });

  it('announces a friendship from the event (the mutual /friend command prints nothing itself)', () => {
    const event = {
      type: 'friend_request_accepted',
      request_id: 'r1',
      friendship: { user: aUser(), since: 'x' },
    };
    expect(formatEvent(event as never, ctx())).toContain('you and alice are now friends');
  });

  it('shows an invitation with its message and role', () => {
    const invitation = {
      id: 'e99b6806-0000-4000-8000-000000000001',
      room_id: ROOM_ID,
      room_name: 'aviary',
      inviter_id: ALICE_ID,
      inviter_name: 'alice',
      invitee_id: BOB_ID,
      invitee_name: 'bob',
      status: 'pending' as const,
      message: 'come chat about birds',
      created_at: '2026-12-07T06:00:00Z',
      expires_at: '2026-12-07T07:00:00Z',
      responded_at: null,
      role: 'moderator' as const,
      cancelled_at: null,
      cancelled_by: null,
    };
    const line = formatEvent({ type: 'invitation_received', invitation } as never, ctx());
    expect(line).toContain(
      'alice invited you to #aviary: “come chat about birds” (as moderator) — /accept e99b6806',
    );
    const plain = formatEvent(
      { type: 'invitation_received', invitation: { ...invitation, message: null, role: 'member' } } as never,
      ctx(),
    );
    expect(plain).toContain('alice invited you to #aviary — /accept e99b6806');
  });
});

describe('message lifecycle rendering', () => {
  const ROOT = '00000000-0000-4000-8000-000000000001';
  const REPLY = '00000000-0000-4000-8000-000000000002';
  const numbered = (known: Record<string, ReturnType<typeof aMessage>>, refs: Record<string, number>) =>
    ctx({ messageRef: (id) => refs[id], knownMessage: (id) => known[id] });

  it('prefixes the message number and marks edits', () => {
    const line = formatMessage(aMessage({ id: ROOT, edited: true }), 'alice', numbered({}, { [ROOT]: 12 }));
    expect(line).toMatch(/^\[12\] \d\d:\d\d <alice> Hello! \(edited\)$/);
    expect(formatMessage(aMessage(), 'alice', ctx())).toMatch(/^\d\d:\d\d <alice> Hello!$/);
  });

  it('summarises reactions in order and counts replies', () => {
    const message = aMessage({
      reply_count: 3,
      reactions: [
        { emoji: '👍', count: 2, users: [ALICE_ID, BOB_ID] },
        { emoji: '❤️', count: 1, users: [BOB_ID] },
      ],
    });
    expect(formatMessage(message, 'alice', ctx())).toMatch(/Hello! {2}👍 2 ❤️ 1 {2}↳ 3 replies$/);
    expect(formatReactions([])).toBe('');
    expect(formatReplyCount(1)).toBe('↳ 1 reply');
    expect(formatReplyCount(0)).toBe('');
  });

  it('shows the parent number of a reply, or (earlier) when it was never printed', () => {
    const reply = aMessage({ id: REPLY, reply_to: ROOT, thread_root_id: ROOT, content: 'yes' });
    expect(formatMessage(reply, 'alice', numbered({}, { [ROOT]: 4, [REPLY]: 5 }))).toMatch(
      /^\[5\] .*<alice> ↪ \[4\] yes$/,
    );
    expect(formatMessage(reply, 'alice', ctx())).toMatch(/<alice> ↪ \(earlier\) yes$/);
  });

  it('renders a tombstone as [deleted] without content or reactions, keeping its replies', () => {
    const tomb = aMessage({
      deleted: true,
      content: '',
      reply_count: 2,
      reactions: [{ emoji: '👍', count: 1, users: [] }],
    });
    expect(formatMessage(tomb, 'alice', ctx())).toMatch(/<alice> \[deleted\] {2}↳ 2 replies$/);
  });

  it('reprints a shown message on delete, naming a moderator who is not the author', () => {
    const tomb = aMessage({ id: ROOT, deleted: true, content: '' });
    const event = {
      type: 'message_deleted',
      message_id: ROOT,
      target: { type: 'room', room_id: ROOM_ID },
      deleted_by: BOB_ID,
    } as const;
    expect(formatEvent(event, numbered({ [ROOT]: tomb }, { [ROOT]: 3 }))).toMatch(
      /^\[3\] .*<alice> \[deleted\] \(by bob\)$/,
    );
    expect(formatEvent(event, ctx())).toBe('* bob deleted a message');
  });

  it('prints one short line per reaction or thread event, with the summary when the message is known', () => {
    const target = { type: 'room', room_id: ROOM_ID } as const;
    const known = aMessage({ id: ROOT, reactions: [{ emoji: '👍', count: 2, users: [ALICE_ID, BOB_ID] }] });
    const c = numbered({ [ROOT]: known }, { [ROOT]: 7 });
    const reacted = {
      type: 'reaction_added',
      message_id: ROOT,
      target,
      emoji: '👍',
      user_id: ALICE_ID,
      count: 2,
    } as const;
    expect(formatEvent(reacted, c)).toBe('* alice reacted 👍 on [7]  👍 2');
    expect(formatEvent(reacted, ctx())).toBe('* alice reacted 👍 (2)');
    expect(formatEvent({ ...reacted, type: 'reaction_removed', count: 1 }, c)).toBe(
      '* alice removed 👍 from [7]  👍 2',
    );
    expect(formatEvent({ ...reacted, type: 'reaction_removed', count: 1 }, ctx())).toBe(
      '* alice removed 👍 (1)',
    );
    expect(formatEvent({ ...reacted, user_id: BOB_ID }, c)).toBeNull(); // our own: /react printed it
    const thread = {
      type: 'thread_updated',
      root_id: ROOT,
      target,
      reply_count: 3,
      last_reply_at: null,
    } as const;
    expect(formatEvent(thread, c)).toBe('* [7] ↳ 3 replies');
    expect(formatEvent(thread, ctx())).toBe('* thread 00000000 ↳ 3 replies');
  });

  it('reprints an edited message with its number and (edited)', () => {
    const edited = aMessage({ id: ROOT, content: 'better', edited: true });
    const line = formatEvent(
      { type: 'message_edited', message: edited, previous_content: 'Hello!' },
      numbered({ [ROOT]: edited }, { [ROOT]: 2 }),
    );
    expect(line).toMatch(/^\[2\] .*<alice> better \(edited\)$/);
  });
});
