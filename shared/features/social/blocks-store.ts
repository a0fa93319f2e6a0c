// BlockRepository over DynamoDB: `USER#<blocker>` / `BLOCK#<blocked>`; a block also ends the friendship and pending requests of the pair in the same transaction (docs/protocol/extensions.md §7.3).
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Timestamp, Uuid } from '../../kernel/types.js';
import type { Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { batchGet, queryAll } from '../../storage/operations.js';
import {
  StaleReadError,
  isConditionalCheckFailed,
  transactWrite,
  type TransactItem,
} from '../../storage/transactions.js';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { counterUpdate, mergeDeltas, type CounterDelta } from './counters.js';
import { deleteFriendItems, deleteRequestItems, requestFromItem } from './friends-store.js';
import { ENTITY, keys, prefixes } from './keys.js';
import { SOCIAL_LIMITS, type Block, type BlockRepository } from './model.js';

const MAX = { friends: SOCIAL_LIMITS.friends, pending_out: SOCIAL_LIMITS.pendingOutgoing };
/** Re-reads of the pair's state when it moved during a block. */
const BLOCK_ATTEMPTS = 4;

/** {@link BlockRepository} over the single table; reads are strongly consistent. */
export class DynamoBlockRepository implements BlockRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async getItem(Key: Key): Promise<Item | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }));
    return (out.Item as Item | undefined) ?? null;
  }

  async isBlocked(blocker: Uuid, blocked: Uuid): Promise<boolean> {
    return (await this.getItem(keys.block(blocker, blocked))) !== null;
  }

  async blockedEitherWay(userId: Uuid, others: Uuid[]): Promise<Set<Uuid>> {
    const list = others.filter((o) => o !== userId);
    if (list.length === 0) return new Set();
    const found = await batchGet(
      this.doc,
      this.tableName,
      list.flatMap((o) => [keys.block(userId, o), keys.block(o, userId)]),
    );
    return new Set(
      found
        .filter((i) => i.entity === ENTITY.block)
        .map((i) => (i.blocker_id === userId ? i.blocked_id : i.blocker_id) as Uuid),
    );
  }

  private query(userId: Uuid): Promise<Item[]> {
    return queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':p': prefixes.block },
      ConsistentRead: true,
    });
  }

  async blockedIds(userId: Uuid): Promise<Uuid[]> {
    return (await this.query(userId)).map((i) => i.blocked_id as Uuid);
  }

  async list(userId: Uuid): Promise<Block[]> {
    return (await this.query(userId))
      .map((i) => ({
        user_id: i.blocked_id as Uuid,
        username: i.blocked_username as string,
        created_at: i.created_at as Timestamp,
      }))
      .sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
  }

  async block(blocker: Uuid, blocked: { id: Uuid; username: string }, at: Timestamp): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.blockOnce(blocker, blocked, at);
      } catch (e) {
        if (!(e instanceof StaleReadError) || attempt >= BLOCK_ATTEMPTS) throw e;
      }
    }
  }

  /** One read of the pair's state and one transaction over it (StaleReadError when it moved). */
  private async blockOnce(
    blocker: Uuid,
    blocked: { id: Uuid; username: string },
    at: Timestamp,
  ): Promise<boolean> {
    const TableName = this.tableName;
    const other = blocked.id;
    const [existing, friend, out, inn] = await Promise.all([
      this.getItem(keys.block(blocker, other)),
      this.getItem(keys.friend(blocker, other)),
      this.getItem(keys.requestOut(blocker, other)),
      this.getItem(keys.requestOut(other, blocker)),
    ]);
    if (existing !== null) return false;
    const items: TransactItem[] = [
      {
        Put: {
          TableName,
          Item: {
            ...keys.block(blocker, other),
            entity: ENTITY.block,
            blocker_id: blocker,
            blocked_id: other,
            blocked_username: blocked.username,
            created_at: at,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
    const deltas: [Uuid, CounterDelta][] = [];
    if (friend !== null) {
      items.push(...deleteFriendItems(TableName, blocker, other));
      deltas.push([blocker, { friends: -1 }], [other, { friends: -1 }]);
    }
    for (const edge of [out, inn]) {
      if (edge === null) continue;
      const req = requestFromItem(edge);
      items.push(...deleteRequestItems(TableName, req, false));
      deltas.push([req.from, { pending_out: -1 }]);
    }
    for (const [user, delta] of mergeDeltas(deltas)) {
      const update = counterUpdate(TableName, user, delta, MAX);
      if (update !== null) items.push(update);
    }
    let already = false;
    await transactWrite(this.doc, items, (c) => {
      if (c.failed(0)) {
        already = true;
        return new Error('already blocked');
      }
      return new StaleReadError('pair state moved');
    }).catch((e: unknown) => {
      if (!already) throw e;
    });
    return !already;
  }

  async unblock(blocker: Uuid, blocked: Uuid): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.block(blocker, blocked),
          ConditionExpression: 'attribute_exists(PK)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionalCheckFailed(e)) return false;
      throw e;
    }
  }
}
