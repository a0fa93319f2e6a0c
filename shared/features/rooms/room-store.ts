// RoomRepository over DynamoDB: META items with counters/version, name sentinels, cascade delete (docs/design.md §3).
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Uuid } from '../../kernel/types.js';
import type { Room, RoomMembership, RoomPatch, RoomRecord, RoomRepository } from './model.js';
import { ConflictError, DomainError, VersionConflictError } from '../../kernel/errors.js';
import type { Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { ENTITY, indexKeys, keys, partitions } from './keys.js';
import { membershipItem } from './membership-store.js';
import { DEFAULT_FANOUT_MAX_MEMBERS, joinPlan } from '../../storage/head-copies.js';
import {
  batchDelete,
  batchGet,
  countAll,
  gsi1Partition,
  queryAll,
  queryOffsetPage,
  gsi1SkContains,
} from '../../storage/operations.js';
import { transactWrite, type TransactItem } from '../../storage/transactions.js';

/** The stored META item: GSI1 `ROOMS#public|private` / `<lower name>`, settings nested as on the wire. */
export function roomItem(room: RoomRecord): Item {
  return {
    ...keys.room(room.id),
    ...indexKeys.roomByName(room.name, room.settings.is_private),
    entity: ENTITY.room,
    id: room.id,
    name: room.name,
    owner: room.owner,
    settings: {
      description: room.settings.description,
      is_private: room.settings.is_private,
      max_members: room.settings.max_members,
      retention_days: room.settings.retention_days,
    },
    created_at: room.created_at,
    member_count: room.member_count,
    owner_count: room.owner_count,
    version: room.version,
  };
}

/** Maps a META item back to a {@link RoomRecord}. */
export function roomRecordFromItem(item: Item): RoomRecord {
  const settings = (item.settings ?? {}) as Partial<Room['settings']>;
  return {
    id: item.id as string,
    name: item.name as string,
    owner: item.owner as string,
    settings: {
      description: settings.description ?? null,
      is_private: settings.is_private ?? false,
      max_members: settings.max_members ?? null,
      retention_days: settings.retention_days ?? null,
    },
    created_at: item.created_at as string,
    member_count: item.member_count as number,
    owner_count: item.owner_count as number,
    slow_mode_seconds: typeof item.slow_mode_seconds === 'number' ? item.slow_mode_seconds : 0,
    version: item.version as number,
  };
}

const nameSentinel = (name: string, roomId: Uuid): Item => ({
  ...keys.roomNameSentinel(name),
  entity: ENTITY.roomNameSentinel,
  room_id: roomId,
});
const notExists = 'attribute_not_exists(PK)';

/** {@link RoomRepository} over the single table. META reads are strongly consistent. */
export class DynamoRoomRepository implements RoomRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** `LAIR_UNREAD_FANOUT_MAX_MEMBERS` (docs/adr/028). */
    private readonly fanoutMax: number = DEFAULT_FANOUT_MAX_MEMBERS,
  ) {}

  /**
   * One transaction: META (version 1, member_count 1, owner_count 1 when the owner membership has
   * role `owner`), name sentinel, owner membership. @throws ConflictError `room_name_taken`
   */
  async create(room: Room, owner: RoomMembership): Promise<RoomRecord> {
    const record: RoomRecord = {
      ...room,
      settings: { ...room.settings },
      member_count: 1,
      owner_count: owner.role === 'owner' ? 1 : 0,
      slow_mode_seconds: 0,
      version: 1,
    };
    const TableName = this.tableName;
    // A new room starts in fan-out mode: the head (`fo`, `mv`) and the owner's zero copy (docs/adr/028).
    const plan = joinPlan(TableName, room.id, undefined, owner.user_id, [], this.fanoutMax);
    await transactWrite(
      this.doc,
      [
        { Put: { TableName, Item: roomItem(record), ConditionExpression: notExists } },
        { Put: { TableName, Item: nameSentinel(room.name, room.id), ConditionExpression: notExists } },
        {
          Put: {
            TableName,
            Item: { ...membershipItem(owner), ...plan.attrs },
            ConditionExpression: notExists,
          },
        },
        ...plan.items,
      ],
      (c) =>
        c.failed(1)
          ? new ConflictError('room_name_taken')
          : new DomainError('database_error', 'Database error: room id collision'),
    );
    return record;
  }

  async get(id: Uuid): Promise<RoomRecord | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.room(id), ConsistentRead: true }),
    );
    return out.Item ? roomRecordFromItem(out.Item) : null;
  }

  async getMany(ids: Uuid[]): Promise<Map<Uuid, RoomRecord>> {
    const items = await batchGet(this.doc, this.tableName, ids.map(keys.room));
    return new Map(items.map((item) => [item.id as string, roomRecordFromItem(item)]));
  }

  /**
   * Sets name/settings and GSI1 keys (the partition moves when privacy changes), bumps `version`,
   * conditioned on `version = expectedVersion`; a rename (case-insensitive change) puts the new
   * sentinel and deletes the old one in the same transaction. Counters are never touched.
   * @returns the record re-read after the write
   * @throws DomainError `room_not_found`; ConflictError `room_name_taken`; VersionConflictError
   */
  async update(id: Uuid, patch: RoomPatch, expectedVersion: number): Promise<RoomRecord> {
    const current = await this.get(id);
    if (!current) throw new DomainError('room_not_found');
    if (current.version !== expectedVersion) throw new VersionConflictError();
    const name = patch.name ?? current.name;
    const settings: Room['settings'] = {
      description: patch.description !== undefined ? patch.description : current.settings.description,
      is_private: patch.is_private ?? current.settings.is_private,
      max_members: patch.max_members !== undefined ? patch.max_members : current.settings.max_members,
      retention_days:
        patch.retention_days !== undefined ? patch.retention_days : current.settings.retention_days,
    };
    const index = indexKeys.roomByName(name, settings.is_private);
    const TableName = this.tableName;
    const items: TransactItem[] = [
      {
        Update: {
          TableName,
          Key: keys.room(id),
          UpdateExpression:
            'SET #name = :name, #settings = :settings, GSI1PK = :g1pk, GSI1SK = :g1sk, #version = :next',
          ConditionExpression: 'attribute_exists(PK) AND #version = :expected',
          ExpressionAttributeNames: { '#name': 'name', '#settings': 'settings', '#version': 'version' },
          ExpressionAttributeValues: {
            ':name': name,
            ':settings': settings,
            ':g1pk': index.GSI1PK,
            ':g1sk': index.GSI1SK,
            ':next': expectedVersion + 1,
            ':expected': expectedVersion,
          },
        },
      },
    ];
    if (name.toLowerCase() !== current.name.toLowerCase()) {
      items.push(
        { Put: { TableName, Item: nameSentinel(name, id), ConditionExpression: notExists } },
        { Delete: { TableName, Key: keys.roomNameSentinel(current.name) } },
      );
    }
    await transactWrite(this.doc, items, async (c) => {
      if (c.failed(0) && !(await this.get(id))) return new DomainError('room_not_found');
      if (c.failed(1)) return new ConflictError('room_name_taken');
      return new VersionConflictError();
    });
    return (await this.get(id)) ?? { ...current, name, settings, version: expectedVersion + 1 };
  }

  /**
   * Deletes META and the name sentinel (only if it still points at this room) in one transaction
   * (so concurrent joins fail their "room exists" condition), then every item of the `ROOM#<id>` partition
   * (memberships, invitations) with BatchWriteItem in chunks of 25.
   */
  async delete(room: RoomRecord): Promise<void> {
    const current = await this.get(room.id);
    const name = current?.name ?? room.name;
    // META and its name sentinel go together, so a crash can never leave a name taken by no room.
    await transactWrite(
      this.doc,
      [
        { Delete: { TableName: this.tableName, Key: keys.room(room.id) } },
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.roomNameSentinel(name),
            ConditionExpression: 'attribute_not_exists(PK) OR room_id = :id',
            ExpressionAttributeValues: { ':id': room.id },
          },
        },
      ],
      // Only a racing rename can fail the sentinel condition: the caller retries after re-reading.
      () => new VersionConflictError(),
    );
    // A second pass catches anything written while the first one ran (e.g. an invitation).
    for (let pass = 0; pass < 3; pass++) {
      const rest = await queryAll(this.doc, {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': partitions.room(room.id) },
        ProjectionExpression: 'PK, SK',
        ConsistentRead: true,
      });
      if (rest.length === 0) return;
      await batchDelete(this.doc, this.tableName, rest as unknown as Key[]);
    }
  }

  /**
   * GSI1 `ROOMS#public` ascending by lowercased name; skips `offset`, returns at most `limit`. With
   * `search`, only names containing it (GSI1SK = lowercased name), filtered before `offset` counts.
   */
  async listPublic(limit: number, offset: number, search?: string | null): Promise<RoomRecord[]> {
    const page = gsi1Partition(this.tableName, partitions.publicRooms);
    return (await queryOffsetPage(this.doc, page, limit, offset, gsi1SkContains(search))).map(
      roomRecordFromItem,
    );
  }

  /** Counts the GSI1 `ROOMS#public` and `ROOMS#private` partitions (eventually consistent). */
  async count(): Promise<number> {
    const counts = await Promise.all(
      [partitions.publicRooms, partitions.privateRooms].map((pk) =>
        countAll(this.doc, gsi1Partition(this.tableName, pk)),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  }
}
