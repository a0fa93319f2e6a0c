// Conditional counter updates of the social limits (docs/protocol/extensions.md §7.3: 1,000 friends, 100 pending outgoing) as transaction items.
import type { Uuid } from '../../kernel/types.js';
import type { TransactItem } from '../../storage/transactions.js';
import { ENTITY, keys } from './keys.js';

/** Per-user change of the two counters (negative = release). */
export interface CounterDelta {
  friends?: number;
  pending_out?: number;
}

/**
 * One UpdateItem (null when `delta` is all zero) adding `delta` to the user's counters; an increase is conditioned on the
 * counter staying at most `max` afterwards (limits: `friends` ≤ 1000, `pending_out` ≤ 100).
 */
export function counterUpdate(
  tableName: string,
  userId: Uuid,
  delta: CounterDelta,
  max: { friends: number; pending_out: number },
): TransactItem | null {
  const adds: string[] = [];
  const conds: string[] = [];
  const values: Record<string, unknown> = { ':entity': ENTITY.socialCounters };
  for (const field of ['friends', 'pending_out'] as const) {
    const d = delta[field];
    if (d === undefined || d === 0) continue;
    adds.push(`${field} :d_${field}`);
    values[`:d_${field}`] = d;
    if (d > 0) {
      conds.push(`(attribute_not_exists(${field}) OR ${field} <= :max_${field})`);
      values[`:max_${field}`] = max[field] - d;
    }
  }
  if (adds.length === 0) return null;
  return {
    Update: {
      TableName: tableName,
      Key: keys.socialCounters(userId),
      UpdateExpression: `SET entity = :entity ADD ${adds.join(', ')}`,
      ...(conds.length > 0 ? { ConditionExpression: conds.join(' AND ') } : {}),
      ExpressionAttributeValues: values,
    },
  };
}

/** Sums deltas per user (one transaction may touch a user's counters only once). */
export function mergeDeltas(entries: readonly [Uuid, CounterDelta][]): Map<Uuid, CounterDelta> {
  const out = new Map<Uuid, CounterDelta>();
  for (const [user, d] of entries) {
    const cur = out.get(user) ?? {};
    out.set(user, {
      friends: (cur.friends ?? 0) + (d.friends ?? 0),
      pending_out: (cur.pending_out ?? 0) + (d.pending_out ?? 0),
    });
  }
  return out;
}
