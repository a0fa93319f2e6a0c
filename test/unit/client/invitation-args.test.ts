// `/invite` argument parsing in the terminal client (client/tui/invitation-commands.ts): users, --role, a multi-word --message, --ttl in hours or days, malformed flags.
import { parseInviteArgs } from '../../../client/tui/invitation-commands.js';

describe('parseInviteArgs', () => {
  it('takes every word up to the next flag as the message, quoted or not', () => {
    expect(parseInviteArgs('bob carol @dave --message come chat about birds --ttl 1h')).toEqual({
      users: ['bob', 'carol', 'dave'],
      message: 'come chat about birds',
      ttlHours: 1,
    });
    expect(parseInviteArgs('bob --message "hi there" --role moderator')).toEqual({
      users: ['bob'],
      message: 'hi there',
      role: 'moderator',
    });
    expect(parseInviteArgs('bob --ttl 2d --message welcome')).toEqual({
      users: ['bob'],
      ttlHours: 48,
      message: 'welcome',
    });
  });

  it('refuses malformed flags', () => {
    expect(parseInviteArgs('bob --message')).toBeNull();
    expect(parseInviteArgs('bob --message --ttl 1h')).toBeNull();
    expect(parseInviteArgs('bob --ttl soon')).toBeNull();
    expect(parseInviteArgs('bob --role owner')).toBeNull();
    expect(parseInviteArgs('bob --colour red')).toBeNull();
  });
});
