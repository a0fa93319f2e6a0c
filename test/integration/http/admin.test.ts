// Integration: GET /api/v1/admin/stats for stored-role admins only (docs/protocol/http.md §12).
import {
  createRoom,
  expectError,
  expectNoServerErrors,
  makeAdmin,
  registerUser,
  startTestApi,
  type TestApi,
} from '../../support/http.js';

describe('admin routes', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  it('403 permission_denied for a regular user', async () => {
    const u = await registerUser(api);
    const res = await api.request('GET', '/api/v1/admin/stats', { token: u.token });
    expectError(res, 403, 'permission_denied');
    expect(res.json.error.message).toBe('Permission denied');
  });

  it('200 stats for a user whose stored role is admin (the JWT role claim is ignored)', async () => {
    const admin = await registerUser(api, 'admin');
    await registerUser(api);
    await createRoom(api, admin);
    await makeAdmin(api.table.doc, api.table.tableName, admin.id);
    const res = await api.request('GET', '/api/v1/admin/stats', { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ stats: { total_users: 3, total_rooms: 1, online_users: 0 } });
  });

  it('401 without a token and session_not_found after logout', async () => {
    expectError(await api.request('GET', '/api/v1/admin/stats'), 401, 'missing_token');
    const admin = await registerUser(api, 'admin');
    await makeAdmin(api.table.doc, api.table.tableName, admin.id);
    await api.request('POST', '/api/v1/auth/logout', { token: admin.token });
    expectError(
      await api.request('GET', '/api/v1/admin/stats', { token: admin.token }),
      401,
      'session_not_found',
    );
  });
});
