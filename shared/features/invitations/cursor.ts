// Opaque list cursors of the invitation lists: the Query's LastEvaluatedKey as base64url JSON, checked against the list's own partition.
import { DomainError } from '../../kernel/errors.js';

const invalid = (): DomainError =>
  new DomainError('validation_failed', 'Validation failed: cursor - invalid');

/** Encodes a `LastEvaluatedKey` (string/number attributes only) as base64url JSON. */
export function encodePageCursor(lastKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor of {@link encodePageCursor} for the list whose index partition attribute
 * `pkName` equals `pk`: a cursor of another user's list (or a forged one) is refused, so a cursor
 * never reads outside the caller's partition.
 * @throws DomainError `validation_failed` ("Validation failed: cursor - invalid")
 */
export function decodePageCursor(
  cursor: string,
  pkName: string,
  pk: string,
): Record<string, string | number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length > 6 || !entries.every(([, v]) => typeof v === 'string' || typeof v === 'number')) {
    throw invalid();
  }
  const key = parsed as Record<string, string | number>;
  if (key[pkName] !== pk || typeof key.PK !== 'string' || !key.PK.startsWith('INVITATION#')) throw invalid();
  return key;
}
