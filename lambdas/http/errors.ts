// The one table mapping error codes to HTTP statuses, plus the error envelope (http.md §2, tcp.md §9.3 HTTP column).
import { DomainError, type ErrorCode } from '../../shared/domain/errors.js';
import type { Logger } from '../../shared/platform/logger.js';
import { jsonResponse, type HttpResult } from './response.js';

/**
 * HTTP status per error code: tcp.md §9.3 "HTTP" column, the bearer-extractor codes of http.md
 * §2.1 (401) and the framework codes of http.md §2.2 (`invalid_request` 400 — 422 is raised with
 * {@link RequestError}'s explicit status —, `unsupported_media_type` 415, `payload_too_large` 413).
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_credentials: 401,
  session_not_found: 401,
  session_expired: 401,
  invalid_token: 401,
  token_expired: 401,
  missing_token: 401,
  invalid_format: 401,
  invalid_claims: 401,
  permission_denied: 403,
  not_room_member: 403,
  not_message_author: 403,
  validation_failed: 400,
  username_invalid: 400,
  email_invalid: 400,
  password_too_weak: 400,
  incorrect_password: 400,
  room_name_invalid: 400,
  content_invalid: 400,
  username_taken: 409,
  email_taken: 409,
  user_not_found: 404,
  room_not_found: 404,
  message_not_found: 404,
  invitation_not_found: 404,
  already_member: 409,
  not_invitee: 409,
  room_name_taken: 409,
  already_invited: 409,
  room_full: 409,
  room_private: 409,
  last_owner: 409,
  invitation_expired: 409,
  rate_limited: 429,
  invalid_id: 400,
  not_found: 404,
  invalid_request: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  database_error: 500,
  internal_error: 500,
};

/**
 * A framework-level rejection (http.md §2.2) whose status is not the code's default, e.g. a body
 * that is valid JSON but fails the route's schema: status 422, code `invalid_request`.
 */
export class RequestError extends DomainError {
  override readonly name = 'RequestError';
  /** @param status - HTTP status to answer with; @param code - envelope code; @param message - wire text */
  constructor(
    readonly status: number,
    code: ErrorCode,
    message?: string,
  ) {
    super(code, message);
  }
}

/** A refused rate-limit bucket (http.md §3): 429 with `Retry-After` and `details`. */
export class RateLimitedError extends DomainError {
  override readonly name = 'RateLimitedError';
  /** @param retryAfter - whole seconds until the refusing bucket's window resets; @param limit - that bucket's limit */
  constructor(
    readonly retryAfter: number,
    readonly limit: number,
  ) {
    super('rate_limited', 'Too many requests');
  }
}

/** Envelope of http.md §2.1: `{"error":{"code","message"}}` (`details` only on 429). */
export function errorBody(
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): Record<string, unknown> {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * Turns anything thrown into a response. DomainErrors keep their code and message; 5xx codes get a
 * fixed text and are logged with their cause; non-DomainErrors become 500 `internal_error`
 * "Internal error" and are logged — never echoed (DESIGN.md §2).
 */
export function toErrorResponse(err: unknown, logger: Logger): HttpResult {
  if (err instanceof RateLimitedError) {
    return jsonResponse(
      429,
      errorBody('rate_limited', err.message, { retry_after: err.retryAfter, limit: err.limit }),
      {
        'retry-after': String(err.retryAfter),
      },
    );
  }
  if (err instanceof DomainError) {
    const status = err instanceof RequestError ? err.status : HTTP_STATUS[err.code];
    if (status < 500) return jsonResponse(status, errorBody(err.code, err.message));
    logger.error({ err }, `request failed with ${err.code}`);
    const code = err.code === 'database_error' ? 'database_error' : 'internal_error';
    return jsonResponse(
      status,
      errorBody(code, code === 'database_error' ? 'Database error' : 'Internal error'),
    );
  }
  logger.error({ err }, 'unhandled error');
  return jsonResponse(500, errorBody('internal_error', 'Internal error'));
}
