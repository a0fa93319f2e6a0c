// The one table mapping domain error codes to TCP/WS response error codes, and thrown-value -> wire error conversion.
import { ERROR_ROWS } from '../../shared/features/catalog.js';
import { DomainError, type ErrorCode } from '../../shared/kernel/errors.js';
import type { Logger } from '../../shared/platform/logger.js';
import { isStorageUnavailable } from '../../shared/storage/index.js';
import type { ResponseErrorCode } from '../protocol/index.js';

/** Fixed text of `internal_error` (docs/protocol/tcp.md §9.3); the cause is logged, never echoed (docs/design.md §2). */
export const INTERNAL_ERROR_TEXT = 'Internal error';

/** Fixed text of `database_error` (docs/protocol/tcp.md §9.3); the SDK's detail is logged, never echoed. */
export const DATABASE_ERROR_TEXT = 'Database error';

/**
 * Domain code -> code sent inside `<command>_response.error` (docs/protocol/tcp.md §9.3): a view of the error
 * rows (shared/features/catalog.ts). Engine codes pass through unchanged; HTTP-only bearer/body
 * codes (which a TCP flow cannot really produce) collapse to the nearest TCP code, with the
 * replacement text their row gives.
 */
export const TCP_ERROR_TABLE: Readonly<Record<ErrorCode, { code: ResponseErrorCode; text?: string }>> =
  Object.fromEntries(
    Object.entries(ERROR_ROWS).map(([code, row]) => [
      code,
      {
        code: (row.tcp ?? code) as ResponseErrorCode,
        ...(row.tcpText === undefined ? {} : { text: row.tcpText }),
      },
    ]),
  ) as Record<ErrorCode, { code: ResponseErrorCode; text?: string }>;

/**
 * Converts anything a command threw into the `{code, message}` of its failed response.
 * DomainErrors keep their wire text (except the codes rewritten by {@link TCP_ERROR_TABLE});
 * a storage failure ({@link isStorageUnavailable}: SDK, socket or timeout error) becomes
 * `database_error` "Database error" (issue 17 finding 11); anything else is logged with its cause
 * and becomes `internal_error` "Internal error".
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
  if (isStorageUnavailable(err)) {
    // DynamoDB unreachable, timed out or failing: docs/protocol/tcp.md §9.3 names database_error.
    logger.error({ err, ...context }, 'command failed: storage unavailable');
    return { code: 'database_error', message: DATABASE_ERROR_TEXT };
  }
  logger.error({ err, ...context }, 'command failed with an unexpected error');
  return { code: 'internal_error', message: INTERNAL_ERROR_TEXT };
}
