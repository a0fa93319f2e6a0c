// List filters that used to be accepted and ignored (issue 17 finding 5): `search` on users and rooms, `public_only`, and their TCP twins.
import { registerUser, startTestApi, type TestApi, type TestUser } from '../../support/http.js';

/** Registers `username` exactly (fresh table per file, so names are free). */
async function registerNamed(api: TestApi, username: string): Promise<TestUser> {
  const password = 'correct horse battery';
  const res = await api.request('POST', '/api/v1/auth/register', {
    body: { username, email: `${username}@example.com`, password },
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return {
    id: res.json.user.id,
    username,
    email: `${username}@example.com`,
    password,
    token: res.json.token,
    sessionId: res.json.session.id,
  };
}

describe('list search filters', () => {
  let api: TestApi;
  let alice: TestUser;
  beforeAll(async () => {
    api = await startTestApi();
    alice = await registerNamed(api, 'alice');
    for (const name of ['Bob', 'bobby', 'robot', 'carol']) await registerNamed(api, name);
    for (const name of ['General', 'gen-z', 'Random', 'Engineering'])
      await api.request('POST', '/api/v1/rooms', { token: alice.token, body: { name } });
    await api.request('POST', '/api/v1/rooms', {
      token: alice.token,
      body: { name: 'secret-gen', settings: { public: false } },
    });
  });
  afterAll(async () => {
    await api.close();
  });

  const usernames = async (query: string): Promise<string[]> => {
    const res = await api.request('GET', `/api/v1/users${query}`, { token: alice.token });
    expect(res.status).toBe(200);
    return res.json.users.map((u: { user: { username: string } }) => u.user.username);
  };
  const roomNames = async (query: string, token = alice.token): Promise<string[]> => {
    const res = await api.request('GET', `/api/v1/rooms${query}`, { token });
    expect(res.status).toBe(200);
    return res.json.rooms.map((r: { room: { name: string } }) => r.room.name);
  };

  it('GET /users?search= matches a case-insensitive substring of the username, in name order', async () => {
    expect(await usernames('?search=bo')).toEqual(['Bob', 'bobby', 'robot']);
    expect(await usernames('?search=BOB')).toEqual(['Bob', 'bobby']);
    expect(await usernames('?search=zzz')).toEqual([]);
    expect(await usernames('?search=')).toHaveLength(5);
    expect(await usernames('?search=bo&limit=1&offset=1')).toEqual(['bobby']);
  });

  it('GET /users?online_only=true lists only users with a live connection (none over HTTP only)', async () => {
    expect(await usernames('?online_only=true')).toEqual([]);
    expect(await usernames('?online_only=false')).toHaveLength(5);
  });

  it('GET /rooms?search= filters public rooms by name substring; private rooms never appear', async () => {
    expect(await roomNames('?search=gen')).toEqual(['gen-z', 'General']);
    expect(await roomNames('?search=ENGIN')).toEqual(['Engineering']);
    const other = await registerUser(api);
    expect(await roomNames('?search=secret', other.token)).toEqual([]);
  });

  it('joined_only with public_only and search filters the caller’s rooms', async () => {
    expect(await roomNames('?joined_only=true&search=gen')).toEqual(['gen-z', 'General', 'secret-gen']);
    expect(await roomNames('?joined_only=true&public_only=true&search=gen')).toEqual(['gen-z', 'General']);
  });
});
