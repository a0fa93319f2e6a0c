// Terminal client rendering and command parsing: pure functions, no terminal needed.
import { formatEvent, formatMessage } from '../../../client/tui/render.js';
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
});
