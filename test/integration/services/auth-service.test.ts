// Integration tests of AuthService on DynamoDB Local: register/login rules, session lifecycle, tokens (docs/protocol/domain.md §5, §8.1).
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { SignJWT } from 'jose';
import { SESSION_TTL_MS } from '../../../shared/features/auth/index.js';
import { toRfc3339Offset } from '../../../shared/kernel/time.js';
import { keys } from '../../../shared/features/index.js';
import {
  TEST_JWT_SECRET,
  createTestClock,
  createTestServices,
  registerUser,
  userInput,
  type TestServices,
} from '../../support/services.js';

const clock = createTestClock(Date.UTC(2025, 0, 21, 12, 0, 0, 482));
let t: TestServices;

beforeAll(async () => {
  t = await createTestServices({ clock });
});
afterAll(async () => {
  await t.close();
});

describe('register', () => {
  it('creates a `user` with a lowercased email, a 24 h session and a JWT whose exp is the session expiry', async () => {
    const input = userInput({ username: 'AliceReg', email: 'AliceReg@Example.COM' });
    const result = await t.services.auth.register(input, 'http');

    expect(result.user).toMatchObject({
      username: 'AliceReg',
      email: 'alicereg@example.com',
      role: 'user',
      last_seen_at: null,
    });
    expect(result.user).not.toHaveProperty('password_hash');
    expect(result.session.expires_at).toBe(toRfc3339Offset(clock.now() + SESSION_TTL_MS));
    expect(result.session.expires_at).toMatch(/\+00:00$/);
    const claims = await t.services.auth.verifyToken(result.token);
    expect(claims).toEqual({
      sub: result.user.id,
      sid: result.session.id,
      username: 'AliceReg',
      role: 'user',
      iat: Math.floor(clock.now() / 1000),
      exp: Math.floor((clock.now() + SESSION_TTL_MS) / 1000),
    });
    const stored = await t.repos.sessions.get(result.user.id, result.session.id);
    expect(stored).toMatchObject({ protocol: 'http', expires_at: '2025-01-22T12:00:00.482Z' });
  });

  it('checks username format, then email format, then password, then username taken, then email taken', async () => {
    const taken = await registerUser(t.services);
    const reg = (i: Partial<{ username: string; email: string; password: string }>) =>
      t.services.auth.register(userInput(i), 'tcp');

    await expect(reg({ username: 'ab', email: 'bad', password: 'x' })).rejects.toMatchObject({
      code: 'username_invalid',
      message: 'Username invalid: value too short: minimum 3, got 2',
    });
    await expect(reg({ email: 'bad', password: 'x' })).rejects.toMatchObject({ code: 'email_invalid' });
    await expect(reg({ username: taken.user.username, password: 'short' })).rejects.toMatchObject({
      code: 'password_too_weak',
    });
    await expect(
      reg({ username: taken.user.username.toUpperCase(), email: taken.user.email }),
    ).rejects.toMatchObject({ code: 'username_taken' });
    await expect(reg({ email: taken.user.email.toUpperCase() })).rejects.toMatchObject({
      code: 'email_taken',
    });
  });
});

describe('login', () => {
  it('finds the user by username then by email, case-insensitively, with a new session each time', async () => {
    const alice = await registerUser(t.services, { password: 'secret-pass' });
    const byName = await t.services.auth.login(
      { identifier: alice.user.username.toUpperCase(), password: 'secret-pass' },
      'http',
    );
    const byEmail = await t.services.auth.login(
      { identifier: alice.user.email.toUpperCase(), password: 'secret-pass' },
      'tcp',
    );

    expect(byName.user).toEqual(alice.user);
    expect(byEmail.user.id).toBe(alice.user.id);
    expect(new Set([alice.session.id, byName.session.id, byEmail.session.id]).size).toBe(3);
  });

  it('answers invalid_credentials for a wrong password and for an unknown identifier alike', async () => {
    const alice = await registerUser(t.services);
    await expect(
      t.services.auth.login({ identifier: alice.user.username, password: 'wrong-password' }, 'http'),
    ).rejects.toMatchObject({
      code: 'invalid_credentials',
      message: 'Invalid credentials',
    });
    await expect(
      t.services.auth.login({ identifier: 'nobody_here', password: 'plaid-otter-quarry-9' }, 'http'),
    ).rejects.toMatchObject({
      code: 'invalid_credentials',
      message: 'Invalid credentials',
    });
  });
});

describe('session lifecycle', () => {
  it('logout deletes the session: the JWT still verifies but every session check fails', async () => {
    const alice = await registerUser(t.services);
    const claims = await t.services.auth.verifyToken(alice.token);
    await expect(t.services.auth.requireSession(claims)).resolves.toMatchObject({ id: alice.session.id });

    await t.services.auth.logout(alice.user.id, alice.session.id);

    await expect(t.services.auth.verifyToken(alice.token)).resolves.toEqual(claims);
    await expect(t.services.auth.requireSession(claims)).rejects.toMatchObject({ code: 'session_not_found' });
    await expect(t.services.auth.authenticate(alice.token)).rejects.toMatchObject({
      code: 'session_not_found',
    });
    await expect(t.services.auth.refresh(claims)).rejects.toMatchObject({ code: 'session_not_found' });
    await expect(t.services.auth.logout(alice.user.id, alice.session.id)).rejects.toMatchObject({
      code: 'session_not_found',
    });
  });

  it('a session past its expiry is session_expired once, and its row is deleted', async () => {
    const alice = await registerUser(t.services);
    const claims = await t.services.auth.verifyToken(alice.token);
    const start = clock.now();
    clock.advance(SESSION_TTL_MS + 1000);
    try {
      await expect(t.services.auth.requireSession(claims)).rejects.toMatchObject({ code: 'session_expired' });
      await expect(t.repos.sessions.get(alice.user.id, alice.session.id)).resolves.toBeNull();
      await expect(t.services.auth.requireSession(claims)).rejects.toMatchObject({
        code: 'session_not_found',
      });
      await expect(t.services.auth.verifyToken(alice.token)).rejects.toMatchObject({ code: 'token_expired' });
    } finally {
      clock.set(start);
    }
  });

  it('refresh issues a new token for the same session and the same expiry', async () => {
    const alice = await registerUser(t.services);
    const claims = await t.services.auth.verifyToken(alice.token);
    const start = clock.now();
    clock.advance(60_000);
    try {
      const refreshed = await t.services.auth.refresh(claims);
      expect(refreshed.expires_at).toBe(alice.session.expires_at);
      const again = await t.services.auth.verifyToken(refreshed.token);
      expect(again).toMatchObject({
        sub: alice.user.id,
        sid: alice.session.id,
        exp: claims.exp,
        iat: claims.iat + 60,
      });
    } finally {
      clock.set(start);
    }
  });
});

describe('authenticate (docs/protocol/tcp.md §6.1)', () => {
  it('reuses the token session and returns the user and the +00:00 expiry', async () => {
    const alice = await registerUser(t.services);
    const out = await t.services.auth.authenticate(alice.token);
    expect(out.user).toEqual(alice.user);
    expect(out.session).toEqual(alice.session);
    expect(out.claims.sid).toBe(alice.session.id);
  });

  it('maps token failures to invalid_token / token_expired', async () => {
    await expect(t.services.auth.authenticate('garbage')).rejects.toMatchObject({
      code: 'invalid_token',
      message: 'Invalid token: malformed token',
    });
    const alice = await registerUser(t.services);
    const start = clock.now();
    clock.advance(SESSION_TTL_MS);
    try {
      await expect(t.services.auth.authenticate(alice.token)).rejects.toMatchObject({
        code: 'token_expired',
      });
    } finally {
      clock.set(start);
    }
  });

  it('reports non-UUID sub as invalid_token on TCP but invalid_claims on the HTTP verifyToken', async () => {
    const now = Math.floor(clock.now() / 1000);
    const forged = await new SignJWT({
      sub: 'alice',
      sid: 'x',
      username: 'alice',
      role: 'user',
      iat: now,
      exp: now + 60,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    await expect(t.services.auth.authenticate(forged)).rejects.toMatchObject({
      code: 'invalid_token',
      message: 'Invalid token: invalid claims',
    });
    await expect(t.services.auth.verifyToken(forged)).rejects.toMatchObject({ code: 'invalid_claims' });
  });

  it('fails with user_not_found when the user is gone', async () => {
    const alice = await registerUser(t.services);
    await t.doc.send(new DeleteCommand({ TableName: t.tableName, Key: keys.user(alice.user.id) }));
    await expect(t.services.auth.authenticate(alice.token)).rejects.toMatchObject({ code: 'user_not_found' });
  });
});

describe('changePassword', () => {
  it('checks the current password first, then the new one; revokes every other session (issue 17 finding 2)', async () => {
    const alice = await registerUser(t.services, { password: 'old-password' });
    const id = alice.user.id;
    const second = await t.services.auth.login(
      { identifier: alice.user.username, password: 'old-password' },
      'tcp',
    );
    await expect(t.services.auth.changePassword(id, 'not-it', 'x')).rejects.toMatchObject({
      code: 'incorrect_password',
    });
    await expect(t.services.auth.changePassword(id, 'old-password', 'short')).rejects.toMatchObject({
      code: 'password_too_weak',
    });

    t.events.length = 0;
    await expect(
      t.services.auth.changePassword(id, 'old-password', 'new-password', alice.session.id),
    ).resolves.toEqual({
      revoked_sessions: 1,
    });
    // The other session is gone and every relay is told (its sockets close), like logout.
    await expect(t.services.auth.authenticate(second.token)).rejects.toMatchObject({
      code: 'session_not_found',
    });
    expect(t.events.map((e) => e.payload).filter((p) => p.type === 'session_revoked')).toEqual([
      { type: 'session_revoked', user_id: id, session_id: second.session.id },
    ]);

    await expect(
      t.services.auth.login({ identifier: alice.user.username, password: 'old-password' }, 'http'),
    ).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    await expect(
      t.services.auth.login({ identifier: alice.user.username, password: 'new-password' }, 'http'),
    ).resolves.toBeDefined();
    await expect(t.services.auth.authenticate(alice.token)).resolves.toBeDefined();
  });
});
