// The one code -> TCP error table (relay/commands/errors.ts, docs/protocol/tcp.md §9.3) and the unknown-error rule (docs/design.md §2).
import { TCP_ERROR_TABLE, toResponseError } from '../../../relay/commands/errors.js';
import {
  DEFAULT_MESSAGES,
  DomainError,
  VersionConflictError,
  type ErrorCode,
} from '../../../shared/kernel/errors.js';
import { testLogger } from '../../support/relay.js';

describe('TCP error mapping', () => {
  const log = testLogger();

  it('covers every domain code; engine codes pass through unchanged', () => {
    expect(Object.keys(TCP_ERROR_TABLE).sort()).toEqual(Object.keys(DEFAULT_MESSAGES).sort());
    for (const code of [
      'room_not_found',
      'session_not_found',
      'content_invalid',
      'already_invited',
      'invalid_id',
      'not_found',
    ] as ErrorCode[]) {
      expect(TCP_ERROR_TABLE[code].code).toBe(code);
    }
  });

  it('keeps DomainError texts', () => {
    expect(
      toResponseError(new DomainError('content_invalid', 'Content invalid: value cannot be empty'), log, {}),
    ).toEqual({
      code: 'content_invalid',
      message: 'Content invalid: value cannot be empty',
    });
  });

  it('maps HTTP-only bearer codes to invalid_token', () => {
    expect(toResponseError(new DomainError('invalid_claims'), log, {})).toEqual({
      code: 'invalid_token',
      message: 'Invalid token: invalid claims',
    });
  });

  it('never echoes unknown errors or internal details', () => {
    expect(toResponseError(new Error('secret stack detail'), log, {})).toEqual({
      code: 'internal_error',
      message: 'Internal error',
    });
    expect(toResponseError('thrown string', log, {})).toEqual({
      code: 'internal_error',
      message: 'Internal error',
    });
    expect(toResponseError(new VersionConflictError(), log, {})).toEqual({
      code: 'internal_error',
      message: 'Internal error',
    });
    expect(toResponseError(new DomainError('internal_error', 'db host 10.0.0.1 down'), log, {})).toEqual({
      code: 'internal_error',
      message: 'Internal error',
    });
  });
});
