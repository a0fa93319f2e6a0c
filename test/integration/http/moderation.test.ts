// Integration: docs/protocol/extensions.md §9 over HTTP: roles and last_admin, bans, audit (filters, cursor, JSONL), notices, admin users/rooms, stats.
import { PERMISSIONS } from '../../../shared/kernel/permissions.js';
import {
  createRoom,
  expectError,
  expectNoServerErrors,
  makeAdmin,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('moderation routes (extensions.md §9)', () => {
  let api: TestApi;
  let admin: TestUser;
  let moderator: TestUser;
  beforeAll(async () => {
    api = await startTestApi();
    admin = await registerUser(api, 'adm');
    await makeAdmin(api.table.doc, api.table.tableName, admin.id);
    moderator = await registerUser(api, 'mod');
    const res = await api.request('PUT', `/api/v1/admin/users/${moderator.id}/role`, {
      token: admin.token,
      body: { role: 'moderator' },
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  const audit = async (query: string) =>
    (await api.request('GET', `/api/v1/admin/audit?${query}`, { token: admin.token })).json.entries as {
      action: string;
      target_id: string;
      actor_id: string | null;
      ip: string | null;
      request_id: string | null;
    }[];

  describe('roles', () => {
    it('the role route changes the stored role and audits role.grant / role.revoke', async () => {
      const u = await registerUser(api);
      const up = await api.request('PUT', `/api/v1/admin/users/${u.id}/role`, {
        token: admin.token,
        body: { role: 'moderator' },
      });
      expect(up.status).toBe(200);
      expect(up.json.user).toMatchObject({ id: u.id, role: 'moderator' });
      const down = await api.request('PUT', `/api/v1/admin/users/${u.id}/role`, {
        token: admin.token,
        body: { role: 'guest' },
      });
      expect(down.json.user.role).toBe('guest');
      const entries = await audit(`target_id=${u.id}`);
      expect(entries.map((e) => e.action)).toEqual(['role.revoke', 'role.grant']);
      expect(entries[0]).toMatchObject({ actor_id: admin.id, ip: api.ip });
      expect(typeof entries[0]!.request_id).toBe('string');
    });

    it('the last admin cannot be demoted (last_admin 409); with two admins one can', async () => {
      const res = await api.request('PUT', `/api/v1/admin/users/${admin.id}/role`, {
        token: admin.token,
        body: { role: 'user' },
      });
      expectError(res, 409, 'last_admin');
      const second = await registerUser(api, 'adm2');
      await api.request('PUT', `/api/v1/admin/users/${second.id}/role`, {
        token: admin.token,
        body: { role: 'admin' },
      });
      const ok = await api.request('PUT', `/api/v1/admin/users/${second.id}/role`, {
        token: second.token,
        body: { role: 'user' },
      });
      expect(ok.status).toBe(200);
      expectError(
        await api.request('PUT', `/api/v1/admin/users/${admin.id}/role`, {
          token: admin.token,
          body: { role: 'user' },
        }),
        409,
        'last_admin',
      );
    });

    it('an unknown role is validation_failed; a moderator may not change roles', async () => {
      const u = await registerUser(api);
      expectError(
        await api.request('PUT', `/api/v1/admin/users/${u.id}/role`, {
          token: admin.token,
          body: { role: 'root' },
        }),
        400,
        'validation_failed',
      );
      expectError(
        await api.request('PUT', `/api/v1/admin/users/${u.id}/role`, {
          token: moderator.token,
          body: { role: 'admin' },
        }),
        403,
        'permission_denied',
      );
    });
  });

  describe('bans', () => {
    it('ban: sessions revoked, token/login/register-as-same-email answer account_banned; unban restores login', async () => {
      const u = await registerUser(api, 'ban');
      const res = await api.request('POST', `/api/v1/admin/users/${u.id}/ban`, {
        token: moderator.token,
        body: { reason: 'spam', duration_minutes: 60 },
      });
      expect(res.status).toBe(200);
      expect(res.json.ban).toMatchObject({ user_id: u.id, reason: 'spam', banned_by: moderator.id });
      expect(Date.parse(res.json.ban.expires_at) - Date.parse(res.json.ban.created_at)).toBe(3_600_000);
      expect(api.events.some((e) => e.payload.type === 'account_banned')).toBe(true);

      expectError(await api.request('GET', '/api/v1/users/me', { token: u.token }), 403, 'account_banned');
      const login = await api.request('POST', '/api/v1/auth/login', {
        body: { identifier: u.username, password: u.password },
      });
      expectError(login, 403, 'account_banned');
      const again = await api.request('POST', '/api/v1/auth/register', {
        body: { username: `${u.username}x`, email: u.email, password: u.password },
      });
      expectError(again, 403, 'account_banned');
      const wrongPassword = await api.request('POST', '/api/v1/auth/login', {
        body: { identifier: u.username, password: 'not the password at all' },
      });
      expectError(wrongPassword, 401, 'invalid_credentials'); // no ban oracle without the password

      const bans = await api.request('GET', '/api/v1/admin/bans', { token: moderator.token });
      expect(bans.json.bans.map((b: { user_id: string }) => b.user_id)).toContain(u.id);

      const unban = await api.request('DELETE', `/api/v1/admin/users/${u.id}/ban`, {
        token: moderator.token,
      });
      expect(unban.status).toBe(200);
      const back = await api.request('POST', '/api/v1/auth/login', {
        body: { identifier: u.username, password: u.password },
      });
      expect(back.status).toBe(200);
      expect((await audit(`target_id=${u.id}`)).map((e) => e.action)).toEqual(['user.unban', 'user.ban']);
    });

    it('a moderator banning an admin (or another moderator) is permission_denied; bad duration is validation_failed', async () => {
      expectError(
        await api.request('POST', `/api/v1/admin/users/${admin.id}/ban`, {
          token: moderator.token,
          body: { reason: 'x' },
        }),
        403,
        'permission_denied',
      );
      const other = await registerUser(api);
      await api.request('PUT', `/api/v1/admin/users/${other.id}/role`, {
        token: admin.token,
        body: { role: 'moderator' },
      });
      expectError(
        await api.request('POST', `/api/v1/admin/users/${other.id}/ban`, {
          token: moderator.token,
          body: {},
        }),
        403,
        'permission_denied',
      );
      const u = await registerUser(api);
      expectError(
        await api.request('POST', `/api/v1/admin/users/${u.id}/ban`, {
          token: moderator.token,
          body: { duration_minutes: 0 },
        }),
        400,
        'validation_failed',
      );
      expectError(
        await api.request('DELETE', `/api/v1/admin/users/${u.id}/ban`, { token: moderator.token }),
        404,
        'user_not_found',
      );
    });
  });

  describe('audit log', () => {
    it('filters by actor (id or username) and action, pages with a cursor, exports JSONL', async () => {
      const targets = await Promise.all([1, 2, 3].map(() => registerUser(api, 'aud')));
      for (const t of targets)
        await api.request('PUT', `/api/v1/admin/users/${t.id}/role`, {
          token: admin.token,
          body: { role: 'guest' },
        });
      const byName = await audit(`actor=${admin.username.toUpperCase()}&action=role.revoke&limit=2`);
      expect(byName).toHaveLength(2);
      const first = await api.request(
        'GET',
        `/api/v1/admin/audit?actor=${admin.id}&action=role.revoke&limit=2`,
        {
          token: admin.token,
        },
      );
      expect(first.json.next_cursor).toEqual(expect.any(String));
      const second = await api.request(
        'GET',
        `/api/v1/admin/audit?actor=${admin.id}&action=role.revoke&limit=2&cursor=${first.json.next_cursor}`,
        { token: admin.token },
      );
      const seen = [...first.json.entries, ...second.json.entries].map(
        (e: { target_id: string }) => e.target_id,
      );
      for (const t of targets) expect(seen).toContain(t.id);
      const exported = await api.request('GET', `/api/v1/admin/audit/export?action=role.revoke`, {
        token: moderator.token,
      });
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-type')).toContain('application/x-ndjson');
      const lines = exported.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { action: string });
      expect(lines.length).toBeGreaterThanOrEqual(3);
      expect(lines.every((l) => l.action === 'role.revoke')).toBe(true);
    });

    it('time bounds; a bad date, limit or cursor is validation_failed; a user gets 403', async () => {
      const future = await audit('after=2999-01-01T00:00:00Z');
      expect(future).toEqual([]);
      expect((await audit('before=2999-01-01T00:00:00Z')).length).toBeGreaterThan(0);
      for (const q of ['before=yesterday', 'after=2026-13-45', 'limit=0', 'limit=101', 'cursor=zzz'])
        expectError(
          await api.request('GET', `/api/v1/admin/audit?${q}`, { token: moderator.token }),
          400,
          'validation_failed',
        );
      const u = await registerUser(api);
      expectError(
        await api.request('GET', '/api/v1/admin/audit', { token: u.token }),
        403,
        'permission_denied',
      );
      expectError(await api.request('GET', '/api/v1/admin/audit'), 401, 'missing_token');
    });
  });

  describe('server notices', () => {
    it('create pushes server_notice to everyone, lists as active, delete removes it (both audited)', async () => {
      const u = await registerUser(api);
      const res = await api.request('POST', '/api/v1/admin/notices', {
        token: admin.token,
        body: { message: 'Maintenance at 23:00', severity: 'warning' },
      });
      expect(res.status).toBe(201);
      const id = res.json.notice.id as string;
      expect(api.events.at(-1)).toMatchObject({
        audience: { kind: 'all' },
        payload: { type: 'server_notice', message: 'Maintenance at 23:00', severity: 'warning' },
      });
      const listed = await api.request('GET', '/api/v1/notices', { token: u.token });
      expect(listed.json.notices.map((n: { id: string }) => n.id)).toContain(id);
      const del = await api.request('DELETE', `/api/v1/admin/notices/${id}`, { token: admin.token });
      expect(del.status).toBe(200);
      const after = await api.request('GET', '/api/v1/notices', { token: u.token });
      expect(after.json.notices.map((n: { id: string }) => n.id)).not.toContain(id);
      expect((await audit(`target_id=${id}`)).map((e) => e.action)).toEqual([
        'notice.delete',
        'notice.create',
      ]);
    });

    it('a room notice reaches only the room (and lists only for its members)', async () => {
      const owner = await registerUser(api);
      const outsider = await registerUser(api);
      const roomId = await createRoom(api, owner);
      const res = await api.request('POST', '/api/v1/admin/notices', {
        token: admin.token,
        body: { message: 'room only', room_id: roomId },
      });
      expect(api.events.at(-1)?.audience).toEqual({ kind: 'room', roomId });
      const id = res.json.notice.id as string;
      const mine = await api.request('GET', '/api/v1/notices', { token: owner.token });
      expect(mine.json.notices.map((n: { id: string }) => n.id)).toContain(id);
      const theirs = await api.request('GET', '/api/v1/notices', { token: outsider.token });
      expect(theirs.json.notices.map((n: { id: string }) => n.id)).not.toContain(id);
    });

    it('10 KB, empty, a bad severity or a past expiry is validation_failed; a moderator gets 403', async () => {
      for (const body of [
        { message: 'x'.repeat(10 * 1024) },
        { message: '   ' },
        { message: 'ok', severity: 'loud' },
        { message: 'ok', expires_at: '2000-01-01T00:00:00Z' },
      ])
        expectError(
          await api.request('POST', '/api/v1/admin/notices', { token: admin.token, body }),
          400,
          'validation_failed',
        );
      expectError(
        await api.request('POST', '/api/v1/admin/notices', {
          token: moderator.token,
          body: { message: 'hi' },
        }),
        403,
        'permission_denied',
      );
      expectError(
        await api.request('DELETE', '/api/v1/admin/notices/nope', { token: admin.token }),
        404,
        'not_found',
      );
    });
  });

  describe('admin users and rooms', () => {
    it('lists users with q / role / banned filters and pages', async () => {
      const u = await registerUser(api, 'findme');
      const res = await api.request('GET', `/api/v1/admin/users?q=${u.username.slice(0, 10)}`, {
        token: moderator.token,
      });
      expect(res.json.users.map((r: { id: string }) => r.id)).toEqual([u.id]);
      expect(res.json.users[0]).toMatchObject({ ban: null, role: 'user' });
      const mods = await api.request('GET', '/api/v1/admin/users?role=moderator', { token: moderator.token });
      expect(mods.json.users.every((r: { role: string }) => r.role === 'moderator')).toBe(true);
      await api.request('POST', `/api/v1/admin/users/${u.id}/ban`, {
        token: moderator.token,
        body: { reason: 'r' },
      });
      const banned = await api.request('GET', '/api/v1/admin/users?banned=true', { token: moderator.token });
      expect(banned.json.users.map((r: { id: string }) => r.id)).toContain(u.id);
      const page = await api.request('GET', '/api/v1/admin/users?limit=1', { token: moderator.token });
      expect(page.json.users).toHaveLength(1);
      expect(page.json.next_cursor).toEqual(expect.any(String));
      expectError(
        await api.request('GET', '/api/v1/admin/users?role=king', { token: moderator.token }),
        400,
        'validation_failed',
      );
    });

    it('deletes a user (audited; login then fails) and refuses the last admin or oneself', async () => {
      const u = await registerUser(api, 'gone');
      const roomId = await createRoom(api, admin);
      await api.request('POST', `/api/v1/rooms/${roomId}/join`, { token: u.token });
      const res = await api.request('DELETE', `/api/v1/admin/users/${u.id}`, { token: admin.token });
      expect(res.status).toBe(200);
      expectError(
        await api.request('POST', '/api/v1/auth/login', {
          body: { identifier: u.username, password: u.password },
        }),
        401,
        'invalid_credentials',
      );
      expect((await audit(`target_id=${u.id}`))[0]?.action).toBe('user.delete');
      expectError(
        await api.request('DELETE', `/api/v1/admin/users/${admin.id}`, { token: admin.token }),
        403,
        'permission_denied',
      );
      expectError(
        await api.request('DELETE', `/api/v1/admin/users/${moderator.id}`, { token: moderator.token }),
        403,
        'permission_denied',
      );
    });

    it('lists private rooms too, shows one with members, deletes it (room_deleted, audited)', async () => {
      const owner = await registerUser(api);
      const roomId = await createRoom(api, owner, { settings: { public: false } });
      const list = await api.request('GET', '/api/v1/admin/rooms?limit=100', { token: moderator.token });
      expect(list.json.rooms.map((r: { id: string }) => r.id)).toContain(roomId);
      const one = await api.request('GET', `/api/v1/admin/rooms/${roomId}`, { token: moderator.token });
      expect(one.json.members).toEqual([{ user_id: owner.id, role: 'owner' }]);
      expectError(
        await api.request('DELETE', `/api/v1/admin/rooms/${roomId}`, { token: moderator.token }),
        403,
        'permission_denied',
      );
      expect(
        (await api.request('DELETE', `/api/v1/admin/rooms/${roomId}`, { token: admin.token })).status,
      ).toBe(200);
      expect(api.events.at(-1)?.payload).toMatchObject({ type: 'room_deleted', room_id: roomId });
      expect((await audit(`target_id=${roomId}`))[0]?.action).toBe('room.delete');
    });
  });

  describe('stats', () => {
    it('live aggregates relay reports; usage per day validates dates', async () => {
      const { services } = api.deps;
      await services.stats.report({
        relay_id: 'relay-x',
        connections: 3,
        messages_per_s: 1.5,
        errors_per_s: 0.1,
        rss_bytes: 1,
        cpu_percent: 2,
        at: new Date().toISOString(),
      });
      await services.stats.report({
        relay_id: 'relay-y',
        connections: 4,
        messages_per_s: 0.5,
        errors_per_s: 0,
        rss_bytes: 1,
        cpu_percent: 2,
        at: new Date().toISOString(),
      });
      const live = await api.request('GET', '/api/v1/admin/stats/live', { token: admin.token });
      expect(live.json.totals).toEqual({ relays: 2, connections: 7, messages_per_s: 2, errors_per_s: 0.1 });
      const usage = await api.request('GET', '/api/v1/admin/stats/usage?from=2026-01-01&to=2026-01-03', {
        token: admin.token,
      });
      expect(usage.json.days.map((d: { day: string }) => d.day)).toEqual([
        '2026-01-01',
        '2026-01-02',
        '2026-01-03',
      ]);
      expectError(
        await api.request('GET', '/api/v1/admin/stats/usage?from=2026-02-30x', { token: admin.token }),
        400,
        'validation_failed',
      );
      expectError(
        await api.request('GET', '/api/v1/admin/stats/live', { token: moderator.token }),
        403,
        'permission_denied',
      );
    });
  });

  it('the hard delete of extensions.md §1.3 is moderator+ through the table and audited', () => {
    expect(PERMISSIONS['message.hard_delete'].min).toBe('moderator');
  });
});
