// Integration: docs/protocol/extensions.md §7.1 profiles and preferences over HTTP — fields on PATCH /users/me (Intl-checked time zones and locales, https avatars), bad input changes nothing, user_updated to contacts only; preferences routes.
import {
  createRoom,
  expectError,
  expectNoServerErrors,
  registerUser,
  startTestApi,
  type TestApi,
} from '../../support/http.js';

describe('profiles and preferences (extensions.md §7.1)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  it('sets, normalises and clears the profile fields; every user object carries them', async () => {
    const u = await registerUser(api);
    const fresh = await api.request('GET', '/api/v1/users/me', { token: u.token });
    expect(fresh.json.user).toMatchObject({
      display_name: null,
      status_message: null,
      avatar_url: null,
      timezone: null,
      locale: null,
    });
    const res = await api.request('PATCH', '/api/v1/users/me', {
      token: u.token,
      body: {
        display_name: ' Ada L. ',
        status_message: 'writing',
        avatar_url: 'https://cdn.example.com/a.png',
        timezone: 'Europe/Berlin',
        locale: 'de-de',
      },
    });
    expect(res.status).toBe(200);
    expect(res.json.user).toMatchObject({
      display_name: 'Ada L.',
      status_message: 'writing',
      avatar_url: 'https://cdn.example.com/a.png',
      timezone: 'Europe/Berlin',
      locale: 'de-DE',
    });
    const cleared = await api.request('PATCH', '/api/v1/users/me', {
      token: u.token,
      body: { status_message: null, timezone: 'UTC' },
    });
    expect(cleared.json.user).toMatchObject({
      display_name: 'Ada L.',
      status_message: null,
      timezone: 'UTC',
    });
    const other = await registerUser(api);
    expect(
      (await api.request('GET', `/api/v1/users/${u.id}`, { token: other.token })).json.user.display_name,
    ).toBe('Ada L.');
  });

  it.each([
    ['display_name', 'x'.repeat(65)],
    ['status_message', 'y'.repeat(141)],
    ['avatar_url', 'javascript:alert(1)'],
    ['avatar_url', 'http://example.com/a.png'],
    ['avatar_url', `https://example.com/${'a'.repeat(500)}`],
    ['timezone', 'Mars/Olympus_Mons'],
    ['locale', 'not a locale!'],
  ])('%s = %s is validation_failed and changes nothing (not even the email)', async (field, value) => {
    const u = await registerUser(api);
    const res = await api.request('PATCH', '/api/v1/users/me', {
      token: u.token,
      body: { email: `new-${u.email}`, [field]: value },
    });
    expectError(res, 400, 'validation_failed');
    expect(res.json.error.message).toContain(field);
    const me = (await api.request('GET', '/api/v1/users/me', { token: u.token })).json.user;
    expect(me.email).toBe(u.email);
    expect(me[field]).toBeNull();
  });

  it('user_updated goes to room co-members, friends and the user, never to strangers', async () => {
    const [u, mate, friend] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
    const roomId = await createRoom(api, u);
    await api.request('POST', `/api/v1/rooms/${roomId}/join`, { token: mate.token });
    await api.request('POST', '/api/v1/friends/requests', { token: u.token, body: { user_id: friend.id } });
    await api.request('POST', '/api/v1/friends/requests', { token: friend.token, body: { user_id: u.id } });
    await api.request('PATCH', '/api/v1/users/me', { token: u.token, body: { display_name: 'Changed' } });
    const ev = api.events.filter((e) => e.payload.type === 'user_updated').at(-1);
    expect(ev?.audience).toEqual({ kind: 'contacts', roomIds: [roomId], userIds: [friend.id, u.id] });
    expect(ev?.payload).toMatchObject({ user: { id: u.id, display_name: 'Changed' } });
  });

  it('GET|PATCH /users/me/preferences: defaults, leaf updates, bad values refused', async () => {
    const u = await registerUser(api);
    const got = await api.request('GET', '/api/v1/users/me/preferences', { token: u.token });
    expect(got.json).toEqual({
      notifications: { dm: true, mentions: true, rooms: 'all' },
      privacy: { dm_from: 'everyone', show_online: true, send_read_receipts: true },
      theme: 'default',
    });
    const up = await api.request('PATCH', '/api/v1/users/me/preferences', {
      token: u.token,
      body: { privacy: { show_online: false }, theme: 'dark' },
    });
    expect(up.json).toMatchObject({ privacy: { dm_from: 'everyone', show_online: false }, theme: 'dark' });
    for (const body of [
      { privacy: { show_online: 'no' } },
      { notifications: { rooms: 'some' } },
      { theme: 'x'.repeat(33) },
      { privacy: 3 },
    ])
      // the receipts feature's route: schema errors are validation_failed 400 or invalid_request 422
      expect([400, 422]).toContain(
        (await api.request('PATCH', '/api/v1/users/me/preferences', { token: u.token, body })).status,
      );
    expect((await api.request('GET', '/api/v1/users/me/preferences', { token: u.token })).json.theme).toBe(
      'dark',
    );
    expectError(await api.request('GET', '/api/v1/users/me/preferences'), 401, 'missing_token');
  });
});
