// Cursor pages over the social lists (docs/protocol/extensions.md §0.5): bounded lists read whole, paged by an opaque offset cursor.
import { ValidationError } from '../../kernel/errors.js';
import { PAGE } from '../../kernel/validation.js';

/** One page of a list: `next_cursor` null at the end. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

const bad = (field: string, why: string) =>
  new ValidationError('validation_failed', `Validation failed: ${field} - ${why}`);

/**
 * Pages `items` (already in list order). `limit` 1–100 (default 50); `cursor` is a previous
 * `next_cursor` (base64url JSON `{o: offset}`).
 * @throws `validation_failed` for a limit out of range or a malformed cursor
 */
export function pageOf<T>(
  items: readonly T[],
  cursor: string | null | undefined,
  limit: number | null | undefined,
): Page<T> {
  const n = limit ?? PAGE.defaultLimit;
  if (!Number.isInteger(n) || n < 1 || n > PAGE.maxLimit) throw bad('limit', `1-${PAGE.maxLimit}`);
  let offset = 0;
  if (cursor != null && cursor !== '') {
    try {
      const o = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown }).o;
      if (typeof o !== 'number' || !Number.isInteger(o) || o < 0) throw new Error('bad');
      offset = o;
    } catch {
      throw bad('cursor', 'invalid');
    }
  }
  const page = items.slice(offset, offset + n);
  const end = offset + page.length;
  return {
    items: page,
    next_cursor: end < items.length ? Buffer.from(JSON.stringify({ o: end })).toString('base64url') : null,
  };
}
