// Item-level conventions shared by the repositories: the `entity` tag, TTL units and the liveness rule.
import { ATTR } from './table.js';

/** A raw table item as read through the document client (attribute name -> native value). */
export type Item = Record<string, unknown>;

/**
 * Value of the `entity` attribute every item carries, so stream handlers and ad-hoc tools can tell
 * items apart without parsing keys; stripped when mapping back to entity types. Each feature's
 * store declares its own tags; this is the storage kernel's (the merged view: features/index.ts).
 */
export const ENTITY = {
  rateLimit: 'rate_limit',
} as const;

/**
 * TTL attribute value (epoch **seconds**) for an expiry given in epoch **milliseconds**, rounded up
 * so TTL never reclaims an item before it really expires (docs/design.md §3).
 */
export function ttlEpochSeconds(expiryMs: number): number {
  return Math.ceil(expiryMs / 1000);
}

/**
 * The liveness rule: an item with `expiresAt <= now` is treated as absent (TTL is lazy, docs/design.md §3).
 * Items without `expiresAt` never expire. @param nowMs - epoch milliseconds
 */
export function isLive(item: Item, nowMs: number): boolean {
  const ttl = item[ATTR.ttl];
  return typeof ttl !== 'number' || ttl * 1000 > nowMs;
}

/**
 * FilterExpression parts equivalent to {@link isLive} for items that carry `expiresAt`
 * (integer seconds: `ttl * 1000 > nowMs` <=> `ttl > floor(nowMs / 1000)`).
 */
export function liveFilter(nowMs: number): {
  expression: string;
  names: Record<string, string>;
  values: Record<string, number>;
} {
  return {
    expression: '#ttl > :nowSec',
    names: { '#ttl': ATTR.ttl },
    values: { ':nowSec': Math.floor(nowMs / 1000) },
  };
}
