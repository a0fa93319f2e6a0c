// RateLimiter over DynamoDB: fixed-window counters shared by every instance (docs/protocol/http.md §3, docs/design.md §7).
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock, RateLimitDecision, RateLimiter } from '../kernel/ports.js';
import { ENTITY } from '../features/index.js';
import { keys } from '../features/index.js';
import { ATTR } from './table.js';

/**
 * {@link RateLimiter} with fixed windows aligned to multiples of `windowSeconds` since the epoch:
 * one item per (bucket, key, window start in epoch **seconds**), incremented with `ADD` (atomic
 * across Lambdas and relays) and expiring by TTL at the window end. Old windows are never read, so
 * the lazy TTL cannot resurrect a count.
 *
 * Difference from upstream (docs/protocol/http.md §3): upstream starts a key's window at its first request; here
 * windows are aligned, which needs no read-modify-write and allows at most 2x `limit` across one
 * boundary.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Consumes one unit (even when refused, like upstream's counting).
   * @param limit - requests per window; @param windowSeconds - window length in seconds (>= 1)
   * @returns `remaining` never below 0; `resetSeconds` = whole seconds (rounded up) to the window end
   */
  async consume(
    key: string,
    bucket: string,
    limit: number,
    windowSeconds: number,
  ): Promise<RateLimitDecision> {
    const nowMs = this.clock.now();
    const window = Math.max(1, Math.floor(windowSeconds));
    const windowStart = Math.floor(nowMs / 1000 / window) * window;
    const windowEnd = windowStart + window;
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.rateLimit(key, bucket, windowStart),
        UpdateExpression: 'ADD #count :one SET #ttl = if_not_exists(#ttl, :end), entity = :entity',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': ATTR.ttl },
        ExpressionAttributeValues: { ':one': 1, ':end': windowEnd, ':entity': ENTITY.rateLimit },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const count = (out.Attributes?.count as number | undefined) ?? 1;
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      resetSeconds: Math.max(1, Math.ceil((windowEnd * 1000 - nowMs) / 1000)),
    };
  }
}
