// The error-row shape every feature declares its codes with, and the kernel's own rows (a leaf module: no imports).

/**
 * One error code's whole contract, declared next to the feature that raises it
 * (docs/protocol/tcp.md §9.3, docs/protocol/http.md §2): the default wire text, the HTTP status, and the code
 * sent inside a TCP/WS `<command>_response.error` when it differs from the domain code
 * (`tcp`, with `tcpText` replacing the text), e.g. HTTP-only bearer codes collapse to `invalid_token`.
 */
export interface ErrorRow {
  /** Default human text (docs/protocol/tcp.md §9.3 "Message" column). */
  message: string;
  /** HTTP status (docs/protocol/tcp.md §9.3 "HTTP" column, docs/protocol/http.md §2). */
  http: number;
  /** TCP/WS response code when not the domain code itself (docs/protocol/tcp.md §9.3). */
  tcp?: string;
  /** Text sent with `tcp` instead of the error's own message. */
  tcpText?: string;
}

/** A feature's error rows, keyed by code. */
export type ErrorRows = Readonly<Record<string, ErrorRow>>;

/**
 * Codes raised by the adapters and the kernel itself rather than by one feature: permission and
 * validation generics, malformed ids, framework-level HTTP rejections (docs/protocol/http.md §2.2), rate
 * limits (docs/protocol/http.md §3) and the two 5xx codes (never echoed with their cause, docs/design.md §2).
 */
export const KERNEL_ERRORS = {
  permission_denied: { message: 'Permission denied', http: 403 },
  validation_failed: { message: 'Validation failed', http: 400 },
  rate_limited: { message: 'Too many requests', http: 429 },
  invalid_id: { message: 'Invalid ID', http: 400 },
  not_found: { message: 'Not found', http: 404 },
  invalid_request: {
    message: 'Invalid request',
    http: 400,
    tcp: 'validation_failed',
    tcpText: 'Validation failed',
  },
  unsupported_media_type: {
    message: 'Content-Type must be application/json',
    http: 415,
    tcp: 'validation_failed',
    tcpText: 'Validation failed',
  },
  payload_too_large: {
    message: 'Request body too large',
    http: 413,
    tcp: 'validation_failed',
    tcpText: 'Validation failed',
  },
  database_error: { message: 'Database error', http: 500 },
  internal_error: { message: 'Internal error', http: 500, tcpText: 'Internal error' },
} as const satisfies ErrorRows;
