// Unit tests for the value rules of protocol docs/protocol/domain.md §5 (texts, check order, UTF-8 byte lengths, UUID forms).
import { ValidationError } from '../../../shared/kernel/errors.js';
import {
  clampLimit,
  parseUuid,
  rustTrim,
  utf8Length,
  validateContent,
  validateEmail,
  validatePassword,
  validateRoomName,
  validateUsername,
} from '../../../shared/kernel/validation.js';

/** Runs `fn` and returns the thrown ValidationError's code and message. */
function failure(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    const err = e as ValidationError;
    return { code: err.code, message: err.message };
  }
  throw new Error('expected a ValidationError');
}

describe('utf8Length / rustTrim', () => {
  it('counts UTF-8 bytes, not characters', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('日本')).toBe(6);
    expect(utf8Length('😀')).toBe(4);
  });

  it('strips Unicode White_Space at both ends only', () => {
    expect(rustTrim('\u00a0\u3000 a b \t\n\u2003')).toBe('a b');
    expect(rustTrim('\u200b')).toBe('\u200b'); // zero-width space is not White_Space
  });
});

describe('validateUsername', () => {
  it('accepts 3..=32 bytes of alphanumerics and underscores, case preserved', () => {
    expect(validateUsername('Alice_01')).toBe('Alice_01');
    expect(validateUsername('a'.repeat(32))).toBe('a'.repeat(32));
    expect(validateUsername('ñandú')).toBe('ñandú');
    expect(validateUsername('用户名')).toBe('用户名'); // 9 bytes
    expect(validateUsername('x²³')).toBe('x²³'); // No category digits
  });

  it('reports too short / too long in bytes', () => {
    expect(failure(() => validateUsername('ab'))).toEqual({
      code: 'username_invalid',
      message: 'Username invalid: value too short: minimum 3, got 2',
    });
    expect(failure(() => validateUsername('é')).message).toBe(
      'Username invalid: value too short: minimum 3, got 2',
    );
    expect(failure(() => validateUsername('a'.repeat(33))).message).toBe(
      'Username invalid: value too long: maximum 32, got 33',
    );
    expect(failure(() => validateUsername('日'.repeat(11))).message).toBe(
      'Username invalid: value too long: maximum 32, got 33',
    );
  });

  it('checks length before the leading underscore, and that before the charset', () => {
    expect(failure(() => validateUsername('_a')).message).toBe(
      'Username invalid: value too short: minimum 3, got 2',
    );
    expect(failure(() => validateUsername('_ab-')).message).toBe(
      'Username invalid: invalid format: cannot start with underscore',
    );
    expect(failure(() => validateUsername('ab-c')).message).toBe(
      'Username invalid: invalid format: must contain only alphanumeric characters or underscore',
    );
    expect(failure(() => validateUsername('a b c')).code).toBe('username_invalid');
  });
});

describe('validateEmail', () => {
  it('returns the address lowercased', () => {
    expect(validateEmail('Alice@Example.COM')).toBe('alice@example.com');
  });

  it.each([
    ['alice.example.com', 'invalid format: missing @ symbol'],
    ['a@b@c.com', 'invalid format: must contain exactly one @ symbol'],
    ['@example.com', 'invalid format: local part cannot be empty'],
    ['alice@', 'invalid format: domain cannot be empty'],
    ['alice@localhost', 'invalid format: domain must contain a dot'],
  ])('%s => %s', (email, reason) => {
    expect(failure(() => validateEmail(email))).toEqual({
      code: 'email_invalid',
      message: `Email invalid: ${reason}`,
    });
  });

  it('limits the address to 254 bytes, checked first', () => {
    const ok = `${'a'.repeat(64)}@${'b'.repeat(185)}.com`;
    expect(utf8Length(ok)).toBe(254);
    expect(validateEmail(ok)).toBe(ok);
    expect(failure(() => validateEmail(`${ok}m`)).message).toBe(
      'Email invalid: value too long: maximum 254, got 255',
    );
    expect(failure(() => validateEmail('x'.repeat(255))).message).toBe(
      'Email invalid: value too long: maximum 254, got 255',
    );
  });
});

describe('validatePassword', () => {
  it('needs at least 8 bytes and nothing else', () => {
    expect(validatePassword('12345678')).toBe('12345678');
    expect(validatePassword('ééééé')).toBe('ééééé'); // 5 chars, 10 bytes
    expect(failure(() => validatePassword('1234567'))).toEqual({
      code: 'password_too_weak',
      message: 'Password too weak: password must be at least 8 characters',
    });
  });
});

describe('validateRoomName', () => {
  it('trims first and returns the trimmed name', () => {
    expect(validateRoomName('  general \n')).toBe('general');
  });

  it('refuses empty-after-trim and more than 64 bytes', () => {
    expect(failure(() => validateRoomName(' \t '))).toEqual({
      code: 'room_name_invalid',
      message: 'Room name invalid: value cannot be empty',
    });
    expect(validateRoomName('r'.repeat(64))).toHaveLength(64);
    expect(failure(() => validateRoomName('r'.repeat(65))).message).toBe(
      'Room name invalid: value too long: maximum 64, got 65',
    );
    expect(failure(() => validateRoomName(` ${'é'.repeat(33)} `)).message).toBe(
      'Room name invalid: value too long: maximum 64, got 66',
    );
  });
});

describe('validateContent', () => {
  it('keeps content untrimmed', () => {
    expect(validateContent('  hi  ')).toBe('  hi  ');
  });

  it('refuses blank content and more than 4096 bytes', () => {
    expect(failure(() => validateContent(' \n\t'))).toEqual({
      code: 'content_invalid',
      message: 'Content invalid: value cannot be empty',
    });
    expect(validateContent('x'.repeat(4096))).toHaveLength(4096);
    expect(failure(() => validateContent('x'.repeat(5000))).message).toBe(
      'Content invalid: value too long: maximum 4096, got 5000',
    );
    expect(failure(() => validateContent('😀'.repeat(1025))).message).toBe(
      'Content invalid: value too long: maximum 4096, got 4100',
    );
  });
});

describe('parseUuid', () => {
  const canonical = '9b2f0c1e-4a3b-4c5d-8e9f-0a1b2c3d4e5f';

  it.each([
    canonical,
    canonical.toUpperCase(),
    canonical.replace(/-/g, ''),
    `{${canonical}}`,
    `urn:uuid:${canonical}`,
    `URN:UUID:${canonical.toUpperCase()}`,
  ])('accepts %s', (input) => {
    expect(parseUuid(input)).toBe(canonical);
  });

  it.each([
    '',
    'not-a-uuid',
    `${canonical}0`,
    canonical.slice(1),
    `{${canonical}`,
    `${canonical}}`,
    '9b2f0c1e4a3b-4c5d-8e9f-0a1b2c3d4e5f',
    canonical.replace('9b', 'zz'),
  ])('rejects %p', (input) => {
    expect(parseUuid(input)).toBeNull();
  });
});

describe('clampLimit', () => {
  it('defaults to 50 and silently caps at 100', () => {
    expect(clampLimit(undefined)).toBe(50);
    expect(clampLimit(null)).toBe(50);
    expect(clampLimit(7)).toBe(7);
    expect(clampLimit(1000)).toBe(100);
    expect(clampLimit(0)).toBe(0);
  });
});
