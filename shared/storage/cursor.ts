// Opaque signed paging cursors: LastEvaluatedKey as base64url JSON + HMAC-SHA256 (docs/design.md §3 "Pagination").
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../kernel/errors.js';

/** A DynamoDB key as it appears in `LastEvaluatedKey`: attribute name -> string or number. */
export type CursorKey = Record<string, string | number>;

const invalid = (): DomainError =>
  new DomainError('validation_failed', 'Validation failed: cursor - invalid');

const sign = (payload: string, secret: string): Buffer =>
  createHmac('sha256', secret).update(payload).digest();

/**
 * Encodes `lastEvaluatedKey` as `<base64url(JSON)>.<base64url(HMAC-SHA256(secret, payload))>`.
 * Clients cannot read or forge it; the secret is the server's (e.g. the JWT secret).
 * @param lastEvaluatedKey - a Query's `LastEvaluatedKey` (only string/number attributes)
 */
export function encodeCursor(lastEvaluatedKey: Record<string, unknown>, secret: string): string {
  const payload = Buffer.from(JSON.stringify(lastEvaluatedKey), 'utf8').toString('base64url');
  return `${payload}.${sign(payload, secret).toString('base64url')}`;
}

/**
 * Verifies and decodes a cursor from {@link encodeCursor}.
 * @returns the key to pass as `ExclusiveStartKey`
 * @throws DomainError `validation_failed` ("Validation failed: cursor - invalid") when malformed,
 *   tampered with, or signed with another secret
 */
export function decodeCursor(cursor: string, secret: string): CursorKey {
  const parts = cursor.split('.');
  const [payload, signature] = parts;
  if (parts.length !== 2 || !payload || !signature) throw invalid();
  const given = Buffer.from(signature, 'base64url');
  const expected = sign(payload, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length === 0 || !entries.every(([, v]) => typeof v === 'string' || typeof v === 'number'))
    throw invalid();
  return Object.fromEntries(entries) as CursorKey;
}
