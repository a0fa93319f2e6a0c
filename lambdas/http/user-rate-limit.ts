// middy middleware: the per-user message budget on HTTP sends, shared with TCP/WS send_message (issue 17 finding 4; shared/platform/message-rate.ts).
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { consumeUserMessage } from '../../shared/platform/message-rate.js';
import { RateLimitedError } from './errors.js';
import { stateOf } from './middleware.js';

/** Route keys that create a message and so spend the sender's budget. */
export const SEND_ROUTES: ReadonlySet<string> = new Set(['POST /api/v1/messages']);

/**
 * After {@link bearerAuth}: on {@link SEND_ROUTES}, spends one unit of the caller's (token `sub`)
 * shared budget, `LAIR_RATE_LIMIT_USER_MESSAGES` per 60 s (0 = off), the same counter the relays
 * spend on `send_message`. Fails open when the counter is unavailable.
 * @throws RateLimitedError (429, with `retry_after_ms` inside `error`, docs/protocol/extensions.md §0 rule 6)
 */
export function userRateLimit(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    name: 'userRateLimit',
    before: async ({ event }) => {
      if (!SEND_ROUTES.has(event.routeKey)) return;
      const state = stateOf(event);
      const userId = state.claims?.sub;
      if (userId === undefined) return;
      const { rateLimiter, settings, logger } = state.deps;
      const budget = await consumeUserMessage(
        rateLimiter,
        userId,
        settings.LAIR_RATE_LIMIT_USER_MESSAGES,
        (err) => {
          logger.warn({ err }, 'message budget unavailable; send allowed');
        },
      );
      if (!budget.allowed) {
        throw new RateLimitedError(Math.ceil(budget.retryAfterMs / 1000), budget.limit, budget.retryAfterMs);
      }
    },
  };
}
