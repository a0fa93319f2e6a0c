// x-request-id on every HTTP response (issue 17 finding 8): the client's when safe, else a fresh UUID; one id per request.
import { registerUser, startTestApi, type TestApi } from '../../support/http.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('every response carries a generated x-request-id: 200, 401, 404, 405, 413, preflight', async () => {
    const user = await registerUser(api);
    const responses = [
      await api.request('GET', '/api/v1/users/me', { token: user.token }),
      await api.request('GET', '/api/v1/users/me'),
      await api.request('GET', '/nope'),
      await api.request('DELETE', '/health'),
      await api.request('POST', '/api/v1/rooms', {
        token: user.token,
        rawBody: 'x'.repeat(3 * 1024 * 1024),
        headers: { 'content-type': 'application/json' },
      }),
      await api.request('OPTIONS', '/api/v1/rooms'),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 401, 404, 405, 413, 204]);
    const ids = responses.map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(responses[0]!.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it("echoes a client's safe id and replaces an unsafe one", async () => {
    const mine = await api.request('GET', '/health', { headers: { 'x-request-id': 'client-123.abc' } });
    expect(mine.headers.get('x-request-id')).toBe('client-123.abc');
    const evil = await api.request('GET', '/health', { headers: { 'x-request-id': 'a b\tinjected"}' } });
    expect(evil.headers.get('x-request-id')).toMatch(UUID);
  });
});
