// HTTP account security (docs/protocol/extensions.md §10): password policy, lockout + admin unlock, TOTP 2FA with a fake clock, sessions list/revoke/logout-all.
import { TOTP, Secret } from 'otpauth';
import { createTestClock } from '../../support/services.js';
import {
  expectError,
  makeAdmin,
  randomIp,
  registerUser,
  startTestApi,
  uniqueName,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

/** 2026-01-01T00:00:00Z exactly: a step boundary (epoch seconds divisible by 30). */
const T0 = Date.UTC(2026, 0, 1);
const clock = createTestClock(T0);
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi(
    { LAIR_LOCKOUT_ACCOUNT_FAILURES: '5', LAIR_LOCKOUT_ADDRESS_FAILURES: '20' },
    { clock },
  );
});
afterAll(() => api.close());

const codeAt = (secret: string, ms: number): string =>
  TOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: ms,
  });

async function login(u: TestUser, extra: Record<string, unknown> = {}, ip?: string) {
  return api.request('POST', '/api/v1/auth/login', {
    body: { identifier: u.username, password: u.password, ...extra },
    ...(ip === undefined ? {} : { ip }),
  });
}

describe('password policy', () => {
  it('refuses weak, too long and username-containing passwords with the zxcvbn feedback', async () => {
    const username = uniqueName('pw');
    const register = (password: string) =>
      api.request('POST', '/api/v1/auth/register', {
        body: { username, email: `${username}@example.com`, password },
      });
    const weak = await register('password123');
    expectError(weak, 400, 'password_too_weak');
    expect(weak.json.error.message).toMatch(/commonly used password/);
    expectError(await register('x'.repeat(129)), 400, 'password_too_weak');
    expectError(await register(`${username}-Quartz-77`), 400, 'password_too_weak');
    expect((await register('plaid-otter-quarry-9')).status).toBe(201);
  });
});

describe('lockout', () => {
  it('locks an account after 5 failures for 15 min, unknown identifiers alike; admin unlock', async () => {
    const u = await registerUser(api, 'lk');
    const ip = randomIp();
    for (let i = 0; i < 5; i++)
      expectError(await login({ ...u, password: 'nope-nope-nope' }, {}, ip), 401, 'invalid_credentials');
    const locked = await login(u, {}, ip); // even the right password
    expectError(locked, 429, 'account_locked');
    expect(locked.json.error.retry_after_ms).toBe(15 * 60_000);
    expect(locked.headers.get('retry-after')).toBe('900');

    const ghost = {
      username: uniqueName('ghost'),
      password: 'whatever-pw-1',
      token: '',
      id: '',
      email: '',
      sessionId: '',
    };
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push((await login(ghost, {}, randomIp())).json.error.code);
    expect(answers).toEqual([...Array(5).fill('invalid_credentials'), 'account_locked']);

    const admin = await registerUser(api, 'adm');
    await makeAdmin(api.table.doc, api.table.tableName, admin.id);
    expectError(
      await api.request('POST', `/api/v1/admin/users/${admin.id}/unlock`, { token: u.token }),
      403,
      'permission_denied',
    );
    const unlock = await api.request('POST', `/api/v1/admin/users/${u.id}/unlock`, { token: admin.token });
    expect(unlock.json).toEqual({ success: true, was_locked: true });
    expect((await login(u, {}, ip)).status).toBe(200);
  });

  it('the lock ends after 15 minutes (fake clock)', async () => {
    const u = await registerUser(api, 'lk2');
    for (let i = 0; i < 5; i++) await login({ ...u, password: 'nope-nope-nope' }, {}, randomIp());
    expectError(await login(u), 429, 'account_locked');
    clock.advance(15 * 60_000 + 1);
    expect((await login(u)).status).toBe(200);
  });

  it('throttles a source address after 20 failures on any accounts', async () => {
    const ip = randomIp();
    for (let i = 0; i < 20; i++) {
      await api.request('POST', '/api/v1/auth/login', {
        body: { identifier: uniqueName('x'), password: 'abc-def-ghi' },
        ip,
      });
    }
    const u = await registerUser(api, 'lk3');
    const res = await login(u, {}, ip);
    expectError(res, 429, 'rate_limited');
    expect(res.json.error.retry_after_ms).toBeGreaterThan(0);
    expect((await login(u, {}, randomIp())).status).toBe(200);
  });
});

describe('TOTP 2FA', () => {
  it('setup, enable, login with totp_required / code / recovery code, bad codes, disable', async () => {
    clock.set(T0 + 3_600_000);
    const u = await registerUser(api, 'tf');
    const setup = await api.request('POST', '/api/v1/auth/2fa/setup', { token: u.token });
    expect(setup.status).toBe(200);
    const { secret, otpauth_url } = setup.json as { secret: string; otpauth_url: string };
    expect(otpauth_url).toMatch(/^otpauth:\/\/totp\/Lair%20Chat:.*secret=/);
    expectError(
      await api.request('POST', '/api/v1/auth/2fa/enable', { token: u.token, body: { code: '000000' } }),
      401,
      'totp_invalid',
    );
    const enable = await api.request('POST', '/api/v1/auth/2fa/enable', {
      token: u.token,
      body: { code: codeAt(secret, clock.now()) },
    });
    expect(enable.status).toBe(200);
    const recovery = enable.json.recovery_codes as string[];
    expect(recovery).toHaveLength(10);
    expectError(
      await api.request('POST', '/api/v1/auth/2fa/setup', { token: u.token }),
      400,
      'validation_failed',
    );

    expectError(await login(u), 401, 'totp_required');
    // Step boundaries: at the last ms of a step, the next step's code is +1 (accepted); two steps off is refused.
    clock.set(T0 + 3_600_000 + 30_000 * 10 - 1);
    const now = clock.now();
    expectError(await login(u, { totp_code: codeAt(secret, now + 60_000) }), 401, 'totp_invalid');
    expectError(await login(u, { totp_code: codeAt(secret, now - 60_000) }), 401, 'totp_invalid');
    expectError(await login(u, { totp_code: 'abcdef' }), 401, 'totp_invalid');
    expectError(await login(u, { totp_code: '1234567' }), 401, 'totp_invalid');
    const next = codeAt(secret, now + 1);
    expect((await login(u, { totp_code: next })).status).toBe(200);
    expectError(await login(u, { totp_code: next }), 401, 'totp_invalid'); // replay
    clock.advance(1); // the next step begins: the same code is now the current step's, still used
    expectError(await login(u, { totp_code: next }), 401, 'totp_invalid');
    await api.request('POST', `/api/v1/admin/users/${u.id}/unlock`, { token: u.token }); // (not admin: counter stays)

    clock.advance(30 * 60_000); // past any lock from the failures above
    expect((await login(u, { recovery_code: recovery[0] })).status).toBe(200);
    expectError(await login(u, { recovery_code: recovery[0] }), 401, 'totp_invalid');

    expectError(
      await api.request('POST', '/api/v1/auth/2fa/disable', {
        token: u.token,
        body: { password: 'wrong-pw-123', code: codeAt(secret, clock.now()) },
      }),
      400,
      'incorrect_password',
    );
    const off = await api.request('POST', '/api/v1/auth/2fa/disable', {
      token: u.token,
      body: { password: u.password, code: codeAt(secret, clock.now()) },
    });
    expect(off.status).toBe(200);
    expect((await login(u)).status).toBe(200);
  });
});

describe('sessions', () => {
  it('lists with ip, user agent and current; revokes one; logout-all', async () => {
    const u = await registerUser(api, 'ss');
    const second = await api.request('POST', '/api/v1/auth/login', {
      body: { identifier: u.username, password: u.password },
      headers: { 'user-agent': 'jest-agent/1' },
      ip: '10.9.8.7',
    });
    const list = await api.request('GET', '/api/v1/auth/sessions', { token: u.token });
    expect(list.status).toBe(200);
    expect(list.json.sessions).toHaveLength(2);
    const other = list.json.sessions.find((s: { current: boolean }) => !s.current);
    expect(other).toMatchObject({
      id: second.json.session.id,
      ip: '10.9.8.7',
      user_agent: 'jest-agent/1',
      current: false,
    });
    expect(typeof other.last_used_at).toBe('string');

    expectError(
      await api.request('DELETE', `/api/v1/auth/sessions/00000000-0000-4000-8000-000000000000`, {
        token: u.token,
      }),
      404,
      'not_found',
    );
    expect(
      (await api.request('DELETE', `/api/v1/auth/sessions/${other.id}`, { token: u.token })).status,
    ).toBe(200);
    expect(api.events.map((e) => e.payload).filter((p) => p.type === 'session_revoked')).toContainEqual({
      type: 'session_revoked',
      user_id: u.id,
      session_id: other.id,
    });
    expectError(
      await api.request('GET', '/api/v1/auth/sessions', { token: second.json.token }),
      401,
      'session_not_found',
    );

    const third = await login(u);
    const all = await api.request('POST', '/api/v1/auth/logout-all', { token: third.json.token });
    expect(all.json).toEqual({ success: true, revoked_sessions: 2 });
    expectError(
      await api.request('GET', '/api/v1/auth/sessions', { token: u.token }),
      401,
      'session_not_found',
    );
  });
});
