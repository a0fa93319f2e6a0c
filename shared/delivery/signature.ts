// HMAC signature of internal relay event posts, so only processes holding the shared secret can inject events.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the hex HMAC-SHA256 of the raw request body. */
export const SIGNATURE_HEADER = 'x-lair-signature';

/** Internal event-post path on each relay (docs/design.md §4.3). Body: `{"events": DomainEvent[]}`. */
export const INTERNAL_EVENTS_PATH = '/internal/events';

/** Signs a body. @param secret - the shared secret (LAIR_JWT_SECRET) @returns lowercase hex */
export function signBody(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Constant-time check of a body signature; false for a missing or malformed header. */
export function verifyBody(secret: string, body: string, signature: string | undefined): boolean {
  if (signature === undefined || !/^[0-9a-f]{64}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signBody(secret, body), 'hex'), Buffer.from(signature, 'hex'));
}
