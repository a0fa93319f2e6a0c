// The per-user message budget shared by every transport (HTTP sends, TCP/WS send_message): one DynamoDB fixed-window counter per user, fail-open (issue 17 finding 4).
import type { RateLimiter } from '../kernel/ports.js';

/** Rate-limiter bucket of message sends, keyed by user id: the same counter in Lambdas and relays. */
export const USER_MESSAGE_BUCKET = 'user-messages';

/** Window of {@link USER_MESSAGE_BUCKET}, seconds. */
export const USER_MESSAGE_WINDOW_SECONDS = 60;

/** Budget of one counter call, ms: past it the send is allowed (fail open, like the HTTP buckets). */
export const USER_MESSAGE_BUDGET_MS = 500;

/** Outcome of {@link consumeUserMessage}: allowed, or refused with the wait until the window resets. */
export type MessageBudget = { allowed: true } | { allowed: false; retryAfterMs: number; limit: number };

/**
 * Spends one send from `userId`'s shared budget (`perMinute` per 60 s window across every relay and
 * Lambda). `perMinute <= 0` disables it. Storage errors and calls slower than
 * {@link USER_MESSAGE_BUDGET_MS} allow the send (logged by `onUnavailable`): a limiter outage must
 * not stop chat.
 * @returns `retryAfterMs` = ms until the window resets (≥ 1)
 */
export async function consumeUserMessage(
  limiter: RateLimiter,
  userId: string,
  perMinute: number,
  onUnavailable: (err: unknown) => void,
): Promise<MessageBudget> {
  if (perMinute <= 0) return { allowed: true };
  let timer: NodeJS.Timeout | undefined;
  try {
    const decision = await Promise.race([
      limiter.consume(userId, USER_MESSAGE_BUCKET, perMinute, USER_MESSAGE_WINDOW_SECONDS),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`message budget exceeded its ${USER_MESSAGE_BUDGET_MS} ms budget`));
        }, USER_MESSAGE_BUDGET_MS);
        timer.unref();
      }),
    ]);
    if (decision.allowed) return { allowed: true };
    return { allowed: false, retryAfterMs: Math.max(1, decision.resetSeconds * 1000), limit: perMinute };
  } catch (err) {
    onUnavailable(err);
    return { allowed: true };
  } finally {
    clearTimeout(timer);
  }
}
