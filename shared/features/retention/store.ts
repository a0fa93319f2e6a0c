// Retention stamps on message items: one message's `expiresAt`, and the resumable re-stamp of a whole conversation (docs/protocol/extensions.md §5).
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../storage/items.js';
import { ATTR } from '../../storage/table.js';
import { expiresAtFor } from './model.js';

/** Progress of a re-stamp, reported every page. */
export interface RestampProgress {
  conversation: string;
  /** Message items looked at so far. */
  scanned: number;
  /** Items whose `expiresAt` was changed. */
  stamped: number;
  done: boolean;
}

/** Writes `expiresAt` (epoch s) on message items. */
export interface RetentionStamper {
  /**
   * Sets (or, for `days` null, removes) the TTL of the message at `PK`/`SK` created at
   * `createdAtMs`; a message deleted meanwhile is skipped. Idempotent.
   */
  stamp(key: { PK: string; SK: string }, createdAtMs: number, days: number | null): Promise<void>;
  /**
   * Re-stamps every message of `MSGS#<conversation>` for `days`, page by page (1 MB Query
   * pages, 16 updates in flight), calling `progress` after each page.
   * @returns the final progress
   */
  restamp(
    conversation: string,
    days: number | null,
    progress: (p: RestampProgress) => void,
  ): Promise<RestampProgress>;
}

/** {@link RetentionStamper} over the table. */
export class DynamoRetentionStamper implements RetentionStamper {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async stamp(key: { PK: string; SK: string }, createdAtMs: number, days: number | null): Promise<void> {
    const at = expiresAtFor(createdAtMs, days);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: key.PK, SK: key.SK },
          UpdateExpression: at === undefined ? 'REMOVE #ttl' : 'SET #ttl = :at',
          ConditionExpression:
            at === undefined
              ? 'attribute_exists(PK)'
              : 'attribute_exists(PK) AND (attribute_not_exists(#ttl) OR #ttl <> :at)',
          ExpressionAttributeNames: { '#ttl': ATTR.ttl },
          ...(at === undefined ? {} : { ExpressionAttributeValues: { ':at': at } }),
        }),
      );
    } catch (err) {
      // Gone (deleted, expired) or already stamped: nothing to do.
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async restamp(
    conversation: string,
    days: number | null,
    progress: (p: RestampProgress) => void,
  ): Promise<RestampProgress> {
    const state: RestampProgress = { conversation, scanned: 0, stamped: 0, done: false };
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': `MSGS#${conversation}` },
          ProjectionExpression: 'PK, SK, created_at, #ttl',
          ExpressionAttributeNames: { '#ttl': ATTR.ttl },
          ExclusiveStartKey: start,
        }),
      );
      start = out.LastEvaluatedKey;
      const items = (out.Items ?? []) as Item[];
      state.scanned += items.length;
      const todo = items.filter((i) => {
        const want = expiresAtFor(Date.parse(String(i.created_at)), days);
        return i[ATTR.ttl] !== want;
      });
      for (let i = 0; i < todo.length; i += 16) {
        await Promise.all(
          todo
            .slice(i, i + 16)
            .map((item) =>
              this.stamp(
                { PK: String(item.PK), SK: String(item.SK) },
                Date.parse(String(item.created_at)),
                days,
              ),
            ),
        );
      }
      state.stamped += todo.length;
      state.done = start === undefined;
      progress({ ...state });
    } while (start !== undefined);
    return state;
  }
}
