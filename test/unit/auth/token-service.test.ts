// Unit tests for the HS256 token service: claims round trip, expiry with a fixed clock, tampering, claim shapes.
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { createTokenService } from '../../../shared/auth/token-service.js';
import { DomainError } from '../../../shared/kernel/errors.js';
import type { Clock, TokenClaims } from '../../../shared/kernel/ports.js';

const SECRET = 'unit-test-secret';
const NOW_S = 1_737_460_800; // 2025-01-21T12:00:00Z
const fixedClock = (seconds: number): Clock => ({ now: () => seconds * 1000 });

function claims(overrides: Partial<TokenClaims> = {}): TokenClaims {
  return {
    sub: '1c6c7e2a-8f3b-4b8e-9a51-2f0d6b3c9e11',
    sid: 'c0ffee00-1234-4abc-8def-0123456789ab',
    username: 'alice',
    role: 'user',
    iat: NOW_S,
    exp: NOW_S + 86_400,
    ...overrides,
  };
}

/** Signs an arbitrary payload with `secret` (to forge shapes the service itself never issues). */
async function forge(payload: Record<string, unknown>, secret = SECRET): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    const err = e as DomainError;
    return { code: err.code, message: err.message };
  }
  throw new Error('expected a DomainError');
}

describe('createTokenService', () => {
  const tokens = createTokenService(SECRET, fixedClock(NOW_S));

  it('issues an HS256 JWT with the claims of docs/protocol/domain.md §8.1 and verifies it back', async () => {
    const token = await tokens.issue(claims());
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decodeJwt(token)).toEqual(claims());
    await expect(tokens.verify(token)).resolves.toEqual(claims());
  });

  it('uses the raw UTF-8 bytes of the secret as the key', async () => {
    const unicode = createTokenService('sécret-ü', fixedClock(NOW_S));
    const token = await forge({ ...claims() }, 'sécret-ü');
    await expect(unicode.verify(token)).resolves.toEqual(claims());
  });

  it('refuses a token signed with another secret: invalid signature', async () => {
    const token = await createTokenService('other-secret', fixedClock(NOW_S)).issue(claims());
    expect(await rejection(tokens.verify(token))).toEqual({
      code: 'invalid_token',
      message: 'Invalid token: invalid signature',
    });
  });

  it('refuses a tampered payload: invalid signature', async () => {
    const [header, , signature] = (await tokens.issue(claims())).split('.');
    const payload = Buffer.from(JSON.stringify(claims({ role: 'admin' }))).toString('base64url');
    expect(await rejection(tokens.verify(`${header}.${payload}.${signature}`))).toEqual({
      code: 'invalid_token',
      message: 'Invalid token: invalid signature',
    });
  });

  it.each(['', 'abc', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.e30'])('refuses %p: malformed token', async (token) => {
    expect(await rejection(tokens.verify(token))).toEqual({
      code: 'invalid_token',
      message: 'Invalid token: malformed token',
    });
  });

  it('refuses alg none', async () => {
    const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims())).toString('base64url');
    expect((await rejection(tokens.verify(`${header}.${payload}.`))).code).toBe('invalid_token');
  });

  it('has zero leeway on exp with a fixed clock', async () => {
    const token = await tokens.issue(claims({ exp: NOW_S + 1 }));
    await expect(createTokenService(SECRET, fixedClock(NOW_S)).verify(token)).resolves.toMatchObject({
      exp: NOW_S + 1,
    });
    expect(await rejection(createTokenService(SECRET, fixedClock(NOW_S + 1)).verify(token))).toEqual({
      code: 'token_expired',
      message: 'Token expired',
    });
    expect((await rejection(createTokenService(SECRET, fixedClock(NOW_S + 3600)).verify(token))).code).toBe(
      'token_expired',
    );
  });

  it('reports a valid signature over an expired token as token_expired, not invalid_token', async () => {
    const token = await forge({ ...claims({ exp: NOW_S - 10 }) });
    expect((await rejection(tokens.verify(token))).code).toBe('token_expired');
  });

  it.each([
    ['non-UUID sub', { ...claims(), sub: 'alice' }],
    ['non-UUID sid', { ...claims(), sid: '42' }],
    ['missing sid', { ...claims(), sid: undefined }],
    ['numeric sub', { ...claims(), sub: 7 }],
    ['missing username', { ...claims(), username: undefined }],
    ['missing exp', { ...claims(), exp: undefined }],
  ])('refuses %s: invalid_claims', async (_label, payload) => {
    const token = await forge(JSON.parse(JSON.stringify(payload)) as Record<string, unknown>);
    expect(await rejection(tokens.verify(token))).toEqual({
      code: 'invalid_claims',
      message: 'Token claims are invalid',
    });
  });

  it('canonicalises sub/sid given in another UUID form', async () => {
    const token = await forge({ ...claims(), sub: claims().sub.toUpperCase().replace(/-/g, '') });
    await expect(tokens.verify(token)).resolves.toMatchObject({ sub: claims().sub });
  });
});
