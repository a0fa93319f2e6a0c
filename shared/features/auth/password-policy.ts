// Password policy of docs/protocol/extensions.md §10: 8–128 characters, zxcvbn score >= the configured minimum, no username or email local part.
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { ValidationError } from '../../kernel/errors.js';
import { validatePassword } from '../../kernel/validation.js';

/** Longest accepted password, characters (docs/protocol/extensions.md §10). */
export const MAX_PASSWORD_CHARS = 128;

let factory: Promise<ZxcvbnFactory> | undefined;
/**
 * The estimator with the common + English dictionaries, loaded and built on first use (~50 ms).
 * The dictionary modules are imported here, not at the top: evaluating them costs ~14 MB of V8
 * heap, which a relay or Lambda that never checks a password should not hold (issue 16, baseline
 * memory; docs/adr/031).
 */
function estimator(): Promise<ZxcvbnFactory> {
  factory ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
  })();
  factory.catch(() => {
    factory = undefined;
  });
  return factory;
}

const weak = (reason: string): ValidationError =>
  new ValidationError('password_too_weak', `Password too weak: ${reason}`);

/**
 * Checks a new password (register, change-password) against docs/protocol/extensions.md §10:
 * the upstream 8-byte minimum first (same text as upstream), then at most 128 characters, then
 * not containing the username or the email's local part (case-insensitive, parts of 3+ chars),
 * then a zxcvbn score of at least `minScore` (0–4; 0 disables the estimate). The zxcvbn warning and
 * suggestions become the error message. The dictionaries are loaded on the first call that needs
 * the estimate (hence async).
 * @param user - the account the password is for; `username`/`email` may be absent
 * @returns the password, unchanged
 * @throws ValidationError `password_too_weak` (400) with the reason
 */
export async function checkPasswordPolicy(
  password: string,
  user: { username?: string; email?: string },
  minScore: number,
): Promise<string> {
  validatePassword(password);
  if (Array.from(password).length > MAX_PASSWORD_CHARS) {
    throw weak(`password must be at most ${MAX_PASSWORD_CHARS} characters`);
  }
  const lower = password.toLowerCase();
  const local = user.email?.split('@')[0];
  for (const part of [user.username, local]) {
    if (part !== undefined && part.length >= 3 && lower.includes(part.toLowerCase())) {
      throw weak('password must not contain your username or email');
    }
  }
  if (minScore <= 0) return password;
  const result = (await estimator()).check(password, [user.username ?? '', local ?? '']);
  if (result.score < minScore) {
    const hints = [result.feedback.warning, ...result.feedback.suggestions].filter(
      (h): h is string => typeof h === 'string' && h.length > 0,
    );
    throw weak(hints.length > 0 ? hints.join(' ') : `strength ${result.score}/4, need ${minScore}`);
  }
  return password;
}
