// Search query parser: words, "quoted phrases", prefix*, -exclusions and from:/in:/before:/after:/has: modifiers (docs/protocol/extensions.md §4).
import { ValidationError } from '../../kernel/errors.js';
import { fold, termsOf, tokenize } from './tokenize.js';

/** Values of the `has:` modifier and filter. */
export const HAS_VALUES = ['attachment', 'reply', 'reaction', 'pin'] as const;
export type HasValue = (typeof HAS_VALUES)[number];

/** Query size limits (docs/protocol-extensions.md "Search"). */
export const QUERY_LIMITS = {
  /** Longest `q`, UTF-16 code units. */
  maxLength: 512,
  /** Most terms (words, phrase words, prefixes, exclusions) in one query. */
  maxTerms: 16,
  /** Shortest `prefix*` stem, characters (extensions.md §4). */
  minPrefix: 2,
} as const;

/** A parsed query; every word list is folded (tokenize.ts `fold`). */
export interface ParsedQuery {
  /** Words that must all occur (phrase words included). */
  words: string[];
  /** Phrases: each a run of folded words that must occur adjacent, in order. */
  phrases: string[][];
  /** Word prefixes: some word of the message must start with each. */
  prefixes: string[];
  /** Words that must not occur. */
  excluded: string[];
  /** `from:` username, as typed. */
  from?: string;
  /** `in:` room name, as typed. */
  in?: string;
  /** `before:` / `after:` dates (RFC 3339 or YYYY-MM-DD), as typed. */
  before?: string;
  after?: string;
  has: HasValue[];
}

const bad = (why: string): ValidationError =>
  new ValidationError('validation_failed', `Validation failed: q - ${why}`);

/** Splits `q` into raw pieces: `"…"` runs stay one piece (with their quotes), the rest splits on whitespace. */
function pieces(q: string): string[] {
  const out: string[] = [];
  const re = /(-?)"([^"]*)"?|(\S+)/gu;
  for (const m of q.matchAll(re)) out.push(m[3] ?? `${m[1] ?? ''}"${m[2] ?? ''}"`);
  return out;
}

/**
 * Parses `q` (docs/protocol/extensions.md §4). An empty or absent `q` parses to an empty query
 * (filter-only search). Modifiers are `name:value` with a known name; an unknown `name:` is a word.
 * @throws ValidationError `validation_failed` for `q` longer than {@link QUERY_LIMITS.maxLength},
 *   more than {@link QUERY_LIMITS.maxTerms} terms, a prefix stem under 2 characters, an unknown
 *   `has:` value, or a non-empty `q` without any searchable word or modifier (e.g. only `?!…`)
 */
export function parseQuery(q: string | undefined): ParsedQuery {
  const out: ParsedQuery = { words: [], phrases: [], prefixes: [], excluded: [], has: [] };
  if (q === undefined || q.trim() === '') return out;
  if (q.length > QUERY_LIMITS.maxLength) throw bad(`at most ${QUERY_LIMITS.maxLength} characters`);
  let modifiers = 0;
  for (const piece of pieces(q)) {
    const negated = piece.startsWith('-') && piece.length > 1;
    const body = negated ? piece.slice(1) : piece;
    if (body.startsWith('"')) {
      // Phrase words in order, duplicates kept ("a b a" stays a 3-word phrase).
      const words = tokenize(body.replace(/"/g, '')).map((t) => t.term);
      if (negated) out.excluded.push(...words);
      else if (words.length === 1) out.words.push(...words);
      else if (words.length > 1) {
        out.phrases.push(words);
        out.words.push(...new Set(words));
      }
      continue;
    }
    const modifier = /^(from|in|before|after|has):(.+)$/iu.exec(body);
    if (modifier?.[1] !== undefined && modifier[2] !== undefined && !negated) {
      const name = modifier[1].toLowerCase() as 'from' | 'in' | 'before' | 'after' | 'has';
      const value = modifier[2];
      modifiers++;
      if (name === 'has') {
        const v = value.toLowerCase();
        if (!(HAS_VALUES as readonly string[]).includes(v))
          throw bad(`has: must be one of ${HAS_VALUES.join(', ')}`);
        out.has.push(v as HasValue);
      } else out[name] = name === 'from' ? value.replace(/^@/, '') : value.replace(/^#/, '');
      continue;
    }
    if (body.endsWith('*') && !negated) {
      const stem = fold(body.replace(/\*+$/u, ''));
      const stemWords = termsOf(stem);
      if (stemWords.length === 0) continue;
      if (stemWords.length > 1) out.words.push(...stemWords.slice(0, -1));
      const last = stemWords.at(-1) ?? '';
      if (Array.from(last).length < QUERY_LIMITS.minPrefix)
        throw bad(`a prefix needs at least ${QUERY_LIMITS.minPrefix} characters`);
      out.prefixes.push(last);
      continue;
    }
    const words = termsOf(body);
    if (negated) out.excluded.push(...words);
    else out.words.push(...words);
  }
  out.words = [...new Set(out.words)];
  out.excluded = [...new Set(out.excluded)];
  const terms = out.words.length + out.prefixes.length + out.excluded.length;
  if (terms + modifiers > QUERY_LIMITS.maxTerms) throw bad(`at most ${QUERY_LIMITS.maxTerms} terms`);
  if (terms === 0 && modifiers === 0) throw bad('no searchable word');
  if (out.words.length === 0 && out.prefixes.length === 0 && out.excluded.length > 0 && modifiers === 0)
    throw bad('only exclusions');
  return out;
}
