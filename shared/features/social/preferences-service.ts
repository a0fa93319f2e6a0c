// Preference use cases: read and partial update with validation (docs/protocol/extensions.md §7.1).
import { ValidationError } from '../../kernel/errors.js';
import type { Uuid } from '../../kernel/types.js';
import {
  SOCIAL_LIMITS,
  type PreferenceRepository,
  type Preferences,
  type PreferencesPatch,
} from './model.js';

/** What the PreferenceService needs. */
export interface PreferenceServiceDeps {
  preferences: PreferenceRepository;
}

/** Preferences (`GET|PATCH /api/v1/users/me/preferences`). */
export interface PreferenceService {
  /** The caller's preferences (defaults when never set). */
  get(userId: Uuid): Promise<Preferences>;
  /**
   * Sets only the given leaves; unknown keys are ignored.
   * @throws `validation_failed` for a wrong type, an unknown enum value or a theme over 32 chars
   */
  update(userId: Uuid, body: unknown): Promise<Preferences>;
}

const invalid = (field: string, why: string) =>
  new ValidationError('validation_failed', `Validation failed: ${field} - ${why}`);

type Rule = { kind: 'bool' } | { kind: 'enum'; values: readonly string[] };
const RULES: Record<'notifications' | 'privacy', Record<string, Rule>> = {
  notifications: {
    dm: { kind: 'bool' },
    mentions: { kind: 'bool' },
    rooms: { kind: 'enum', values: ['all', 'mentions', 'none'] },
  },
  privacy: {
    dm_from: { kind: 'enum', values: ['everyone', 'friends'] },
    show_online: { kind: 'bool' },
    send_read_receipts: { kind: 'bool' },
  },
};

/** The validated leaves of a PATCH body. @throws `validation_failed` */
export function parsePreferencesPatch(body: unknown): PreferencesPatch {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('body', 'must be an object');
  const input = body as Record<string, unknown>;
  const patch: PreferencesPatch & Record<string, unknown> = {};
  for (const group of ['notifications', 'privacy'] as const) {
    const raw = input[group];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid(group, 'must be an object');
    const out: Record<string, unknown> = {};
    for (const [field, rule] of Object.entries(RULES[group])) {
      const v = (raw as Record<string, unknown>)[field];
      if (v === undefined || v === null) continue;
      if (rule.kind === 'bool' ? typeof v !== 'boolean' : typeof v !== 'string' || !rule.values.includes(v))
        throw invalid(
          `${group}.${field}`,
          rule.kind === 'bool' ? 'must be a boolean' : `one of ${rule.values.join(', ')}`,
        );
      out[field] = v;
    }
    patch[group] = out;
  }
  if (input.theme !== undefined && input.theme !== null) {
    const t = input.theme;
    if (typeof t !== 'string' || t.trim() === '' || Array.from(t).length > SOCIAL_LIMITS.themeChars)
      throw invalid('theme', `1-${SOCIAL_LIMITS.themeChars} characters`);
    patch.theme = t.trim();
  }
  return patch;
}

/** Builds the PreferenceService. */
export function createPreferenceService(deps: PreferenceServiceDeps): PreferenceService {
  return {
    get: (userId) => deps.preferences.get(userId),
    update: (userId, body) => deps.preferences.update(userId, parsePreferencesPatch(body)),
  };
}
