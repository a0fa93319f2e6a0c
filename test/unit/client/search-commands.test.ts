// Terminal-client /find-rooms and /find-users (issue 17 finding 5) and /search-all (extensions.md §4 admin search) over fakes.
import { ChatState } from '../../../client/tui/commands.js';
import { HELP } from '../../../client/tui/render.js';
import { FakeSession } from './fake-session.js';
import { aMessage, aUser } from './fixtures.js';

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

  it('/search-all asks the admin search over HTTP and numbers the hits; it is in /help', async () => {
    const calls: string[] = [];
    const msg = aMessage({ content: 'the red fox' });
    const account = {
      send: <T>(method: string, path: string): Promise<T> => {
        calls.push(`${method} ${path}`);
        return Promise.resolve({
          results: [{ message: msg, highlights: [[8, 11]] }],
          next_cursor: null,
        } as T);
      },
      ask: () => Promise.resolve(''),
      askSecret: () => Promise.resolve(''),
      print: () => undefined,
    };
    const state = new ChatState(new FakeSession(() => undefined), aUser(), undefined, account);
    const out = await state.run('/search-all fox from:bob');
    expect(calls).toEqual(['GET /api/v1/admin/search/messages?q=fox+from%3Abob&limit=20']);
    expect(out.lines).toHaveLength(2);
    expect(out.lines[1]).toMatch(/^\[1\] .*fox/);
    expect((await state.run('/search-all')).lines[0]).toContain('Usage: /search-all');
    expect(HELP.some((l) => l.includes('/search-all'))).toBe(true);
  });
});
