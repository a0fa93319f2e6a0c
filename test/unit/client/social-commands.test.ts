// Terminal client: /block /unblock /blocks /friend /friends /requests /unfriend build the lair.social commands of docs/protocol/extensions.md §7.3 and print their outcome; friend events render.
import { socialCommands } from '../../../client/tui/social-commands.js';
import { formatSocialEvent } from '../../../client/tui/social-render.js';
import { HELP } from '../../../client/tui/render.js';
import { FakeSession } from './fake-session.js';

const user = (username: string) => ({
  id: `id-${username}`,
  username,
  email: `${username}@x.y`,
  role: 'user',
  created_at: 't',
  updated_at: 't',
  last_seen_at: null,
});

describe('terminal social commands', () => {
  const session = new FakeSession((m) => {
    if (m.type === 'update_profile')
      return { user: { ...user('me'), display_name: m.display_name ?? null, timezone: 'Europe/Berlin' } };
    if (m.type === 'get_user')
      return { user: { ...user('bob'), display_name: 'Bob B.', timezone: 'Asia/Tokyo' } };
    if (m.type === 'get_preferences' || m.type === 'update_preferences')
      return {
        preferences: {
          notifications: { dm: true, mentions: true, rooms: 'all' },
          privacy: { dm_from: 'friends', show_online: true, send_read_receipts: true },
          theme: 'default',
        },
      };
    if (m.type === 'unblock_user') return { error: { code: 'not_found', message: 'Not found' } };
    if (m.type === 'list_blocks') return { blocks: [{ user_id: 'x', username: 'mallory', created_at: 't' }] };
    if (m.type === 'send_friend_request')
      return m.username === 'bob'
        ? { friendship: { user: user('bob'), since: 't' } }
        : { request: { id: 'r1' } };
    if (m.type === 'list_friends') return { friends: [{ user: user('bob'), since: 't', is_online: true }] };
    if (m.type === 'list_friend_requests')
      return {
        requests:
          m.direction === 'incoming'
            ? [{ id: 'r2', from_username: 'carol', to_username: 'me', message: 'hi', created_at: 't' }]
            : [],
      };
    return {};
  });
  const cmds = socialCommands({
    session,
    myId: 'id-me',
    findUser: (n: string) => Promise.resolve(n === 'bob' ? user('bob') : null),
  } as never);

  it('/block and /unblock send the user by name; a refusal prints the code; usage without a user', async () => {
    expect((await cmds.block!('mallory')).lines.join()).toContain('mallory is blocked');
    expect(session.sentOf('block_user').at(-1)).toMatchObject({ username: 'mallory' });
    expect((await cmds.unblock!('mallory')).lines.join()).toContain('not_found');
    expect((await cmds.block!('')).lines.join()).toContain('Usage: /block <user>');
    expect((await cmds.blocks!('')).lines.join()).toContain('mallory');
  });

  it('/friend sends a request (or reports the mutual friendship); /friends and /requests list', async () => {
    expect((await cmds.friend!('dave be my friend')).lines.join()).toContain('friend request sent to dave');
    expect(session.sentOf('send_friend_request').at(-1)).toMatchObject({
      username: 'dave',
      message: 'be my friend',
    });
    // Mutual: the friend_request_accepted event announces it (once), not the command.
    expect((await cmds.friend!('bob')).lines).toEqual([]);
    expect((await cmds.friends!('')).lines.join()).toContain('bob');
    expect((await cmds.requests!('')).lines.join()).toContain('carol');
    await cmds.unfriend!('bob');
    expect(session.sentOf('remove_friend').at(-1)).toMatchObject({ username: 'bob' });
  });

  it('/profile shows (own or by name) and sets one field; /prefs shows and sets one leaf', async () => {
    expect((await cmds.profile!('bob')).lines.join()).toContain('Asia/Tokyo');
    expect(session.sentOf('get_user').at(-1)).toMatchObject({ user_id: 'id-bob' });
    expect((await cmds.profile!('display_name Me Myself')).lines.join()).toContain('Me Myself');
    expect(session.sentOf('update_profile').at(-1)).toMatchObject({ display_name: 'Me Myself' });
    await cmds.profile!('timezone -');
    expect(session.sentOf('update_profile').at(-1)).toMatchObject({ timezone: null });
    expect((await cmds.prefs!('')).lines.join()).toContain('dm_from friends');
    await cmds.prefs!('show_online false');
    expect(session.sentOf('update_preferences').at(-1)).toMatchObject({
      preferences: { privacy: { show_online: false } },
    });
    expect((await cmds.prefs!('nonsense 1')).lines.join()).toContain('Usage');
  });

  it('friend events render one line each, and /help lists every command', () => {
    const names = { userName: (id: string) => id.replace('id-', '') };
    expect(
      formatSocialEvent(
        {
          type: 'friend_request_received',
          request: {
            id: 'r',
            from: 'id-a',
            from_username: 'alice',
            to: 'id-me',
            to_username: 'me',
            status: 'pending',
            message: null,
            created_at: 't',
          },
        },
        names,
      ),
    ).toContain('alice sent you a friend request');
    expect(formatSocialEvent({ type: 'friend_removed', user_id: 'id-bob' }, names)).toContain('bob');
    for (const c of [
      '/block',
      '/unblock',
      '/friend',
      '/friends',
      '/requests',
      '/unfriend',
      '/away',
      '/profile',
      '/prefs',
    ])
      expect(HELP.some((l) => l.trimStart().startsWith(c))).toBe(true);
  });
});
