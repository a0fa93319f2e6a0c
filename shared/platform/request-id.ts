// Request ids (issue 17 finding 8): accept a client's `x-request-id` or make one, and carry it through async work (AsyncLocalStorage) into logs and relay-internal posts.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** The header that carries it on HTTP responses and relay-internal event posts. */
export const REQUEST_ID_HEADER = 'x-request-id';

const SAFE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const storage = new AsyncLocalStorage<string>();

/**
 * A client-supplied id when it is 1–128 safe characters (letters, digits, `._:@/+=-`; anything else
 * could forge log lines), else a fresh UUID v4.
 */
export function requestIdFrom(supplied: string | undefined): string {
  return supplied !== undefined && SAFE.test(supplied) ? supplied : randomUUID();
}

/** Runs `fn` with `id` as the current request id (and everything it awaits). */
export function withRequestId<T>(id: string, fn: () => T): T {
  return storage.run(id, fn);
}

/** Makes `id` current for the rest of this async context (middleware that cannot wrap the handler). */
export function enterRequestId(id: string): void {
  storage.enterWith(id);
}

/** The current request id, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore();
}
