// ReceiptRepository over DynamoDB: `READ#<user>` / `<conversation>` markers, `RCPT#<message>` / `D#<user>` deliveries, `PREFS#<user>` / `PREFS` preferences (docs/adr/011).
import { COPY_ATTRIBUTES, copyFromItem } from '../../storage/head-copies.js';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Uuid } from '../../kernel/types.js';
import type { Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { batchGet, queryAll } from '../../storage/operations.js';
import { GSI1 } from '../../storage/table.js';
import { isConditionalCheckFailed } from '../../storage/transactions.js';
import {
  DEFAULT_PREFERENCES,
  type Preferences,
  type ReadMarker,
  type ReadTarget,
  type ReceiptRepository,
  type UserIndex,
} from './model.js';

/** Keys of the receipts feature's items. */
export const keys = {
  readMarker: (userId: Uuid, conversation: string): Key => ({ PK: `READ#${userId}`, SK: conversation }),
  delivery: (messageId: Uuid, userId: Uuid): Key => ({ PK: `RCPT#${messageId}`, SK: `D#${userId}` }),
  preferences: (userId: Uuid): Key => ({ PK: `PREFS#${userId}`, SK: 'PREFS' }),
} as const;

/** Partition values used in queries. */
export const partitions = {
  readMarkers: (userId: Uuid) => `READ#${userId}`,
  deliveries: (messageId: Uuid) => `RCPT#${messageId}`,
} as const;

/**
 * GSI1 copy of a marker in the user's index partition (`USER#<id>`, shared with memberships
 * `ROOM#…`, DM peers `DMPEER#…` and invitations): one Query lists a user's targets and markers.
 */
export const indexKeys = {
  readMarker: (userId: Uuid, conversation: string) => ({
    GSI1PK: `USER#${userId}`,
    GSI1SK: `READ#${conversation}`,
  }),
} as const;

/** `entity` tags of the receipts feature's items. */
export const ENTITY = {
  readMarker: 'read_marker',
  delivery: 'delivery',
  preferences: 'preferences',
} as const;

/** The attributes {@link DynamoReceiptRepository.userIndex} reads (membership, marker and DM-peer rows). */
const USER_INDEX_ATTRIBUTES = [
  'GSI1SK',
  'entity',
  'room_id',
  'joined_at',
  'user_id',
  'target',
  'up_to',
  'up_to_seq',
  'read_at',
  'n_at',
  'own_at',
  'peer',
  'conversation_id',
  // The member's copy of the head (fan-out targets, docs/adr/028).
  ...COPY_ATTRIBUTES,
];
const USER_INDEX_NAMES = Object.fromEntries(USER_INDEX_ATTRIBUTES.map((a, i) => [`#a${i}`, a]));
const USER_INDEX_PROJECTION = Object.keys(USER_INDEX_NAMES).join(', ');

function markerFromItem(item: Item): ReadMarker {
  return {
    user_id: item.user_id as string,
    conversation: item.SK as string,
    target: item.target as ReadTarget,
    up_to: item.up_to as string,
    up_to_seq: item.up_to_seq as string,
    read_at: item.read_at as string,
    n_at: typeof item.n_at === 'number' ? item.n_at : 0,
    own_at: typeof item.own_at === 'number' ? item.own_at : 0,
  };
}

/** Stored preferences over the defaults, one section at a time (older items lack new keys). */
function mergePreferences(stored: Partial<Preferences> | undefined): Preferences {
  return {
    notifications: { ...DEFAULT_PREFERENCES.notifications, ...stored?.notifications },
    privacy: { ...DEFAULT_PREFERENCES.privacy, ...stored?.privacy },
    theme: typeof stored?.theme === 'string' ? stored.theme : DEFAULT_PREFERENCES.theme,
  };
}

/** {@link ReceiptRepository} over the single table. */
export class DynamoReceiptRepository implements ReceiptRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async markers(userId: Uuid): Promise<ReadMarker[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': partitions.readMarkers(userId) },
      ConsistentRead: true,
    });
    return items.map(markerFromItem);
  }

  async userIndex(userId: Uuid): Promise<UserIndex> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: GSI1,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': `USER#${userId}` },
      // Only what the index rows are read for: the partition also holds whole membership and
      // invitation items (about ⅔ of the bytes of an unprojected read, docs/adr/011 "Read cost").
      ProjectionExpression: USER_INDEX_PROJECTION,
      ExpressionAttributeNames: USER_INDEX_NAMES,
    });
    const out: UserIndex = { rooms: [], markers: [], dmPeers: [], conversations: [] };
    for (const item of items) {
      const sk = String(item.GSI1SK);
      // Membership rows belong to the rooms feature: only their room id and join time are read here.
      if (sk.startsWith('ROOM#') && item.entity === 'membership')
        out.rooms.push({
          room_id: item.room_id as string,
          joined_at: item.joined_at as string,
          copy: copyFromItem(item),
        });
      else if (sk.startsWith('READ#')) out.markers.push(markerFromItem({ ...item, SK: sk.slice(5) }));
      else if (sk.startsWith('DMPEER#'))
        out.dmPeers.push({ conversation: sk.slice(7), peer: item.peer as string, copy: copyFromItem(item) });
      // Participant rows belong to the conversations feature (extensions.md §7.2): only the id is read.
      else if (sk.startsWith('CONV#') && item.entity === 'conversation_participant')
        out.conversations.push(item.conversation_id as string);
    }
    return out;
  }

  async marker(userId: Uuid, conversation: string): Promise<ReadMarker | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.readMarker(userId, conversation),
        ConsistentRead: true,
      }),
    );
    return out.Item ? markerFromItem(out.Item) : null;
  }

  async markersOf(userIds: readonly Uuid[], conversation: string): Promise<ReadMarker[]> {
    const got = await batchGet(
      this.doc,
      this.tableName,
      userIds.map((u) => keys.readMarker(u, conversation)),
    );
    return got.map(markerFromItem);
  }

  async advance(marker: ReadMarker): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.readMarker(marker.user_id, marker.conversation),
            ...indexKeys.readMarker(marker.user_id, marker.conversation),
            entity: ENTITY.readMarker,
            ...marker,
          },
          // Only forward (extensions.md §2): an older or equal up_to is a no-op.
          ConditionExpression: 'attribute_not_exists(PK) OR up_to_seq < :seq',
          ExpressionAttributeValues: { ':seq': marker.up_to_seq },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionalCheckFailed(e)) return false;
      throw e;
    }
  }

  async recordDelivery(messageId: Uuid, userId: Uuid, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.delivery(messageId, userId), entity: ENTITY.delivery, user_id: userId, at },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionalCheckFailed(e)) return false;
      throw e;
    }
  }

  async deliveries(messageId: Uuid): Promise<{ user_id: Uuid; at: string }[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': partitions.deliveries(messageId) },
    });
    return items.map((i) => ({ user_id: i.user_id as string, at: i.at as string }));
  }

  async preferences(userId: Uuid): Promise<Preferences> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.preferences(userId), ConsistentRead: true }),
    );
    return mergePreferences(out.Item?.preferences as Partial<Preferences> | undefined);
  }

  async putPreferences(userId: Uuid, prefs: Preferences): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.preferences(userId), entity: ENTITY.preferences, preferences: prefs },
      }),
    );
  }
}
