// Terminal-client /find-rooms and /find-users (issue 17 finding 5) over a fake session.
import { ChatState } from '../../../client/tui/commands.js';
import { HELP } from '../../../client/tui/render.js';
import { FakeSession } from './fake-session.js';
import { aUser } from './fixtures.js';

describe('search commands', () => {
  it('/find-users sends list_users with filter.search and marks online users', async () => {
    const bob = aUser({ id: 'b0b00000-0000-4000-8000-000000000000', username: 'bob' });
    const robot = aUser({ id: 'b0b00000-0000-4000-8000-000000000001', username: 'robot' });
    const session = new FakeSession((msg) =>
      msg.type === 'list_users' ? { users: [bob, robot], online_user_ids: [bob.id] } : undefined,
    );
    const state = new ChatState(session, aUser());
    const out = await state.run('/find-users bo');
    expect(session.sentOf('list_users')).toMatchObject([{ filter: { search: 'bo' } }]);
    expect(out.lines).toEqual(['Users matching "bo":', '  ● bob', '  ○ robot']);
    expect((await state.run('/find-users')).lines[0]).toContain('Usage: /find-users');
  });

  it('/find-rooms sends list_rooms with filter.search; both commands are in /help', async () => {
    const session = new FakeSession((msg) => (msg.type === 'list_rooms' ? { rooms: [] } : undefined));
    const state = new ChatState(session, aUser());
    expect((await state.run('/find-rooms gen')).lines[0]).toBe('Rooms matching "gen":');
    expect(session.sentOf('list_rooms')).toMatchObject([{ filter: { search: 'gen' } }]);
    expect(HELP.some((l) => l.includes('/find-rooms'))).toBe(true);
    expect(HELP.some((l) => l.includes('/find-users'))).toBe(true);
  });
});
