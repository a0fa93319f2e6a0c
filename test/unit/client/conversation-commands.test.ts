// Terminal client: /group (create or switch), /groups, /gadd, /gleave build the lair.social conversation commands of docs/protocol/extensions.md §7.2; plain text then goes to the group; conversation events render.
import { ChatState } from '../../../client/tui/commands.js';
import { formatConversationEvent } from '../../../client/tui/conversation-render.js';
import { HELP } from '../../../client/tui/render.js';
import { FakeSession } from './fake-session.js';

const user = (username: string) => ({
  id: `id-${username}`,
  username,
  email: `${username}@x.y`,
  role: 'user' as const,
  created_at: 't',
  updated_at: 't',
  last_seen_at: null,
  display_name: null,
  status_message: null,
  avatar_url: null,
  timezone: null,
  locale: null,
});
const conv = (title: string | null) => ({
  id: 'c0ffee00-0000-4000-8000-000000000001',
  title,
  participants: ['me', 'alice', 'bob'].map((n) => ({ user_id: `id-${n}`, username: n, joined_at: 't' })),
  created_by: 'id-me',
  created_at: 't',
  last_message_at: null,
});

describe('terminal conversation commands', () => {
  const session = new FakeSession((m) => {
    if (m.type === 'list_users') return { users: [user('me'), user('alice'), user('bob')], has_more: false };
    if (m.type === 'create_conversation')
      return { conversation: conv((m.title as string | undefined) ?? null) };
    if (m.type === 'list_conversations') return { conversations: [conv('Weekend plans')] };
    if (m.type === 'add_participants')
      return { error: { code: 'recipient_unavailable', message: 'Recipient unavailable' } };
    if (m.type === 'leave_conversation') return {};
    if (m.type === 'send_message') return { message: {} };
    return {};
  });
  const state = new ChatState(session, user('me'));

  it('/group <user> <user> [title] creates with the ids and the title, and enters the group', async () => {
    const out = await state.run('/group alice bob Weekend plans');
    expect(session.sentOf('create_conversation').at(-1)).toMatchObject({
      participant_ids: ['id-alice', 'id-bob'],
      title: 'Weekend plans',
    });
    expect(out.lines.join()).toContain('Now in group “Weekend plans” (3 people)');
    expect(state.currentConversationId).toBe(conv(null).id);
    await state.run('hello all');
    expect(session.sentOf('send_message').at(-1)).toMatchObject({
      target: { type: 'conversation', conversation_id: conv(null).id },
      content: 'hello all',
    });
  });

  it('/group with fewer than two others says so and sends nothing', async () => {
    const before = session.sentOf('create_conversation').length;
    expect((await state.run('/group alice')).lines.join()).toContain('No group alice');
    expect((await state.run('/group alice nobody-here')).lines.join()).toContain('at least two other people');
    expect(session.sentOf('create_conversation')).toHaveLength(before);
  });

  it('/groups numbers them, /group <n> switches, /join leaves the group view, /gadd prints a refusal, /gleave leaves', async () => {
    const list = await state.run('/groups');
    expect(list.lines.join('\n')).toContain('1. Weekend plans');
    state.currentRoomId = 'r';
    expect((await state.run('/group 1')).lines.join()).toContain('Now in group');
    expect(state.currentRoomId).toBeUndefined();
    expect((await state.run('/gadd alice')).lines.join()).toContain('recipient_unavailable');
    expect((await state.run('/gleave')).lines.join()).toContain('Left group');
    expect(state.currentConversationId).toBeUndefined();
    expect((await state.run('/gleave')).lines.join()).toContain('Not in a group');
  });

  it('renders conversation events and lists the commands in /help', () => {
    const ctx = { userName: (id: string) => id.replace('id-', ''), myId: 'id-bob' };
    expect(
      formatConversationEvent({ type: 'conversation_created', conversation: conv('Trip') }, ctx),
    ).toContain('me started the group “Trip”');
    expect(
      formatConversationEvent({ type: 'participant_left', conversation_id: 'x', user_id: 'id-alice' }, ctx),
    ).toContain('alice left');
    for (const c of ['/group <user> <user…> [title]', '/groups', '/gadd'])
      expect(HELP.join('\n')).toContain(c);
  });
});
