// The history paging cursor (docs/protocol/extensions.md §0.5): an opaque base64url token naming a direction and the last message's ULID.
import { ValidationError } from '../../kernel/errors.js';

/** What a history cursor carries: continue `before` (older) or `after` (newer) the ULID `seq`. */
export interface HistoryCursor {
  direction: 'before' | 'after';
  seq: string;
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Encodes a cursor as `base64url("b:<seq>" | "a:<seq>")`. It grants nothing: every page re-checks access. */
export function encodeHistoryCursor(c: HistoryCursor): string {
  return Buffer.from(`${c.direction === 'before' ? 'b' : 'a'}:${c.seq}`, 'utf8').toString('base64url');
}

/**
 * Decodes {@link encodeHistoryCursor}'s output.
 * @throws ValidationError `validation_failed` "Validation failed: cursor - invalid"
 */
export function decodeHistoryCursor(cursor: string): HistoryCursor {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [tag, seq] = [text.slice(0, 2), text.slice(2)];
  if ((tag !== 'b:' && tag !== 'a:') || !ULID.test(seq)) {
    throw new ValidationError('validation_failed', 'Validation failed: cursor - invalid');
  }
  return { direction: tag === 'b:' ? 'before' : 'after', seq };
}
