// The one error hierarchy: DomainError with the protocol's snake_case code (protocol tcp.md §9.3).

/**
 * Every error code the services may raise. Texts and HTTP statuses: protocol tcp.md §9.3,
 * http.md §2. Adapter-only codes (`invalid_id`, `not_found`, bearer-extractor codes) are included
 * so the HTTP and TCP error tables can be total.
 */
export type ErrorCode =
  | 'invalid_credentials'
  | 'session_not_found'
  | 'session_expired'
  | 'invalid_token'
  | 'token_expired'
  | 'missing_token'
  | 'invalid_format'
  | 'invalid_claims'
  | 'permission_denied'
  | 'not_room_member'
  | 'not_message_author'
  | 'validation_failed'
  | 'username_invalid'
  | 'email_invalid'
  | 'password_too_weak'
  | 'incorrect_password'
  | 'room_name_invalid'
  | 'content_invalid'
  | 'username_taken'
  | 'email_taken'
  | 'user_not_found'
  | 'room_not_found'
  | 'message_not_found'
  | 'invitation_not_found'
  | 'already_member'
  | 'not_invitee'
  | 'room_name_taken'
  | 'already_invited'
  | 'room_full'
  | 'room_private'
  | 'last_owner'
  | 'invitation_expired'
  | 'rate_limited'
  | 'invalid_id'
  | 'not_found'
  | 'invalid_request'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'database_error'
  | 'internal_error';

/** Default human texts per code (tcp.md §9.3 "Message" column). */
export const DEFAULT_MESSAGES: Readonly<Record<ErrorCode, string>> = {
  invalid_credentials: 'Invalid credentials',
  session_not_found: 'Session not found or expired',
  session_expired: 'Session expired',
  invalid_token: 'Invalid token: malformed token',
  token_expired: 'Token expired',
  missing_token: 'Authorization header required',
  invalid_format: "Authorization header must be 'Bearer <token>'",
  invalid_claims: 'Token claims are invalid',
  permission_denied: 'Permission denied',
  not_room_member: 'Not a member of this room',
  not_message_author: 'Not the author of this message',
  validation_failed: 'Validation failed',
  username_invalid: 'Username invalid',
  email_invalid: 'Email invalid',
  password_too_weak: 'Password too weak',
  incorrect_password: 'Current password incorrect',
  room_name_invalid: 'Room name invalid',
  content_invalid: 'Content invalid',
  username_taken: 'Username already taken',
  email_taken: 'Email already registered',
  user_not_found: 'User not found',
  room_not_found: 'Room not found',
  message_not_found: 'Message not found',
  invitation_not_found: 'Invitation not found',
  already_member: 'Already a member of this room',
  not_invitee: 'Not the invitee',
  room_name_taken: 'Room name already taken',
  already_invited: 'Invitation already sent',
  room_full: 'Room is full',
  room_private: 'Room requires invitation',
  last_owner: 'Cannot leave as only owner',
  invitation_expired: 'Invitation expired',
  rate_limited: 'Too many requests',
  invalid_id: 'Invalid ID',
  not_found: 'Not found',
  invalid_request: 'Invalid request',
  unsupported_media_type: 'Content-Type must be application/json',
  payload_too_large: 'Request body too large',
  database_error: 'Database error',
  internal_error: 'Internal error',
};

/**
 * A failure the client is allowed to see. `message` is sent on the wire; `cause` never is.
 * Anything thrown that is not a DomainError becomes `internal_error` at the adapter edge.
 */
export class DomainError extends Error {
  /** @param code - protocol error code; @param message - wire text (defaults per tcp.md §9.3) */
  constructor(
    readonly code: ErrorCode,
    message?: string,
    options?: { cause?: unknown },
  ) {
    super(message ?? DEFAULT_MESSAGES[code], options);
    this.name = 'DomainError';
  }
}

/** Raised for rejected input values (username_invalid, content_invalid, validation_failed …). */
export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
}

/** Raised when a uniqueness or state condition refuses a write (409-class codes). */
export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
}

/**
 * An optimistic-lock condition lost a race (the item's `version` moved). Services re-read and
 * retry; if it ever escapes to an adapter it is reported as `internal_error`.
 */
export class VersionConflictError extends DomainError {
  override readonly name = 'VersionConflictError';
  constructor(options?: { cause?: unknown }) {
    super('internal_error', undefined, options);
  }
}

/** Shorthand: `fail('room_not_found')` throws a DomainError with the default text. */
export function fail(code: ErrorCode, message?: string): never {
  throw new DomainError(code, message);
}

/** True when `e` is a DomainError with the given code. */
export function isDomainError(e: unknown, code?: ErrorCode): e is DomainError {
  return e instanceof DomainError && (code === undefined || e.code === code);
}
