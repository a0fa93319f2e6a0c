// Integration: /api/v1/auth/* and the bearer extractor over the local server and DynamoDB Local (docs/protocol/http.md §1.1, §2.1, §5).
import { SignJWT } from 'jose';
import {
  expectError,
  expectNoServerErrors,
  registerUser,
  startTestApi,
  uniqueName,
  type TestApi,
} from '../../support/http.js';

const SECRET = new TextEncoder().encode('test-secret-http');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('auth routes', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  describe('POST /api/v1/auth/register', () => {
    it('creates the user and a session: 201 {user, session, token}', async () => {
      const username = uniqueName('Reg');
      const res = await api.request('POST', '/api/v1/auth/register', {
        body: { username, email: `${username}@Example.COM`, password: 'hunter2-lantern-9' },
      });
      expect(res.status).toBe(201);
      expect(res.json.user).toEqual({
        id: expect.stringMatching(UUID),
        username,
        email: `${username.toLowerCase()}@example.com`,
        role: 'user',
        created_at: expect.any(String),
        updated_at: expect.any(String),
        last_seen_at: null,
        // docs/protocol/extensions.md §7.1 profile fields (additive)
        display_name: null,
        status_message: null,
        avatar_url: null,
        timezone: null,
        locale: null,
      });
      expect(res.json.session).toEqual({
        id: expect.stringMatching(UUID),
        expires_at: expect.stringMatching(/\+00:00$/),
      });
      expect(res.json.token.split('.')).toHaveLength(3);
    });

    it('refuses a taken username (case-insensitive) and a taken email with 409', async () => {
      const u = await registerUser(api);
      const byName = await api.request('POST', '/api/v1/auth/register', {
        body: {
          username: u.username.toUpperCase(),
          email: `${uniqueName()}@example.com`,
          password: 'plaid-otter-quarry-9',
        },
      });
      expectError(byName, 409, 'username_taken');
      const byEmail = await api.request('POST', '/api/v1/auth/register', {
        body: { username: uniqueName(), email: u.email.toUpperCase(), password: 'plaid-otter-quarry-9' },
      });
      expectError(byEmail, 409, 'email_taken');
    });

    it('accepts exactly one of 20 parallel registrations of one name', async () => {
      const username = uniqueName('race');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api.request('POST', '/api/v1/auth/register', {
            body: { username, email: `${username}${i}@example.com`, password: 'plaid-otter-quarry-9' },
          }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, ...Array<number>(19).fill(409)]);
      for (const r of results.filter((x) => x.status === 409))
        expect(r.json.error.code).toBe('username_taken');
    });

    it.each([
      [{ username: 'ab', email: 'ab@example.com', password: 'plaid-otter-quarry-9' }, 'username_invalid'],
      [{ username: '_abc', email: 'abc@example.com', password: 'plaid-otter-quarry-9' }, 'username_invalid'],
      [{ username: uniqueName(), email: 'not-an-email', password: 'plaid-otter-quarry-9' }, 'email_invalid'],
      [{ username: uniqueName(), email: 'x@example.com', password: 'short' }, 'password_too_weak'],
    ])('rejects invalid input %# with 400', async (body, code) => {
      expectError(await api.request('POST', '/api/v1/auth/register', { body }), 400, code);
    });

    it('is 422 invalid_request naming a missing field', async () => {
      const res = await api.request('POST', '/api/v1/auth/register', {
        body: { username: uniqueName(), password: 'plaid-otter-quarry-9' },
      });
      expectError(res, 422, 'invalid_request');
      expect(res.json.error.message).toContain('email');
    });
  });

  describe('POST /api/v1/auth/login', () => {
    it('logs in by username or email (case-insensitive) with a new session', async () => {
      const u = await registerUser(api);
      const byName = await api.request('POST', '/api/v1/auth/login', {
        body: { identifier: u.username.toUpperCase(), password: u.password },
      });
      expect(byName.status).toBe(200);
      expect(byName.json.user.id).toBe(u.id);
      expect(byName.json.session.id).not.toBe(u.sessionId);
      const byEmail = await api.request('POST', '/api/v1/auth/login', {
        body: { identifier: u.email.toUpperCase(), password: u.password },
      });
      expect(byEmail.status).toBe(200);
    });

    it('is 401 invalid_credentials for a wrong password and an unknown user alike', async () => {
      const u = await registerUser(api);
      expectError(
        await api.request('POST', '/api/v1/auth/login', {
          body: { identifier: u.username, password: 'wrong-password' },
        }),
        401,
        'invalid_credentials',
      );
      expectError(
        await api.request('POST', '/api/v1/auth/login', {
          body: { identifier: uniqueName(), password: 'whatever1' },
        }),
        401,
        'invalid_credentials',
      );
      // An identifier longer than any username/email (here 5 KB) is refused the same way, never a 500.
      expectError(
        await api.request('POST', '/api/v1/auth/login', {
          body: { identifier: 'x'.repeat(5000), password: 'whatever1' },
        }),
        401,
        'invalid_credentials',
      );
    });
  });

  describe('bearer extractor', () => {
    it('missing header => missing_token; wrong scheme => invalid_format', async () => {
      expectError(await api.request('GET', '/api/v1/users'), 401, 'missing_token');
      const u = await registerUser(api);
      for (const value of [
        `bearer ${u.token}`,
        `Bearer  ${u.token}`.replace('Bearer  ', 'Bearer'),
        `Basic abc`,
        u.token,
      ]) {
        const res = await api.request('GET', '/api/v1/users', { headers: { authorization: value } });
        expectError(res, 401, 'invalid_format');
        expect(res.json.error.message).toBe("Authorization header must be 'Bearer <token>'");
      }
    });

    it('tampered token => invalid_token (invalid signature); garbage => invalid_token', async () => {
      const u = await registerUser(api);
      const [header, payload, sig] = u.token.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
      const res = await api.request('GET', '/api/v1/users', { token: `${header}.${forged}.${sig}` });
      expectError(res, 401, 'invalid_token');
      expect(res.json.error.message).toBe('Invalid token: invalid signature');
      expectError(await api.request('GET', '/api/v1/users', { token: 'not.a.jwt' }), 401, 'invalid_token');
    });

    it('expired token => token_expired with the HTTP text', async () => {
      const u = await registerUser(api);
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({
        sub: u.id,
        sid: u.sessionId,
        username: u.username,
        role: 'user',
        iat: now - 100,
        exp: now - 10,
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(SECRET);
      const res = await api.request('GET', '/api/v1/users/me', { token });
      expectError(res, 401, 'token_expired');
      expect(res.json.error.message).toBe('Token has expired, please login again');
    });

    it('non-UUID sub => invalid_claims', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({
        sub: 'alice',
        sid: 'x',
        username: 'alice',
        role: 'user',
        iat: now,
        exp: now + 60,
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(SECRET);
      expectError(await api.request('GET', '/api/v1/users', { token }), 401, 'invalid_claims');
    });
  });

  describe('POST /api/v1/auth/logout', () => {
    it('deletes the session; the token then fails every authenticated route', async () => {
      const u = await registerUser(api);
      const res = await api.request('POST', '/api/v1/auth/logout', { token: u.token });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ success: true });
      expectError(
        await api.request('POST', '/api/v1/auth/logout', { token: u.token }),
        401,
        'session_not_found',
      );
      expectError(await api.request('GET', '/api/v1/users/me', { token: u.token }), 401, 'session_not_found');
      expectError(
        await api.request('GET', `/api/v1/users/${u.id}`, { token: u.token }),
        401,
        'session_not_found',
      );
    });
  });

  describe('POST /api/v1/auth/refresh', () => {
    it('issues a new token for the same session and expiry', async () => {
      const u = await registerUser(api);
      const login = await api.request('POST', '/api/v1/auth/login', {
        body: { identifier: u.username, password: u.password },
      });
      const res = await api.request('POST', '/api/v1/auth/refresh', { token: login.json.token });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ token: expect.any(String), expires_at: login.json.session.expires_at });
      const claims = JSON.parse(Buffer.from(res.json.token.split('.')[1], 'base64url').toString());
      expect(claims.sid).toBe(login.json.session.id);
      expect((await api.request('GET', '/api/v1/users/me', { token: res.json.token })).status).toBe(200);
    });

    it('is 401 session_not_found after logout', async () => {
      const u = await registerUser(api);
      await api.request('POST', '/api/v1/auth/logout', { token: u.token });
      expectError(
        await api.request('POST', '/api/v1/auth/refresh', { token: u.token }),
        401,
        'session_not_found',
      );
    });
  });

  describe('POST /api/v1/auth/change-password', () => {
    it('changes the password; the current session stays, every other one is revoked (issue 17 finding 2)', async () => {
      const u = await registerUser(api);
      const other = await api.request('POST', '/api/v1/auth/login', {
        body: { identifier: u.username, password: u.password },
      });
      const otherToken = (other.json as { token: string }).token;
      const res = await api.request('POST', '/api/v1/auth/change-password', {
        token: u.token,
        body: { current_password: u.password, new_password: 'a-new-password' },
      });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ success: true, revoked_sessions: 1 });
      expect((await api.request('GET', '/api/v1/users/me', { token: u.token })).status).toBe(200);
      expectError(
        await api.request('GET', '/api/v1/users/me', { token: otherToken }),
        401,
        'session_not_found',
      );
      expect(
        (
          await api.request('POST', '/api/v1/auth/login', {
            body: { identifier: u.username, password: 'a-new-password' },
          })
        ).status,
      ).toBe(200);
      expectError(
        await api.request('POST', '/api/v1/auth/login', {
          body: { identifier: u.username, password: u.password },
        }),
        401,
        'invalid_credentials',
      );
    });

    it('checks the current password first, then the new one', async () => {
      const u = await registerUser(api);
      expectError(
        await api.request('POST', '/api/v1/auth/change-password', {
          token: u.token,
          body: { current_password: 'wrong-one', new_password: 'x' },
        }),
        400,
        'incorrect_password',
      );
      expectError(
        await api.request('POST', '/api/v1/auth/change-password', {
          token: u.token,
          body: { current_password: u.password, new_password: 'short' },
        }),
        400,
        'password_too_weak',
      );
    });

    it('needs a token (401 before body checks)', async () => {
      expectError(
        await api.request('POST', '/api/v1/auth/change-password', { rawBody: '{oops' }),
        401,
        'missing_token',
      );
    });
  });
});
