// Terminal client: /ban /unban /kick /notice /audit build the moderation commands of docs/protocol/extensions.md §9 and print their outcome.
import { moderationCommands, parseAuditFilters } from '../../../client/tui/moderation-commands.js';
import { HELP } from '../../../client/tui/render.js';
import { FakeSession } from './fake-session.js';

describe('terminal moderation commands', () => {
  const session = new FakeSession((m) => {
    if (m.type === 'ban_user')
      return { ban: { user_id: 'u', expires_at: m.duration_minutes ? '2026-12-07T00:00:00Z' : null } };
    if (m.type === 'get_audit_log')
      return {
        entries: [
          {
            at: '2026-12-06T22:00:00Z',
            actor_username: 'root',
            action: 'user.ban',
            target_id: 't1',
            details: {},
          },
        ],
        next_cursor: null,
      };
    if (m.type === 'unban_user')
      return { error: { code: 'permission_denied', message: 'Permission denied' } };
    return {};
  });
  const cmds = moderationCommands({ session, currentRoomId: 'room-1' });

  it('/ban <user> [minutes] [reason] sends ban_user', async () => {
    const out = await cmds.ban!('mallory 30 spamming links');
    expect(session.sentOf('ban_user').at(-1)).toMatchObject({
      user: 'mallory',
      duration_minutes: 30,
      reason: 'spamming links',
    });
    expect(out.lines.join()).toContain('until 2026-12-07');
    await cmds.ban!('eve rude');
    expect(session.sentOf('ban_user').at(-1)).toMatchObject({ user: 'eve', reason: 'rude' });
    expect(session.sentOf('ban_user').at(-1)).not.toHaveProperty('duration_minutes');
  });

  it('a refusal prints the code; /kick uses the current room; /audit parses filters', async () => {
    expect((await cmds.unban!('mallory')).lines.join()).toContain('permission_denied');
    await cmds.kick!('bob');
    expect(session.sentOf('kick_member').at(-1)).toMatchObject({ room_id: 'room-1', user: 'bob' });
    const audit = await cmds.audit!('action=user.ban target=t1');
    expect(session.sentOf('get_audit_log').at(-1)).toMatchObject({
      filters: { action: 'user.ban', target_id: 't1' },
    });
    expect(audit.lines.join()).toContain('user.ban');
    expect(parseAuditFilters('actor=root after=2026-01-01T00:00:00Z junk')).toEqual({
      actor: 'root',
      after: '2026-01-01T00:00:00Z',
    });
  });

  it('every command is in /help', () => {
    for (const c of ['/ban', '/unban', '/kick', '/notice', '/audit']) expect(HELP.join('\n')).toContain(c);
  });
});
