// Production implementations of the Clock and IdGenerator ports (crypto UUID v4, monotonic ULID).
import { randomUUID } from 'node:crypto';
import { monotonicFactory } from 'ulidx';
import type { Clock, IdGenerator } from '../kernel/ports.js';

/** Wall clock in epoch milliseconds. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * UUID v4 from node:crypto; ULIDs from ulidx's monotonic factory (strictly increasing within the
 * process even for equal milliseconds), so a conversation's sort keys never collide.
 */
export function createIdGenerator(): IdGenerator {
  const ulid = monotonicFactory();
  return { uuid: () => randomUUID(), ulid: (ms) => ulid(ms) };
}
