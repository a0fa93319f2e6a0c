// Relay-side throttle of send_message and typing (issue 17 finding 4): a local token bucket per user, then the per-user counter shared with HTTP and other relays.
import type { RateLimiter } from '../../shared/kernel/ports.js';
import type { Logger } from '../../shared/platform/logger.js';
import { consumeUserMessage } from '../../shared/platform/message-rate.js';

/** Settings of {@link MessageThrottle}. */
export interface MessageThrottleOptions {
  /** The shared fixed-window counters (DynamoDB). */
  limiter: RateLimiter;
  /**
   * Sends per user per 60 s across all transports (`LAIR_RATE_LIMIT_USER_MESSAGES`); 0 = off (sends
   * and typing unthrottled). A function is read on every send, so a config hot reload applies at once.
   */
  perMinute: number | (() => number);
  /** Least time between two relayed `typing` of one user to one target, ms (default 1000). */
  typingIntervalMs?: number;
  logger: Logger;
  /** Monotonic ms clock (tests); default `performance.now`. */
  now?: () => number;
}

/** Largest number of users/targets remembered before old entries are pruned. */
const MAX_TRACKED = 10_000;

/**
 * Decides whether a send or a typing notice goes through. Sends: a per-user token bucket on this
 * relay (burst `max(5, perMinute / 6)`, refilled at `perMinute / 60` per second, so a pipelined
 * flood is cut at once without a storage write per frame), then one unit of the shared per-user
 * counter ({@link consumeUserMessage}, fail-open). Typing: at most one per user and target per
 * `typingIntervalMs`; the rest are dropped silently (typing has no response, docs/protocol/tcp.md
 * §7.17). Neither triggers on what a person types (docs/protocol/tcp.md §10 "Our rule").
 */
export class MessageThrottle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly typingAt = new Map<string, number>();
  private readonly now: () => number;
  private readonly perMinute: () => number;
  /** The limit the current buckets were filled under. */
  private bucketsLimit = NaN;

  constructor(private readonly opts: MessageThrottleOptions) {
    this.now = opts.now ?? (() => performance.now());
    const limit = opts.perMinute;
    this.perMinute = typeof limit === 'function' ? limit : () => limit;
  }

  /**
   * Spends one send of `userId`.
   * @returns null when allowed; else the ms to wait before retrying (≥ 1)
   */
  async checkSend(userId: string): Promise<number | null> {
    const perMinute = this.perMinute();
    if (perMinute <= 0) return null;
    if (perMinute !== this.bucketsLimit) {
      // A reload changed the limit: every user starts over with the new burst (the shared
      // per-minute counter below still holds the budget across the change).
      this.buckets.clear();
      this.bucketsLimit = perMinute;
    }
    // Derived per call from the current limit: a reload changes burst and refill for every bucket.
    const burst = Math.max(5, Math.ceil(perMinute / 6));
    const perMs = perMinute / 60_000;
    const t = this.now();
    const b = this.buckets.get(userId) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + (t - b.at) * perMs);
    b.at = t;
    if (b.tokens < 1) {
      this.buckets.set(userId, b);
      return Math.max(1, Math.ceil((1 - b.tokens) / perMs));
    }
    b.tokens -= 1;
    this.remember(this.buckets, userId, b);
    const shared = await consumeUserMessage(this.opts.limiter, userId, perMinute, (err) => {
      this.opts.logger.warn({ err }, 'message budget unavailable; send allowed');
    });
    return shared.allowed ? null : shared.retryAfterMs;
  }

  /** True when this typing notice of `userId` to `targetKey` may be relayed now. */
  allowTyping(userId: string, targetKey: string): boolean {
    if (this.perMinute() <= 0) return true;
    const interval = this.opts.typingIntervalMs ?? 1000;
    const key = `${userId}\u0000${targetKey}`;
    const t = this.now();
    const last = this.typingAt.get(key);
    if (last !== undefined && t - last < interval) return false;
    this.remember(this.typingAt, key, t);
    return true;
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > MAX_TRACKED) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
  }
}
