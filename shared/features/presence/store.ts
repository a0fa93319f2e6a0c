// PresenceRepository over DynamoDB: TTL'd connection and relay heartbeat items (docs/design.md §3, §4).
import DataLoader from 'dataloader';
import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Uuid } from '../../kernel/types.js';
import type { ConnectionRef, PresenceRepository, RelayInfo } from './model.js';
import type { Clock } from '../../kernel/ports.js';
import { liveFilter, ttlEpochSeconds, type Item } from '../../storage/items.js';
import { userIndexPartition, type Key } from '../../storage/keys.js';
import { batchPut, countAll, queryAll } from '../../storage/operations.js';
import { ATTR, GSI1 } from '../../storage/table.js';

/** Keys of the presence feature's items (docs/design.md §3, §4). */
export const keys = {
  connection: (userId: Uuid, relayId: string, connectionId: string): Key => ({
    PK: `USER#${userId}`,
    SK: `CONN#${relayId}#${connectionId}`,
  }),
  relay: (relayId: string): Key => ({ PK: 'RELAYS', SK: `RELAY#${relayId}` }),
} as const;

/** Secondary-index keys: GSI1 every live connection (online users), GSI2 the connections one relay holds. */
export const indexKeys = {
  connection: (userId: Uuid, relayId: string, connectionId: string) => ({
    GSI1PK: 'ONLINE',
    GSI1SK: `${userId}#${relayId}#${connectionId}`,
    GSI2PK: `RELAY#${relayId}`,
    GSI2SK: `${userId}#${connectionId}`,
  }),
} as const;

/** Partition values used in queries. */
export const partitions = { online: 'ONLINE', relays: 'RELAYS', userIndex: userIndexPartition } as const;

/** Sort-key prefixes used with `begins_with`. */
export const prefixes = { connection: 'CONN#' } as const;

/** `entity` tags of the presence feature's items. */
export const ENTITY = { connection: 'connection', relay: 'relay' } as const;

/** The stored connection item: `USER#<id>` / `CONN#<relay>#<conn>`, GSI1 `ONLINE`, GSI2 `RELAY#<relay>`. */
export function connectionItem(
  userId: Uuid,
  relayId: string,
  connectionId: string,
  expiresAtSec: number,
): Item {
  return {
    ...keys.connection(userId, relayId, connectionId),
    ...indexKeys.connection(userId, relayId, connectionId),
    entity: ENTITY.connection,
    user_id: userId,
    relay_id: relayId,
    connection_id: connectionId,
    [ATTR.ttl]: expiresAtSec,
  };
}

/** The stored relay item: `RELAYS` / `RELAY#<id>`. */
export function relayItem(info: RelayInfo, expiresAtSec: number): Item {
  return {
    ...keys.relay(info.relayId),
    entity: ENTITY.relay,
    relay_id: info.relayId,
    endpoint: info.endpoint,
    [ATTR.ttl]: expiresAtSec,
  };
}

/**
 * {@link PresenceRepository} over the single table. Every read treats `expiresAt <= now` as absent
 * (TTL is lazy, docs/design.md §3); `now` comes from the injected clock.
 */
export class DynamoPresenceRepository implements PresenceRepository {
  /**
   * The connection Puts of one event-loop turn go out as one BatchWriteItem (≤ 25 items): a
   * reconnect storm writes one request per batch instead of one per connection (docs/adr/029).
   * Unconditional Puts of distinct keys, so the batch writes exactly what the Puts would.
   */
  private readonly puts: DataLoader<Item, void, Item>;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {
    this.puts = new DataLoader<Item, void, Item>(
      async (items) => {
        await batchPut(this.doc, this.tableName, [...items]);
        return items.map(() => undefined);
      },
      {
        cache: false,
        maxBatchSize: 25,
        batchScheduleFn: (send) => {
          setImmediate(send);
        },
      },
    );
  }

  /**
   * Puts (or refreshes) the item with `expiresAt` = now + `ttlSeconds` (epoch s, rounded up), in a
   * BatchWriteItem shared with the other connections put in the same event-loop turn.
   * @throws what BatchWriteItem throws, or DomainError `database_error` when the item stays unprocessed
   */
  async putConnection(
    userId: Uuid,
    relayId: string,
    connectionId: string,
    ttlSeconds: number,
  ): Promise<void> {
    await this.puts.load(connectionItem(userId, relayId, connectionId, this.expiry(ttlSeconds)));
  }

  /** Batch-refreshes connection items with `expiresAt` = now + `ttlSeconds` (epoch s). */
  async refreshConnections(connections: readonly ConnectionRef[], ttlSeconds: number): Promise<void> {
    const expiresAt = this.expiry(ttlSeconds);
    await batchPut(
      this.doc,
      this.tableName,
      connections.map((c) => connectionItem(c.userId, c.relayId, c.connectionId, expiresAt)),
    );
  }

  async deleteConnection(userId: Uuid, relayId: string, connectionId: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.connection(userId, relayId, connectionId) }),
    );
  }

  /** Strongly consistent COUNT of `USER#<id>` / `CONN#…` items that are still live. */
  async countConnections(userId: Uuid): Promise<number> {
    return countAll(this.doc, this.liveConnectionsQuery(userId));
  }

  /** Whether the user has any live connection item: pages of 10 until the first one (strongly consistent). */
  async hasConnections(userId: Uuid): Promise<boolean> {
    let lastKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          ...this.liveConnectionsQuery(userId),
          Select: 'COUNT',
          Limit: 10,
          ExclusiveStartKey: lastKey,
        }),
      );
      if ((out.Count ?? 0) > 0) return true;
      lastKey = out.LastEvaluatedKey;
    } while (lastKey !== undefined);
    return false;
  }

  /** The Query of a user's `CONN#…` items whose TTL has not passed (ConsistentRead). */
  private liveConnectionsQuery(userId: Uuid) {
    const live = liveFilter(this.clock.now());
    return {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      FilterExpression: live.expression,
      ExpressionAttributeNames: live.names,
      ExpressionAttributeValues: {
        ':pk': partitions.userIndex(userId),
        ':prefix': prefixes.connection,
        ...live.values,
      },
      ConsistentRead: true,
    };
  }

  /** Distinct user ids of live items in GSI1 `ONLINE` (eventually consistent), any order. */
  async listOnlineUserIds(): Promise<Uuid[]> {
    const live = liveFilter(this.clock.now());
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: GSI1,
      KeyConditionExpression: 'GSI1PK = :pk',
      FilterExpression: live.expression,
      ProjectionExpression: 'user_id',
      ExpressionAttributeNames: live.names,
      ExpressionAttributeValues: { ':pk': partitions.online, ...live.values },
    });
    return [...new Set(items.map((item) => item.user_id as string))];
  }

  /** Puts (or refreshes) the relay item with `expiresAt` = now + `ttlSeconds` (epoch s, rounded up). */
  async registerRelay(info: RelayInfo, ttlSeconds: number): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: relayItem(info, this.expiry(ttlSeconds)) }),
    );
  }

  async deregisterRelay(relayId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.relay(relayId) }));
  }

  /** Strongly consistent Query of the `RELAYS` partition, live items only. */
  async listRelays(): Promise<RelayInfo[]> {
    const live = liveFilter(this.clock.now());
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      FilterExpression: live.expression,
      ExpressionAttributeNames: live.names,
      ExpressionAttributeValues: { ':pk': partitions.relays, ...live.values },
      ConsistentRead: true,
    });
    return items.map((item) => ({ relayId: item.relay_id as string, endpoint: item.endpoint as string }));
  }

  private expiry(ttlSeconds: number): number {
    return ttlEpochSeconds(this.clock.now() + ttlSeconds * 1000);
  }
}
