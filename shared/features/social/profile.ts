// Profile field rules of docs/protocol/extensions.md §7.1: lengths, https avatars, IANA time zones and BCP 47 locales checked with Intl (no hand-written lists).
import { ValidationError } from '../../kernel/errors.js';
import type { ProfileFields } from '../users/index.js';

/** Longest values, characters. */
export const PROFILE_LIMITS = { display_name: 64, status_message: 140, avatar_url: 512 } as const;

const TIME_ZONES: ReadonlySet<string> = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
const invalid = (field: string, why: string) =>
  new ValidationError('validation_failed', `Validation failed: ${field} - ${why}`);

/** A text field: trimmed, blank ⇒ null, at most `max` characters. */
function text(field: keyof typeof PROFILE_LIMITS, raw: string): string | null {
  const v = raw.trim();
  if (v === '') return null;
  if (Array.from(v).length > PROFILE_LIMITS[field])
    throw invalid(field, `at most ${PROFILE_LIMITS[field]} characters`);
  return v;
}

/** An absolute `https:` URL of at most 512 characters (no `javascript:`, `data:` or `http:`). */
function avatar(raw: string): string | null {
  const v = raw.trim();
  if (v === '') return null;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw invalid('avatar_url', 'must be an https URL');
  }
  if (url.protocol !== 'https:' || url.hostname === '') throw invalid('avatar_url', 'must be an https URL');
  if (v.length > PROFILE_LIMITS.avatar_url) throw invalid('avatar_url', 'at most 512 characters');
  return v;
}

/** An IANA zone from `Intl.supportedValuesOf('timeZone')` (or `UTC`), exact spelling. */
function timezone(raw: string): string {
  if (!TIME_ZONES.has(raw)) throw invalid('timezone', 'unknown IANA time zone');
  return raw;
}

/** One BCP 47 tag, stored in canonical form (`en-us` ⇒ `en-US`) via `Intl.getCanonicalLocales`. */
function locale(raw: string): string {
  try {
    const [canonical, ...more] = Intl.getCanonicalLocales(raw);
    if (canonical === undefined || more.length > 0) throw new RangeError('one tag');
    return canonical;
  } catch {
    throw invalid('locale', 'must be one BCP 47 language tag');
  }
}

/** The raw profile part of a `PATCH /api/v1/users/me` body (`undefined` = unchanged, `null` = clear). */
export type ProfileInput = { [K in keyof ProfileFields]?: string | null };

/**
 * Validates and normalises the given profile fields; absent keys are left out, `null` (or a blank
 * string) clears a field. @throws `validation_failed` naming the first bad field
 */
export function parseProfile(input: ProfileInput): Partial<ProfileFields> {
  const out: Partial<ProfileFields> = {};
  const each = (k: keyof ProfileFields, check: (raw: string) => string | null) => {
    const v = input[k];
    if (v === undefined) return;
    out[k] = v === null || v.trim() === '' ? null : check(v.trim());
  };
  each('display_name', (v) => text('display_name', v));
  each('status_message', (v) => text('status_message', v));
  each('avatar_url', avatar);
  each('timezone', timezone);
  each('locale', locale);
  return out;
}
