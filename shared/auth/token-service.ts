// HS256 JWT issue/verify with jose (zero leeway): the TokenService port's implementation (docs/protocol/domain.md §8.1).
import { errors, jwtVerify, SignJWT } from 'jose';
import type { SystemRole } from '../features/users/index.js';
import { DomainError } from '../kernel/errors.js';
import { parseUuid } from '../kernel/validation.js';
import type { Clock, TokenClaims, TokenService } from '../kernel/ports.js';

const ALG = 'HS256';
const SYSTEM_ROLES: readonly string[] = ['guest', 'user', 'moderator', 'admin'] satisfies SystemRole[];

const invalidToken = (reason: string): DomainError =>
  new DomainError('invalid_token', `Invalid token: ${reason}`);
const invalidClaims = (): DomainError => new DomainError('invalid_claims');

/** Maps a jose failure to the protocol's codes (docs/protocol/http.md §2.1, docs/protocol/tcp.md §6.1). */
function mapJoseError(e: unknown): DomainError {
  if (e instanceof errors.JWTExpired) return new DomainError('token_expired', 'Token expired', { cause: e });
  if (e instanceof errors.JWSSignatureVerificationFailed) return invalidToken('invalid signature');
  if (e instanceof errors.JWTClaimValidationFailed) return invalidClaims();
  if (e instanceof errors.JOSEAlgNotAllowed) return invalidToken('invalid algorithm');
  return invalidToken('malformed token');
}

/** Validates the claim shapes of docs/protocol/http.md §1.1; `sub`/`sid` are canonicalised (parseUuid). */
function toClaims(payload: Record<string, unknown>): TokenClaims {
  const { sub, sid, username, role, exp, iat } = payload;
  if (typeof sub !== 'string' || typeof sid !== 'string') throw invalidClaims();
  const userId = parseUuid(sub);
  const sessionId = parseUuid(sid);
  if (userId === null || sessionId === null) throw invalidClaims();
  if (typeof username !== 'string' || typeof role !== 'string') throw invalidClaims();
  if (typeof exp !== 'number' || typeof iat !== 'number') throw invalidClaims();
  return {
    sub: userId,
    sid: sessionId,
    username,
    // `role` is informational only (docs/protocol/domain.md §6.1: admin checks read storage); unknown → `user`.
    role: SYSTEM_ROLES.includes(role) ? (role as SystemRole) : 'user',
    exp,
    iat,
  };
}

/**
 * Builds the HS256 token service.
 *
 * - `issue(claims)` signs `{sub, sid, username, role, exp, iat}` (epoch **seconds**) with header
 *   `{"alg":"HS256","typ":"JWT"}`.
 * - `verify(token)` checks signature, algorithm (HS256 only) and `exp` with **zero** leeway
 *   against `clock` (jose semantics: expired once `exp <= now` in whole seconds), then the claims.
 *
 * Errors of `verify` (all DomainError):
 * - `token_expired` "Token expired" — `exp` passed (the HTTP extractor may substitute its own text).
 * - `invalid_token` "Invalid token: invalid signature" — wrong secret / tampered token.
 * - `invalid_token` "Invalid token: malformed token" — not a JWS, bad base64/JSON, etc.
 * - `invalid_token` "Invalid token: invalid algorithm" — any alg but HS256.
 * - `invalid_claims` "Token claims are invalid" — `sub`/`sid` missing or not UUIDs, or
 *   `username`/`role`/`exp`/`iat` missing or mistyped. This is the HTTP bearer extractor's code
 *   (docs/protocol/http.md §2.1); the TCP/WS `authenticate` path maps it to `invalid_token` (docs/protocol/tcp.md §6.1), see
 *   AuthService.authenticate.
 *
 * @param secret - the `LAIR_JWT_SECRET` string; its raw UTF-8 bytes are the HMAC key
 * @param clock - time source for the `exp` check (epoch ms)
 */
export function createTokenService(secret: string, clock: Clock): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    async issue(claims) {
      const { sub, sid, username, role, exp, iat } = claims;
      return new SignJWT({ sub, sid, username, role, exp, iat })
        .setProtectedHeader({ alg: ALG, typ: 'JWT' })
        .sign(key);
    },
    async verify(token) {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: [ALG],
          clockTolerance: 0,
          currentDate: new Date(clock.now()),
          requiredClaims: ['exp'],
        }));
      } catch (e) {
        throw mapJoseError(e);
      }
      return toClaims(payload);
    },
  };
}
