// The one error hierarchy: DomainError with the protocol's snake_case code; texts and statuses come from per-feature rows (docs/protocol/tcp.md §9.3).
import { ERROR_ROWS, type ErrorCode } from '../features/catalog.js';

export type { ErrorCode };
export { KERNEL_ERRORS, type ErrorRow, type ErrorRows } from './error-rows.js';

/** Default human texts per code: a view of the rows (docs/protocol/tcp.md §9.3 "Message" column). */
export const DEFAULT_MESSAGES: { readonly [C in ErrorCode]: string } = Object.fromEntries(
  Object.entries(ERROR_ROWS).map(([code, row]) => [code, row.message]),
) as Record<ErrorCode, string>;

/**
 * A failure the client is allowed to see. `message` is sent on the wire; `cause` never is.
 * Anything thrown that is not a DomainError becomes `internal_error` at the adapter edge.
 */
export class DomainError extends Error {
  /** @param code - protocol error code; @param message - wire text (defaults to the code's row, docs/protocol/tcp.md §9.3) */
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
