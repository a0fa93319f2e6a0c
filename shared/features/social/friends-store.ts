// FriendRepository over DynamoDB: request edges in both users' partitions plus an id item, friendship pairs, limit counters — every change one transaction (docs/protocol/extensions.md §7.3).
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError, DomainError } from '../../kernel/errors.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';
import type { Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { queryAll } from '../../storage/operations.js';
import { transactWrite, type TransactItem } from '../../storage/transactions.js';
import { counterUpdate, type CounterDelta } from './counters.js';
import { ENTITY, keys, prefixes } from './keys.js';
import { SOCIAL_LIMITS, type FriendRepository, type FriendRequestRecord } from './model.js';

const MAX = { friends: SOCIAL_LIMITS.friends, pending_out: SOCIAL_LIMITS.pendingOutgoing };
const REQUEST_FIELDS = [
  'id',
  'from',
  'from_username',
  'to',
  'to_username',
  'status',
  'message',
  'created_at',
] as const;

/** A non-zero counter change as a transaction item. */
function bump(tableName: string, userId: Uuid, delta: CounterDelta): TransactItem {
  const item = counterUpdate(tableName, userId, delta, MAX);
  if (item === null) throw new Error('empty counter delta');
  return item;
}

/** The wire request from any of its three items. */
export function requestFromItem(i: Item): FriendRequestRecord {
  return Object.fromEntries(REQUEST_FIELDS.map((f) => [f, i[f] ?? null])) as unknown as FriendRequestRecord;
}

/** The three keys of a request (sender edge, recipient edge, id item). */
export function requestKeys(req: Pick<FriendRequestRecord, 'id' | 'from' | 'to'>) {
  return [keys.requestOut(req.from, req.to), keys.requestIn(req.to, req.from), keys.requestById(req.id)];
}

/** Transaction items deleting a request (each conditioned on existing) and releasing the sender's slot. */
export function deleteRequestItems(
  tableName: string,
  req: FriendRequestRecord,
  withCounter = true,
): TransactItem[] {
  const deletes: TransactItem[] = requestKeys(req).map((Key) => ({
    Delete: { TableName: tableName, Key, ConditionExpression: 'attribute_exists(PK)' },
  }));
  const release = withCounter ? counterUpdate(tableName, req.from, { pending_out: -1 }, MAX) : null;
  return release === null ? deletes : [...deletes, release];
}

/** Transaction items deleting both sides of a friendship (each conditioned on existing). */
export function deleteFriendItems(tableName: string, a: Uuid, b: Uuid): TransactItem[] {
  return [keys.friend(a, b), keys.friend(b, a)].map((Key) => ({
    Delete: { TableName: tableName, Key, ConditionExpression: 'attribute_exists(PK)' },
  }));
}

/** {@link FriendRepository} over the single table; reads are strongly consistent. */
export class DynamoFriendRepository implements FriendRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async getItem(Key: Key): Promise<Item | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }));
    return (out.Item as Item | undefined) ?? null;
  }

  async pendingBetween(from: Uuid, to: Uuid): Promise<FriendRequestRecord | null> {
    const item = await this.getItem(keys.requestOut(from, to));
    return item === null ? null : requestFromItem(item);
  }

  async getRequest(id: Uuid): Promise<FriendRequestRecord | null> {
    const item = await this.getItem(keys.requestById(id));
    return item === null ? null : requestFromItem(item);
  }

  async createRequest(req: FriendRequestRecord): Promise<void> {
    const TableName = this.tableName;
    const notExists = 'attribute_not_exists(PK)';
    const put = (key: Key, entity: string): TransactItem => ({
      Put: { TableName, Item: { ...key, entity, ...req }, ConditionExpression: notExists },
    });
    const absent = (Key: Key): TransactItem => ({
      ConditionCheck: { TableName, Key, ConditionExpression: notExists },
    });
    const items: TransactItem[] = [
      put(keys.requestOut(req.from, req.to), ENTITY.friendRequestEdge),
      put(keys.requestIn(req.to, req.from), ENTITY.friendRequestEdge),
      put(keys.requestById(req.id), ENTITY.friendRequest),
      absent(keys.requestOut(req.to, req.from)),
      bump(TableName, req.from, { pending_out: 1 }),
      absent(keys.friend(req.from, req.to)),
      absent(keys.block(req.from, req.to)),
      absent(keys.block(req.to, req.from)),
    ];
    await transactWrite(this.doc, items, (c) => {
      if (c.failed(5)) return new ConflictError('already_friends');
      if (c.failed(6) || c.failed(7)) return new DomainError('recipient_unavailable');
      if (c.failed(0) || c.failed(1) || c.failed(3)) return new ConflictError('request_exists');
      if (c.failed(4)) return new ConflictError('friend_limit');
      return new Error('friend request id collision');
    });
  }

  async accept(req: FriendRequestRecord, since: Timestamp): Promise<void> {
    const TableName = this.tableName;
    const deletes = deleteRequestItems(TableName, req, false);
    const friend = (a: Uuid, b: Uuid): TransactItem => ({
      Put: {
        TableName,
        Item: { ...keys.friend(a, b), entity: ENTITY.friend, user_id: a, friend_id: b, since },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    });
    const items: TransactItem[] = [
      ...deletes,
      friend(req.from, req.to),
      friend(req.to, req.from),
      bump(TableName, req.from, { pending_out: -1, friends: 1 }),
      bump(TableName, req.to, { friends: 1 }),
    ];
    await transactWrite(this.doc, items, (c) => {
      if (c.failed(0) || c.failed(1) || c.failed(2)) return new DomainError('not_found');
      if (c.failed(5) || c.failed(6)) return new ConflictError('friend_limit');
      return new ConflictError('already_friends');
    });
  }

  async deleteRequest(req: FriendRequestRecord): Promise<boolean> {
    let gone = false;
    await transactWrite(this.doc, deleteRequestItems(this.tableName, req), () => {
      gone = true;
      return new DomainError('not_found');
    }).catch((e: unknown) => {
      if (!gone) throw e;
    });
    return !gone;
  }

  async listRequests(userId: Uuid, direction: 'incoming' | 'outgoing'): Promise<FriendRequestRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: {
        ':pk': `USER#${userId}`,
        ':p': direction === 'incoming' ? prefixes.requestIn : prefixes.requestOut,
      },
      ConsistentRead: true,
    });
    return items.map(requestFromItem).sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
  }

  async areFriends(a: Uuid, b: Uuid): Promise<boolean> {
    return (await this.getItem(keys.friend(a, b))) !== null;
  }

  async listFriends(userId: Uuid): Promise<{ friend_id: Uuid; since: Timestamp }[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':p': prefixes.friend },
      ConsistentRead: true,
    });
    return items.map((i) => ({ friend_id: i.friend_id as Uuid, since: i.since as Timestamp }));
  }

  async removeFriend(a: Uuid, b: Uuid): Promise<boolean> {
    const TableName = this.tableName;
    let gone = false;
    const items = [
      ...deleteFriendItems(TableName, a, b),
      bump(TableName, a, { friends: -1 }),
      bump(TableName, b, { friends: -1 }),
    ];
    await transactWrite(this.doc, items, () => {
      gone = true;
      return new DomainError('not_found');
    }).catch((e: unknown) => {
      if (!gone) throw e;
    });
    return !gone;
  }
}
