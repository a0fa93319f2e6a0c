// Admin directory over DynamoDB: every user and every room (public and private) for the admin listings, and a user's removal (docs/protocol/extensions.md §9).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../../kernel/errors.js';
import { auditPut, type AuditEntry } from '../audit/index.js';
import { roomKeys, roomRecordFromItem, type RoomRecord } from '../rooms/index.js';
import { toUser, userRecordFromItem, usersFeature, type User, type UserRecord } from '../users/index.js';
import type { Key } from '../../storage/keys.js';
import { batchDelete, gsi1Partition, queryAll } from '../../storage/operations.js';
import { transactWrite } from '../../storage/transactions.js';

/** Reads for the admin listings and the one write of a user deletion. */
export interface AdminDirectory {
  /** Users by lowercased username whose username or email contains `q` (case-insensitive). */
  users(q: string | undefined): Promise<User[]>;
  /** Every room, public and private, by lowercased name, whose name contains `q`. */
  rooms(q: string | undefined): Promise<RoomRecord[]>;
  /**
   * Deletes the profile, its username/email sentinels, sessions and ban, with the audit entry in
   * one transaction for the profile and sentinels; the rest is swept after (idempotent).
   * @throws `user_not_found`
   */
  deleteUser(user: UserRecord, audit: AuditEntry): Promise<void>;
}

/** {@link AdminDirectory} over the single table (GSI1 `USERS`, `ROOMS#public`, `ROOMS#private`). */
export class DynamoAdminDirectory implements AdminDirectory {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async users(q: string | undefined): Promise<User[]> {
    const needle = q?.toLowerCase();
    const items = await queryAll(this.doc, gsi1Partition(this.tableName, usersFeature.partitions.users));
    return items
      .map((i) => toUser(userRecordFromItem(i)))
      .filter(
        (u) =>
          needle === undefined ||
          u.username.toLowerCase().includes(needle) ||
          u.email.toLowerCase().includes(needle),
      );
  }

  async rooms(q: string | undefined): Promise<RoomRecord[]> {
    const needle = q?.toLowerCase();
    const parts = await Promise.all(
      [roomKeys.partitions.publicRooms, roomKeys.partitions.privateRooms].map((pk) =>
        queryAll(this.doc, gsi1Partition(this.tableName, pk)),
      ),
    );
    return parts
      .flat()
      .map(roomRecordFromItem)
      .filter((r) => needle === undefined || r.name.toLowerCase().includes(needle))
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  }

  async deleteUser(user: UserRecord, audit: AuditEntry): Promise<void> {
    const TableName = this.tableName;
    const k = usersFeature.keys;
    await transactWrite(
      this.doc,
      [
        { Delete: { TableName, Key: k.user(user.id), ConditionExpression: 'attribute_exists(PK)' } },
        { Delete: { TableName, Key: k.usernameSentinel(user.username) } },
        { Delete: { TableName, Key: k.emailSentinel(user.email) } },
        // The id keeps resolving, as a deleted user (docs/protocol/extensions.md §9; their messages stay).
        {
          Put: {
            TableName,
            Item: {
              ...k.deletedUser(user.id),
              entity: usersFeature.entities.deletedUser,
              id: user.id,
              deleted_at: audit.at,
            },
          },
        },
        auditPut(TableName, audit),
      ],
      () => new DomainError('user_not_found'),
    );
    // Sessions, ban and any other item of the user's own partition (memberships live in room partitions).
    const rest = await queryAll(this.doc, {
      TableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `USER#${user.id}` },
      ProjectionExpression: 'PK, SK',
    });
    const deletedMarker = k.deletedUser(user.id).SK;
    await batchDelete(this.doc, TableName, rest.filter((i) => i.SK !== deletedMarker) as unknown as Key[]);
  }
}
