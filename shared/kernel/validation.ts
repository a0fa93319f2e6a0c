// Value rules for usernames, emails, passwords, room names and message content (protocol docs/protocol/domain.md §5).
import { ValidationError } from './errors.js';

const encoder = new TextEncoder();

/** Length in UTF-8 bytes, as Rust `str::len` counts it (docs/protocol/domain.md §1). */
export function utf8Length(s: string): number {
  return encoder.encode(s).length;
}

/** Rust `str::trim`: strips Unicode White_Space at both ends (docs/protocol/domain.md §1). */
export function rustTrim(s: string): string {
  return s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');
}

const tooShort = (min: number, got: number): string => `value too short: minimum ${min}, got ${got}`;
const tooLong = (max: number, got: number): string => `value too long: maximum ${max}, got ${got}`;
/** Longest username, UTF-8 bytes (docs/protocol/domain.md §5). */
export const MAX_USERNAME_BYTES = 32;
/** Longest email, UTF-8 bytes (docs/protocol/domain.md §5). */
export const MAX_EMAIL_BYTES = 254;

const USERNAME_CHARS = /^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}_]+$/u;

/**
 * Checks a username: 3..=32 bytes, no leading `_`, only alphanumerics or `_` (docs/protocol/domain.md §5).
 * @returns the username unchanged (case preserved)
 * @throws ValidationError `username_invalid` with the validator text
 */
export function validateUsername(username: string): string {
  const len = utf8Length(username);
  const fail = (reason: string): never => {
    throw new ValidationError('username_invalid', `Username invalid: ${reason}`);
  };
  if (len < 3) fail(tooShort(3, len));
  if (len > MAX_USERNAME_BYTES) fail(tooLong(MAX_USERNAME_BYTES, len));
  if (username.startsWith('_')) fail('invalid format: cannot start with underscore');
  if (!USERNAME_CHARS.test(username))
    fail('invalid format: must contain only alphanumeric characters or underscore');
  return username;
}

/**
 * Checks an email in upstream's order (<= 254 bytes, one `@`, non-empty parts, dotted domain).
 * @returns the lowercased address that is stored and returned (docs/protocol/domain.md §5)
 * @throws ValidationError `email_invalid`
 */
export function validateEmail(email: string): string {
  const fail = (reason: string): never => {
    throw new ValidationError('email_invalid', `Email invalid: ${reason}`);
  };
  const len = utf8Length(email);
  if (len > MAX_EMAIL_BYTES) fail(tooLong(MAX_EMAIL_BYTES, len));
  if (!email.includes('@')) fail('invalid format: missing @ symbol');
  const parts = email.split('@');
  if (parts.length !== 2) fail('invalid format: must contain exactly one @ symbol');
  const [local = '', domain = ''] = parts;
  if (local.length === 0) fail('invalid format: local part cannot be empty');
  if (domain.length === 0) fail('invalid format: domain cannot be empty');
  if (!domain.includes('.')) fail('invalid format: domain must contain a dot');
  return email.toLowerCase();
}

/**
 * Checks a password: at least 8 UTF-8 bytes, nothing else (docs/protocol/domain.md §5).
 * @throws ValidationError `password_too_weak`
 */
export function validatePassword(password: string): string {
  if (utf8Length(password) < 8) {
    throw new ValidationError(
      'password_too_weak',
      'Password too weak: password must be at least 8 characters',
    );
  }
  return password;
}

/**
 * Checks a room name: trimmed, then 1..=64 bytes (docs/protocol/domain.md §5).
 * @returns the trimmed name
 * @throws ValidationError `room_name_invalid`
 */
export function validateRoomName(name: string): string {
  const trimmed = rustTrim(name);
  const len = utf8Length(trimmed);
  if (len === 0) throw new ValidationError('room_name_invalid', 'Room name invalid: value cannot be empty');
  if (len > 64) throw new ValidationError('room_name_invalid', `Room name invalid: ${tooLong(64, len)}`);
  return trimmed;
}

/** Maximum message content size in UTF-8 bytes (docs/protocol/domain.md §5). */
export const MAX_CONTENT_BYTES = 4096;

/**
 * Checks message content: not blank after trim, at most 4096 bytes; stored untrimmed (docs/protocol/domain.md §5).
 * @returns the content unchanged
 * @throws ValidationError `content_invalid`
 */
export function validateContent(content: string): string {
  if (rustTrim(content).length === 0) {
    throw new ValidationError('content_invalid', 'Content invalid: value cannot be empty');
  }
  const len = utf8Length(content);
  if (len > MAX_CONTENT_BYTES) {
    throw new ValidationError('content_invalid', `Content invalid: ${tooLong(MAX_CONTENT_BYTES, len)}`);
  }
  return content;
}

const UUID_RE =
  /^(?:urn:uuid:)?\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

/**
 * Parses a UUID the way upstream's `uuid::parse_str` does (hyphenated, simple, braced, urn forms;
 * case-insensitive; docs/protocol/domain.md §1).
 * @returns the canonical lowercase hyphenated form, or `null` when it does not parse
 */
export function parseUuid(s: string): string | null {
  const m = UUID_RE.exec(s);
  if (!m) return null;
  const braced = s.includes('{');
  if (braced !== s.endsWith('}')) return null;
  const hyphens = (s.replace(/^urn:uuid:/i, '').match(/-/g) ?? []).length;
  if (hyphens !== 0 && hyphens !== 4) return null;
  return `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`.toLowerCase();
}

/**
 * Pagination defaults and cap (docs/protocol/domain.md §5, §9). `maxOffset` is ours: offsets are served by
 * skipping index items (docs/design.md §3), so a page beyond 10,000 items is answered empty instead of
 * reading a whole partition per request (upstream accepts any u32).
 */
export const PAGE = { defaultLimit: 50, maxLimit: 100, maxOffset: 10_000 } as const;

/** Longest list `search` term kept, characters (longer input is cut: no stored name is longer). */
export const MAX_SEARCH_CHARS = 64;

/**
 * Normalises a list `search` term the way stored names are indexed (trimmed, lowercased, cut at
 * {@link MAX_SEARCH_CHARS}); `null` when absent or blank, i.e. no filter (issue 17 finding 5:
 * case-insensitive substring match on the normalised name, docs/upstream-differences.md).
 */
export function normalizeSearch(raw: string | null | undefined): string | null {
  const term = (raw ?? '').trim().toLowerCase().slice(0, MAX_SEARCH_CHARS);
  return term === '' ? null : term;
}

/** Applies the default (50) and silent cap (100) to a requested `limit`. */
export function clampLimit(limit: number | null | undefined): number {
  if (limit === null || limit === undefined) return PAGE.defaultLimit;
  return Math.min(Math.max(0, Math.floor(limit)), PAGE.maxLimit);
}

const SHORTCODE = /^:[a-z0-9_+-]{1,32}:$/;
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Checks a reaction (docs/protocol/extensions.md §1.4): exactly one Unicode emoji grapheme
 * cluster (segmented with `Intl.Segmenter`, containing an Extended_Pictographic or Regional
 * Indicator code point), or a `:shortcode:` of `[a-z0-9_+-]{1,32}`.
 * @returns the emoji unchanged
 * @throws ValidationError `validation_failed` "Validation failed: emoji - …"
 */
export function validateEmoji(emoji: string): string {
  if (SHORTCODE.test(emoji)) return emoji;
  const clusters = [...graphemes.segment(emoji)];
  if (clusters.length !== 1 || !PICTOGRAPHIC.test(emoji)) {
    throw new ValidationError(
      'validation_failed',
      'Validation failed: emoji - must be one emoji or a :shortcode:',
    );
  }
  return emoji;
}
