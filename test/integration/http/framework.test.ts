// Integration: framework errors and check order — content type, JSON syntax, schema, size, path ids, query strings (docs/protocol/http.md §1, §2.2).
import { randomUUID } from 'node:crypto';
import {
  createRoom,
  expectError,
  expectNoServerErrors,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('request parsing and check order', () => {
  let api: TestApi;
  let alice: TestUser;
  let roomId: string;
  beforeAll(async () => {
    api = await startTestApi();
    alice = await registerUser(api, 'alice');
    roomId = await createRoom(api, alice);
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  describe('JSON bodies', () => {
    it('415 without a JSON content type (missing or text/plain)', async () => {
      const body = JSON.stringify({ identifier: 'x', password: 'y' });
      expectError(
        await api.request('POST', '/api/v1/auth/login', { rawBody: body }),
        415,
        'unsupported_media_type',
      );
      expectError(
        await api.request('POST', '/api/v1/auth/login', {
          rawBody: body,
          headers: { 'content-type': 'text/plain' },
        }),
        415,
        'unsupported_media_type',
      );
    });

    it('accepts application/json with parameters and application/*+json', async () => {
      for (const type of [
        'application/json; charset=utf-8',
        'application/vnd.lair+json',
        'Application/JSON',
      ]) {
        const res = await api.request('POST', '/api/v1/auth/login', {
          rawBody: JSON.stringify({ identifier: alice.username, password: alice.password }),
          headers: { 'content-type': type },
        });
        expect({ type, status: res.status }).toEqual({ type, status: 200 });
      }
    });

    it('400 invalid_request for malformed JSON and for an empty body', async () => {
      const headers = { 'content-type': 'application/json' };
      expectError(
        await api.request('POST', '/api/v1/auth/login', { rawBody: '{"identifier":', headers }),
        400,
        'invalid_request',
      );
      expectError(await api.request('POST', '/api/v1/auth/login', { headers }), 400, 'invalid_request');
    });

    it('422 invalid_request naming the field for a mistyped, missing or non-object body', async () => {
      const wrongType = await api.request('POST', '/api/v1/auth/login', {
        body: { identifier: 42, password: 'x' },
      });
      expectError(wrongType, 422, 'invalid_request');
      expect(wrongType.json.error.message).toContain('identifier');
      const missing = await api.request('POST', '/api/v1/auth/login', { body: { identifier: 'x' } });
      expectError(missing, 422, 'invalid_request');
      expect(missing.json.error.message).toContain('password');
      expectError(await api.request('POST', '/api/v1/auth/login', { body: [1, 2] }), 422, 'invalid_request');
      const nested = await api.request('POST', '/api/v1/rooms', {
        token: alice.token,
        body: { name: 'n1', settings: { max_members: -1 } },
      });
      expectError(nested, 422, 'invalid_request');
      expect(nested.json.error.message).toContain('settings.max_members');
    });

    it('ignores unknown fields', async () => {
      const res = await api.request('POST', '/api/v1/auth/login', {
        body: {
          identifier: alice.username,
          password: alice.password,
          remember_me: true,
          extra: { deep: [1] },
        },
      });
      expect(res.status).toBe(200);
    });

    it('413 payload_too_large above 2 MiB', async () => {
      const big = JSON.stringify({ identifier: 'x'.repeat(2 * 1024 * 1024), password: 'y' });
      expectError(
        await api.request('POST', '/api/v1/auth/login', {
          rawBody: big,
          headers: { 'content-type': 'application/json' },
        }),
        413,
        'payload_too_large',
      );
      // The server keeps working afterwards.
      expect((await api.request('GET', '/health')).status).toBe(200);
    });

    it('accepts a body just under 2 MiB (then the domain rule decides)', async () => {
      const content = 'x'.repeat(2 * 1024 * 1024 - 200);
      const res = await api.request('POST', '/api/v1/messages', {
        token: alice.token,
        body: { target: { type: 'room', room_id: roomId }, content },
      });
      expectError(res, 400, 'content_invalid');
    });
  });

  describe('check order: rate limit -> bearer -> path -> body/query -> session', () => {
    it('401 beats a malformed body', async () => {
      expectError(
        await api.request('PATCH', `/api/v1/rooms/${roomId}`, {
          rawBody: '{bad',
          headers: { 'content-type': 'application/json' },
        }),
        401,
        'missing_token',
      );
    });

    it('a malformed path id is the matching 404 and beats body errors', async () => {
      const res = await api.request('PATCH', '/api/v1/rooms/not-a-uuid', {
        token: alice.token,
        rawBody: '{bad',
      });
      expectError(res, 404, 'room_not_found');
      expectError(
        await api.request('PATCH', '/api/v1/messages/123', { token: alice.token, body: {} }),
        404,
        'message_not_found',
      );
      expectError(
        await api.request('GET', '/api/v1/users/nobody', { token: alice.token }),
        404,
        'user_not_found',
      );
      expectError(
        await api.request('POST', '/api/v1/invitations/xyz/accept', { token: alice.token }),
        404,
        'invitation_not_found',
      );
    });

    it('accepts upstream UUID spellings in paths (simple, braced, urn, upper case)', async () => {
      const simple = roomId.replace(/-/g, '').toUpperCase();
      for (const id of [simple, `{${roomId}}`, `urn:uuid:${roomId}`]) {
        const res = await api.request('GET', `/api/v1/rooms/${encodeURIComponent(id)}`, {
          token: alice.token,
        });
        expect({ id, status: res.status, room: res.json?.room?.id }).toEqual({
          id,
          status: 200,
          room: roomId,
        });
      }
    });

    it('body errors come before the session check', async () => {
      const u = await registerUser(api);
      await api.request('POST', '/api/v1/auth/logout', { token: u.token });
      expectError(
        await api.request('POST', '/api/v1/rooms', {
          token: u.token,
          rawBody: '{',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'invalid_request',
      );
      expectError(
        await api.request('POST', '/api/v1/rooms', { token: u.token, body: { name: 'ok' } }),
        401,
        'session_not_found',
      );
    });
  });

  describe('query strings', () => {
    it.each([
      ['/api/v1/users?limit=abc'],
      ['/api/v1/users?limit=-1'],
      ['/api/v1/users?offset=4294967296'],
      ['/api/v1/users?online_only=yes'],
      ['/api/v1/rooms?joined_only=1'],
      ['/api/v1/rooms?limit=1&limit=2'],
      ['/api/v1/messages?target_type=room'],
      [`/api/v1/messages?target_id=${randomUUID()}`],
    ])('400 invalid_request for %s', async (path) => {
      expectError(await api.request('GET', path, { token: alice.token }), 400, 'invalid_request');
    });

    it('ignores unknown and ignored-but-accepted parameters', async () => {
      const res = await api.request('GET', '/api/v1/users?search=zzz&online_only=true&foo=bar', {
        token: alice.token,
      });
      expect(res.status).toBe(200);
      expect((await api.request('GET', '/api/v1/invitations?limit=abc', { token: alice.token })).status).toBe(
        200,
      );
      expect(
        (await api.request('GET', `/api/v1/rooms/${roomId}/members?limit=abc`, { token: alice.token }))
          .status,
      ).toBe(200);
    });
  });
});
