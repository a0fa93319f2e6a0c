// Terminal client: /mute /unmute /room-ban /room-unban /room-bans /slowmode build the room-moderation commands of docs/protocol/extensions.md §9.
import { parseSanction, roomModerationCommands } from '../../../client/tui/room-moderation-commands.js';
import { HELP } from '../../../client/tui/render.js';
import { FakeSession } from './fake-session.js';

describe('terminal room moderation commands', () => {
  const session = new FakeSession((m) => {
    if (m.type === 'mute_member')
      return { mute: { expires_at: m.duration_minutes ? '2026-12-07T01:00:00Z' : null } };
    if (m.type === 'ban_from_room') return { ban: { expires_at: null } };
    if (m.type === 'list_room_bans')
      return { bans: [{ user_id: 'abcdef0123', reason: 'spam', expires_at: null }] };
    if (m.type === 'set_slow_mode' && m.seconds === 3601)
      return {
        error: {
          code: 'validation_failed',
          message: 'Validation failed: slow_mode_seconds - must be 0-3600',
        },
      };
    return {};
  });
  const cmds = roomModerationCommands({ session, currentRoomId: 'room-1' });

  it('parses <user> [minutes] [reason]', () => {
    expect(parseSanction('bob 10 too loud')).toEqual({ user: 'bob', minutes: 10, reason: 'too loud' });
    expect(parseSanction('bob rude')).toEqual({ user: 'bob', reason: 'rude' });
    expect(parseSanction('  ')).toBeNull();
  });

  it('/mute and /unmute send mute_member / unmute_member for the current room', async () => {
    const out = await cmds.mute!('bob 10');
    expect(session.sentOf('mute_member').at(-1)).toMatchObject({
      room_id: 'room-1',
      user: 'bob',
      duration_minutes: 10,
    });
    expect(out.lines.join()).toContain('until 2026-12-07');
    await cmds.unmute!('bob');
    expect(session.sentOf('unmute_member').at(-1)).toMatchObject({ room_id: 'room-1', user: 'bob' });
  });

  it('/room-ban, /room-unban, /room-bans', async () => {
    await cmds['room-ban']!('eve spam');
    expect(session.sentOf('ban_from_room').at(-1)).toMatchObject({
      room_id: 'room-1',
      user: 'eve',
      reason: 'spam',
    });
    await cmds['room-unban']!('eve');
    expect(session.sentOf('unban_from_room').at(-1)).toMatchObject({ user: 'eve' });
    expect((await cmds['room-bans']!('')).lines.join()).toContain('abcdef01');
  });

  it('/slowmode <seconds>: usage for a non-number, the server error in red', async () => {
    expect((await cmds.slowmode!('fast')).lines.join()).toContain('Usage');
    await cmds.slowmode!('30');
    expect(session.sentOf('set_slow_mode').at(-1)).toMatchObject({ room_id: 'room-1', seconds: 30 });
    expect((await cmds.slowmode!('3601')).lines.join()).toContain('validation_failed');
  });

  it('every command is in /help', () => {
    for (const c of ['/mute', '/unmute', '/room-ban', '/room-unban', '/room-bans', '/slowmode'])
      expect(HELP.join('\n')).toContain(c);
  });
});
