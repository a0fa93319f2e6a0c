// The one table mapping domain error codes to TCP/WS response error codes, and thrown-value -> wire error conversion.
import { DomainError, type ErrorCode } from '../../shared/domain/errors.js';
import type { Logger } from '../../shared/platform/logger.js';
import type { ResponseErrorCode } from '../protocol/index.js';

/** Fixed text of `internal_error` (tcp.md §9.3); the cause is logged, never echoed (DESIGN.md §2). */
export const INTERNAL_ERROR_TEXT = 'Internal error';

/**
 * Domain code -> code sent inside `<command>_response.error` (tcp.md §9.3). Engine codes pass
 * through unchanged; HTTP-only bearer/body codes (which a TCP flow cannot really produce) collapse
 * to the nearest TCP code, with the replacement text given here. STYLE.md §2: this is the only
 * code -> TCP table.
 */
export const TCP_ERROR_TABLE: Readonly<Record<ErrorCode, { code: ResponseErrorCode; text?: string }>> = {
  invalid_credentials: { code: 'invalid_credentials' },
  session_not_found: { code: 'session_not_found' },
  session_expired: { code: 'session_expired' },
  invalid_token: { code: 'invalid_token' },
  token_expired: { code: 'token_expired' },
  missing_token: { code: 'invalid_token', text: 'Invalid token: missing token' },
  invalid_format: { code: 'invalid_token', text: 'Invalid token: malformed token' },
  invalid_claims: { code: 'invalid_token', text: 'Invalid token: invalid claims' },
  permission_denied: { code: 'permission_denied' },
  not_room_member: { code: 'not_room_member' },
  not_message_author: { code: 'not_message_author' },
  validation_failed: { code: 'validation_failed' },
  username_invalid: { code: 'username_invalid' },
  email_invalid: { code: 'email_invalid' },
  password_too_weak: { code: 'password_too_weak' },
  incorrect_password: { code: 'incorrect_password' },
  room_name_invalid: { code: 'room_name_invalid' },
  content_invalid: { code: 'content_invalid' },
  username_taken: { code: 'username_taken' },
  email_taken: { code: 'email_taken' },
  user_not_found: { code: 'user_not_found' },
  room_not_found: { code: 'room_not_found' },
  message_not_found: { code: 'message_not_found' },
  invitation_not_found: { code: 'invitation_not_found' },
  already_member: { code: 'already_member' },
  not_invitee: { code: 'not_invitee' },
  room_name_taken: { code: 'room_name_taken' },
  already_invited: { code: 'already_invited' },
  room_full: { code: 'room_full' },
  room_private: { code: 'room_private' },
  last_owner: { code: 'last_owner' },
  invitation_expired: { code: 'invitation_expired' },
  rate_limited: { code: 'rate_limited' },
  invalid_id: { code: 'invalid_id' },
  not_found: { code: 'not_found' },
  invalid_request: { code: 'validation_failed', text: 'Validation failed' },
  unsupported_media_type: { code: 'validation_failed', text: 'Validation failed' },
  payload_too_large: { code: 'validation_failed', text: 'Validation failed' },
  database_error: { code: 'database_error' },
  internal_error: { code: 'internal_error', text: INTERNAL_ERROR_TEXT },
};

/**
 * Converts anything a command threw into the `{code, message}` of its failed response.
 * DomainErrors keep their wire text (except the codes rewritten by {@link TCP_ERROR_TABLE});
 * anything else is logged with its cause and becomes `internal_error` "Internal error".
 */
export function toResponseError(
  err: unknown,
  logger: Logger,
  context: Record<string, unknown>,
): { code: ResponseErrorCode; message: string } {
  if (err instanceof DomainError) {
    const entry = TCP_ERROR_TABLE[err.code];
    if (err.code === 'internal_error' || err.code === 'database_error')
      logger.error({ err, ...context }, `command failed with ${err.code}`);
    return { code: entry.code, message: entry.text ?? err.message };
  }
  logger.error({ err, ...context }, 'command failed with an unexpected error');
  return { code: 'internal_error', message: INTERNAL_ERROR_TEXT };
}
