// Integration: /api/v1/users routes — me, update me, list, get (docs/protocol/http.md §6).
import { randomUUID } from 'node:crypto';
import {
  expectError,
  expectNoServerErrors,
  registerUser,
  startTestApi,
  uniqueName,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('user routes', () => {
  let api: TestApi;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    api = await startTestApi();
    alice = await registerUser(api, 'a');
    bob = await registerUser(api, 'b');
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  describe('GET /api/v1/users/me', () => {
    it('returns the caller fresh from storage', async () => {
      const res = await api.request('GET', '/api/v1/users/me', { token: alice.token });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        user: expect.objectContaining({
          id: alice.id,
          username: alice.username,
          email: alice.email,
          role: 'user',
          last_seen_at: null,
        }),
        // docs/protocol/extensions.md §2
        unread_counts: { total: 0, by_room: {}, by_dm: {}, by_conversation: {} },
      });
      expect(Object.keys(res.json.user).sort()).toEqual([
        'avatar_url', // docs/protocol/extensions.md §7.1 (additive)
        'created_at',
        'display_name',
        'email',
        'id',
        'last_seen_at',
        'locale',
        'role',
        'status_message',
        'timezone',
        'updated_at',
        'username',
      ]);
    });
  });

  describe('PATCH /api/v1/users/me', () => {
    it('changes the email (lowercased); {} and null are no-ops; own address is fine', async () => {
      const u = await registerUser(api);
      const email = `${uniqueName('New')}@Example.org`;
      const res = await api.request('PATCH', '/api/v1/users/me', { token: u.token, body: { email } });
      expect(res.status).toBe(200);
      expect(res.json.user.email).toBe(email.toLowerCase());
      for (const body of [{}, { email: null }, { email: email.toLowerCase() }]) {
        const again = await api.request('PATCH', '/api/v1/users/me', { token: u.token, body });
        expect(again.status).toBe(200);
        expect(again.json.user.email).toBe(email.toLowerCase());
      }
    });

    it('400 email_invalid, 409 email_taken', async () => {
      expectError(
        await api.request('PATCH', '/api/v1/users/me', { token: alice.token, body: { email: 'nope' } }),
        400,
        'email_invalid',
      );
      expectError(
        await api.request('PATCH', '/api/v1/users/me', {
          token: alice.token,
          body: { email: bob.email.toUpperCase() },
        }),
        409,
        'email_taken',
      );
    });
  });

  describe('GET /api/v1/users', () => {
    it('lists by username with online flags; has_more/total_count follow the page', async () => {
      const all = await api.request('GET', '/api/v1/users', { token: alice.token });
      expect(all.status).toBe(200);
      const names = all.json.users.map((e: { user: { username: string } }) => e.user.username);
      expect(names).toEqual(
        [...names].sort((x: string, y: string) => x.toLowerCase().localeCompare(y.toLowerCase())),
      );
      expect(all.json.users[0]).toEqual({
        user: expect.objectContaining({ id: expect.any(String) }),
        online: false,
      });
      expect(all.json.total_count).toBe(all.json.users.length);
      expect(all.json.has_more).toBe(false);

      const page = await api.request('GET', '/api/v1/users?limit=1&offset=1', { token: alice.token });
      expect(page.json.users).toHaveLength(1);
      expect(page.json.users[0].user.username).toBe(names[1]);
      expect(page.json).toMatchObject({ has_more: true, total_count: 1 });
    });

    it('a logged-out token is 401 session_not_found on the list and on one user', async () => {
      const u = await registerUser(api);
      await api.request('POST', '/api/v1/auth/logout', { token: u.token });
      for (const path of ['/api/v1/users', `/api/v1/users/${u.id}`])
        expectError(await api.request('GET', path, { token: u.token }), 401, 'session_not_found');
    });
  });

  describe('GET /api/v1/users/{user_id}', () => {
    it('returns {user, online} including the email', async () => {
      const res = await api.request('GET', `/api/v1/users/${bob.id}`, { token: alice.token });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        user: expect.objectContaining({ id: bob.id, email: bob.email }),
        online: false,
      });
    });

    it('online is false to others (not to the user) when show_online is false (extensions.md §8)', async () => {
      const shy = await registerUser(api, 's');
      await api.deps.services.presence.connected(
        { ...(await api.deps.services.users.get(shy.id)) },
        'relay-t',
        `c-${shy.id}`,
        60,
      );
      const online = async (viewer: TestUser) =>
        (await api.request('GET', `/api/v1/users/${shy.id}`, { token: viewer.token })).json.online;
      expect(await online(alice)).toBe(true);
      const patch = await api.request('PATCH', '/api/v1/users/me/preferences', {
        token: shy.token,
        body: { privacy: { show_online: false } },
      });
      expect(patch.status).toBe(200);
      expect(await online(alice)).toBe(false);
      expect(await online(shy)).toBe(true);
      const listed = await api.request('GET', '/api/v1/users?online_only=true&limit=100', {
        token: alice.token,
      });
      expect((listed.json.users as { user: { id: string } }[]).map((r) => r.user.id)).not.toContain(shy.id);
    });

    it('404 user_not_found for unknown and malformed ids', async () => {
      expectError(
        await api.request('GET', `/api/v1/users/${randomUUID()}`, { token: alice.token }),
        404,
        'user_not_found',
      );
      expectError(
        await api.request('GET', '/api/v1/users/12345', { token: alice.token }),
        404,
        'user_not_found',
      );
    });
  });
});
