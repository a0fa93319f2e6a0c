// ModerationRepository over DynamoDB: ban items (TTL) in the user's partition, the admin counter item, session sweeps (docs/protocol/extensions.md §9).
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError, DomainError } from '../../kernel/errors.js';
import { parseTimestamp } from '../../kernel/time.js';
import type { SystemRole, Uuid } from '../../kernel/types.js';
import type { Clock } from '../../kernel/ports.js';
import { auditPut, type AuditEntry } from '../audit/index.js';
import { usersFeature } from '../users/index.js';
import { isLive, ttlEpochSeconds, type Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { batchDelete, batchGet, gsi1Partition, queryAll, queryPages } from '../../storage/operations.js';
import { ATTR } from '../../storage/table.js';
import {
  isConditionalCheckFailed,
  StaleReadError,
  transactWrite,
  type TransactItem,
} from '../../storage/transactions.js';
import type { Ban, ModerationRepository } from './model.js';

/** Keys: a ban lives in its user's partition; the admin counter is one item. */
export const keys = {
  ban: (userId: Uuid): Key => ({ PK: `USER#${userId}`, SK: 'BAN' }),
  adminCounter: (): Key => ({ PK: 'SYSTEM', SK: 'ADMIN_COUNT' }),
} as const;

/** Partitions: GSI1 `BANS` lists bans by creation time. */
export const partitions = { bans: 'BANS' } as const;

/** `entity` tags. */
export const ENTITY = { ban: 'ban', adminCounter: 'admin_counter' } as const;

/** The stored ban: wire fields, GSI1 `BANS`/`<created_at>#<user_id>`, TTL at `expires_at`. */
export function banItem(ban: Ban): Item {
  return {
    ...keys.ban(ban.user_id),
    GSI1PK: partitions.bans,
    GSI1SK: `${ban.created_at}#${ban.user_id}`,
    entity: ENTITY.ban,
    ...ban,
    ...(ban.expires_at === null ? {} : { [ATTR.ttl]: ttlEpochSeconds(parseTimestamp(ban.expires_at)) }),
  };
}

const banFromItem = (i: Item): Ban => ({
  user_id: i.user_id as string,
  reason: i.reason as string,
  banned_by: i.banned_by as string,
  created_at: i.created_at as string,
  expires_at: (i.expires_at as string | null | undefined) ?? null,
});

/** {@link ModerationRepository} over the single table. */
export class DynamoModerationRepository implements ModerationRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async getBan(userId: Uuid): Promise<Ban | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.ban(userId), ConsistentRead: true }),
    );
    return out.Item !== undefined && isLive(out.Item, this.clock.now()) ? banFromItem(out.Item) : null;
  }

  /** Kept as `activeBan` too: the auth service's BanCheck port (shared/kernel/ports.ts). */
  activeBan = (userId: Uuid): Promise<Ban | null> => this.getBan(userId);

  /**
   * The users among `userIds` with a live ban: one strongly consistent BatchGetItem per 100 ids
   * (invitations' bulk invite refuses them, docs/protocol-extensions.md §6).
   */
  async bannedAmong(userIds: Uuid[]): Promise<Set<Uuid>> {
    if (userIds.length === 0) return new Set();
    const now = this.clock.now();
    const items = await batchGet(this.doc, this.tableName, userIds.map(keys.ban));
    return new Set(
      items.filter((i) => i.entity === ENTITY.ban && isLive(i, now)).map((i) => i.user_id as Uuid),
    );
  }

  async listBans(limit: number): Promise<Ban[]> {
    const now = this.clock.now();
    const { items } = await queryPages(
      this.doc,
      { ...gsi1Partition(this.tableName, partitions.bans), ScanIndexForward: false },
      { max: limit, keep: (i) => isLive(i, now) },
    );
    return items.map(banFromItem);
  }

  async putBan(ban: Ban, audit: AuditEntry): Promise<void> {
    const TableName = this.tableName;
    await transactWrite(
      this.doc,
      [
        {
          ConditionCheck: {
            TableName,
            Key: usersFeature.keys.user(ban.user_id),
            ConditionExpression: 'attribute_exists(PK)',
          },
        },
        { Put: { TableName, Item: banItem(ban) } },
        auditPut(TableName, audit),
      ],
      () => new DomainError('user_not_found'),
    );
  }

  async deleteBan(userId: Uuid, audit: AuditEntry): Promise<boolean> {
    const TableName = this.tableName;
    try {
      await transactWrite(
        this.doc,
        [
          { Delete: { TableName, Key: keys.ban(userId), ConditionExpression: 'attribute_exists(PK)' } },
          auditPut(TableName, audit),
        ],
        () => new StaleReadError(),
      );
      return true;
    } catch (e) {
      if (e instanceof StaleReadError) return false;
      throw e;
    }
  }

  async setRole(userId: Uuid, from: SystemRole, to: SystemRole, audit: AuditEntry): Promise<void> {
    const TableName = this.tableName;
    if (from === 'admin' || to === 'admin') await this.ensureAdminCounter();
    const items: TransactItem[] = [
      {
        Update: {
          TableName,
          Key: usersFeature.keys.user(userId),
          UpdateExpression: 'SET #role = :to, updated_at = :at',
          ConditionExpression: 'attribute_exists(PK) AND #role = :from',
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: { ':to': to, ':from': from, ':at': audit.at },
        },
      },
      auditPut(TableName, audit),
    ];
    if (from === 'admin' && to !== 'admin')
      items.push({
        Update: {
          TableName,
          Key: keys.adminCounter(),
          UpdateExpression: 'SET n = n - :one',
          ConditionExpression: 'n > :one',
          ExpressionAttributeValues: { ':one': 1 },
        },
      });
    if (to === 'admin' && from !== 'admin')
      items.push({
        Update: {
          TableName,
          Key: keys.adminCounter(),
          UpdateExpression: 'SET n = n + :one',
          ExpressionAttributeValues: { ':one': 1 },
        },
      });
    await transactWrite(this.doc, items, (c) =>
      c.failed(0)
        ? new DomainError('user_not_found', 'User not found (or its role changed meanwhile)')
        : new ConflictError('last_admin'),
    );
  }

  async revokeSessions(userId: Uuid): Promise<Uuid[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':sk': 'SESSION#' },
      ProjectionExpression: 'id', // a ban sweeps every session: read only the ids
      ConsistentRead: true,
    });
    const ids = items.map((i) => i.id as string);
    await batchDelete(
      this.doc,
      this.tableName,
      ids.map((id) => ({ PK: `USER#${userId}`, SK: `SESSION#${id}` })), // the auth feature's session key
    );
    return ids;
  }

  /** Creates the admin counter from a count of stored admins when it does not exist yet (data from before it). */
  private async ensureAdminCounter(): Promise<void> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.adminCounter(), ConsistentRead: true }),
    );
    if (out.Item !== undefined) return;
    let n = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          ...gsi1Partition(this.tableName, 'USERS'),
          FilterExpression: '#role = :admin',
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: { ':pk': 'USERS', ':admin': 'admin' },
          ExclusiveStartKey: start,
        }),
      );
      n += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.adminCounter(), entity: ENTITY.adminCounter, n },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
    }
  }
}
