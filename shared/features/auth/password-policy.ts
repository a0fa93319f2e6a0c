// Password policy of docs/protocol/extensions.md §10: 8–128 characters, zxcvbn score >= the configured minimum, no username or email local part.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { ValidationError } from '../../kernel/errors.js';
import { validatePassword } from '../../kernel/validation.js';

/** Longest accepted password, characters (docs/protocol/extensions.md §10). */
export const MAX_PASSWORD_CHARS = 128;

let factory: ZxcvbnFactory | undefined;
/** The estimator with the common + English dictionaries, built on first use (~50 ms). */
function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
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
 * suggestions become the error message.
 * @param user - the account the password is for; `username`/`email` may be absent
 * @throws ValidationError `password_too_weak` (400) with the reason
 */
export function checkPasswordPolicy(
  password: string,
  user: { username?: string; email?: string },
  minScore: number,
): string {
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
  const result = estimator().check(password, [user.username ?? '', local ?? '']);
  if (result.score < minScore) {
    const hints = [result.feedback.warning, ...result.feedback.suggestions].filter(
      (h): h is string => typeof h === 'string' && h.length > 0,
    );
    throw weak(hints.length > 0 ? hints.join(' ') : `strength ${result.score}/4, need ${minScore}`);
  }
  return password;
}
