// Classifies thrown values as "storage unavailable" (SDK, network, timeout) so adapters answer database_error instead of internal_error (docs/protocol/tcp.md §9.3).
import { DomainError } from '../kernel/errors.js';

const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const TIMEOUT_NAMES: ReadonlySet<string> = new Set(['TimeoutError', 'AbortError', 'RequestTimeout']);

/**
 * True when `err` came out of the DynamoDB client rather than our own code: anything the SDK
 * threw (it carries `$metadata`), a socket error code (`ECONNREFUSED`, `ECONNRESET`, …) or a
 * timeout/abort. DomainErrors are never "unavailable" (they already carry their code).
 * Source rule: docs/protocol/tcp.md §9.3 `database_error` "Database operation failed".
 */
export function isStorageUnavailable(err: unknown): boolean {
  if (err instanceof DomainError || typeof err !== 'object' || err === null) return false;
  const e = err as { $metadata?: unknown; code?: unknown; name?: unknown };
  if (typeof e.$metadata === 'object' && e.$metadata !== null) return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  return typeof e.name === 'string' && TIMEOUT_NAMES.has(e.name);
}
