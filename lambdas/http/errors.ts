// The one table mapping error codes to HTTP statuses, plus the error envelope (docs/protocol/http.md §2, docs/protocol/tcp.md §9.3 HTTP column).
import { ERROR_ROWS } from '../../shared/features/catalog.js';
import { DomainError, type ErrorCode } from '../../shared/kernel/errors.js';
import type { Logger } from '../../shared/platform/logger.js';
import { isStorageUnavailable } from '../../shared/storage/index.js';
import { jsonResponse, type HttpResult } from './response.js';

/**
 * HTTP status per error code: a view of the error rows each feature declares next to its code
 * (shared/features/catalog.ts; docs/protocol/tcp.md §9.3 "HTTP" column, docs/protocol/http.md §2.1–§2.2).
 * `invalid_request` is 400 here; 422 is raised with {@link RequestError}'s explicit status.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.fromEntries(
  Object.entries(ERROR_ROWS).map(([code, row]) => [code, row.http]),
) as Record<ErrorCode, number>;

/**
 * A framework-level rejection (docs/protocol/http.md §2.2) whose status is not the code's default, e.g. a body
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

/** A refused rate-limit bucket (docs/protocol/http.md §3): 429 with `Retry-After`, `details` and that bucket's `X-RateLimit-*`. */
export class RateLimitedError extends DomainError {
  override readonly name = 'RateLimitedError';
  /** @param retryAfter - whole seconds until the refusing bucket's window resets; @param limit - that bucket's limit */
  constructor(
    readonly retryAfter: number,
    readonly limit: number,
    /** Per-user message budget only: ms until a retry can succeed (`error.retry_after_ms`). */
    readonly retryAfterMs?: number,
  ) {
    super('rate_limited', 'Too many requests');
  }
}

/** Envelope of docs/protocol/http.md §2.1: `{"error":{"code","message"}}` (`details` only on 429). */
export function errorBody(
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): Record<string, unknown> {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * Turns anything thrown into a response. DomainErrors keep their code and message; 5xx codes get a
 * fixed text and are logged with their cause; storage failures (SDK, socket, timeout) become 500
 * `database_error` "Database error"; other non-DomainErrors become 500 `internal_error`
 * "Internal error" and are logged — never echoed (docs/design.md §2).
 */
export function toErrorResponse(err: unknown, logger: Logger): HttpResult {
  if (err instanceof RateLimitedError) {
    return jsonResponse(
      429,
      err.retryAfterMs === undefined
        ? errorBody('rate_limited', err.message, { retry_after: err.retryAfter, limit: err.limit })
        : {
            error: {
              ...(errorBody('rate_limited', err.message, { retry_after: err.retryAfter, limit: err.limit })
                .error as object),
              retry_after_ms: err.retryAfterMs,
            },
          },
      {
        'retry-after': String(err.retryAfter),
        // The bucket that refused, not the general one (its limit is the body's `details.limit`).
        'x-ratelimit-limit': String(err.limit),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(err.retryAfter),
      },
    );
  }
  const retryMs = (err as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  if (err instanceof DomainError && typeof retryMs === 'number') {
    // Lockouts (docs/protocol/extensions.md §0.6, §10): `retry_after_ms` inside `error`.
    return jsonResponse(
      HTTP_STATUS[err.code],
      { error: { code: err.code, message: err.message, retry_after_ms: retryMs } },
      { 'retry-after': String(Math.ceil(retryMs / 1000)) },
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
  if (isStorageUnavailable(err)) {
    // DynamoDB unreachable, timed out or failing (docs/protocol/tcp.md §9.3 `database_error`, HTTP 500).
    logger.error({ err }, 'request failed: storage unavailable');
    return jsonResponse(500, errorBody('database_error', 'Database error'));
  }
  logger.error({ err }, 'unhandled error');
  return jsonResponse(500, errorBody('internal_error', 'Internal error'));
}
