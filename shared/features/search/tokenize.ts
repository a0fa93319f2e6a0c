// Search tokeniser: Unicode word segmentation (Intl.Segmenter) with case and diacritic folding (docs/protocol/extensions.md §4).

/** One word of a text: its folded form and where it sits in the original string. */
export interface Token {
  /** Folded word: NFKD, combining marks removed, lower-cased (locale-independent). */
  term: string;
  /** Offset of the word's first UTF-16 code unit in the original text. */
  start: number;
  /** Offset just past the word's last UTF-16 code unit (exclusive). */
  end: number;
}

/** Longest indexed term, UTF-16 code units; longer words are cut (still found by their first 64). */
export const MAX_TERM_LENGTH = 64;

/** One fixed locale: the index and every query must segment alike, whatever the host's default locale. */
const segmenter = new Intl.Segmenter('en', { granularity: 'word' });

/**
 * Case- and diacritic-insensitive form of a word: `Crème` → `creme`, `STRASSE` → `strasse`,
 * full-width letters to ASCII (NFKD compatibility decomposition, combining marks `\p{M}` dropped).
 */
export function fold(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().slice(0, MAX_TERM_LENGTH);
}

/**
 * The words of `text` in order (duplicates kept), as `Intl.Segmenter` word granularity finds
 * them (`isWordLike` segments only: punctuation, spaces and emoji are no words).
 */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const s of segmenter.segment(text)) {
    if (s.isWordLike !== true) continue;
    const term = fold(s.segment);
    if (term.length === 0) continue;
    out.push({ term, start: s.index, end: s.index + s.segment.length });
  }
  return out;
}

/** The distinct folded terms of `text`, first occurrence order. */
export function termsOf(text: string): string[] {
  return [...new Set(tokenize(text).map((t) => t.term))];
}
