// Failed-login counters over DynamoDB (docs/protocol/extensions.md §10 lockout): one item per account or source address, TTL'd, shared by every Lambda and relay.
import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../kernel/ports.js';
import { ttlEpochSeconds } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { ATTR } from '../../storage/table.js';
import { isConditionalCheckFailed } from '../../storage/transactions.js';

/** What a counter counts: failures against one account (or unknown identifier), or from one address. */
export type LockoutKind = 'account' | 'address';

/** Thresholds (docs/protocol/extensions.md §10): failures allowed per window, window and lock lengths in ms. */
export interface LockoutRule {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

/** Failed-login counters (port). */
export interface LockoutRepository {
  /** @returns ms until the subject's lock ends, 0 when not locked */
  lockedFor(kind: LockoutKind, subject: string): Promise<number>;
  /**
   * Counts one failure; the failure that reaches `rule.maxFailures` within `rule.windowMs` locks
   * the subject for `rule.lockMs` (and starts a fresh window). @returns ms of lock now in force (0 = none)
   */
  recordFailure(kind: LockoutKind, subject: string, rule: LockoutRule): Promise<number>;
  /** Forgets the subject's failures and lock (successful login, admin unlock). @returns whether anything was stored */
  clear(kind: LockoutKind, subject: string): Promise<boolean>;
}

/** Keys: `LOCKOUT#<kind>#<sha256 of subject>` / `LOCKOUT` (identifiers and addresses are never stored raw). */
export const lockoutKeys = {
  lockout: (kind: LockoutKind, subject: string): Key => ({
    PK: `LOCKOUT#${kind}#${createHash('sha256').update(subject).digest('hex')}`,
    SK: 'LOCKOUT',
  }),
} as const;

/** `entity` tag of the counters. */
export const LOCKOUT_ENTITY = { lockout: 'lockout' } as const;

/**
 * {@link LockoutRepository}: `failures` (ADD, atomic across processes) inside a window ending at
 * `window_end` (epoch ms); `locked_until` (epoch ms); TTL at the later of both. A stale window is
 * restarted by a conditional SET, so racing writers never lose a count.
 */
export class DynamoLockoutRepository implements LockoutRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async lockedFor(kind: LockoutKind, subject: string): Promise<number> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: lockoutKeys.lockout(kind, subject),
        ConsistentRead: true,
      }),
    );
    const until: unknown = out.Item?.locked_until;
    return typeof until === 'number' ? Math.max(0, until - this.clock.now()) : 0;
  }

  async recordFailure(kind: LockoutKind, subject: string, rule: LockoutRule): Promise<number> {
    const Key = lockoutKeys.lockout(kind, subject);
    const now = this.clock.now();
    let failures = 0;
    for (let attempt = 0; attempt < 4 && failures === 0; attempt++) {
      try {
        const out = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'ADD failures :one',
            ConditionExpression: 'window_end > :now',
            ExpressionAttributeValues: { ':one': 1, ':now': now },
            ReturnValues: 'ALL_NEW',
          }),
        );
        failures = Number(out.Attributes?.failures ?? 1);
      } catch (e) {
        if (!isConditionalCheckFailed(e)) throw e;
        try {
          const end = now + rule.windowMs;
          await this.doc.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key,
              UpdateExpression: 'SET failures = :one, window_end = :end, entity = :entity, #ttl = :ttl',
              ConditionExpression: 'attribute_not_exists(window_end) OR window_end <= :now',
              ExpressionAttributeNames: { '#ttl': ATTR.ttl },
              ExpressionAttributeValues: {
                ':one': 1,
                ':end': end,
                ':now': now,
                ':entity': LOCKOUT_ENTITY.lockout,
                ':ttl': ttlEpochSeconds(end + rule.lockMs),
              },
            }),
          );
          failures = 1;
        } catch (e2) {
          if (!isConditionalCheckFailed(e2)) throw e2; // another writer restarted the window: ADD again
        }
      }
    }
    if (failures < rule.maxFailures) return 0;
    const until = now + rule.lockMs;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'SET locked_until = :until, window_end = :now, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(locked_until) OR locked_until <= :now',
          ExpressionAttributeNames: { '#ttl': ATTR.ttl },
          ExpressionAttributeValues: { ':until': until, ':now': now, ':ttl': ttlEpochSeconds(until) },
        }),
      );
      return rule.lockMs;
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
      return this.lockedFor(kind, subject); // a concurrent failure locked it first
    }
  }

  async clear(kind: LockoutKind, subject: string): Promise<boolean> {
    const out = await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: lockoutKeys.lockout(kind, subject),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes !== undefined;
  }
}
