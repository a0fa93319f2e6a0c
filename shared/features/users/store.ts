// UserRepository over DynamoDB: profile items plus username/email sentinels for uniqueness (docs/design.md §3).
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Uuid } from '../../kernel/types.js';
import {
  PROFILE_FIELDS,
  toUser,
  type ProfileFields,
  type User,
  type UserRecord,
  type UserRepository,
} from './model.js';
import { ConflictError, DomainError } from '../../kernel/errors.js';
import type { Item } from '../../storage/items.js';
import { lower, type Key } from '../../storage/keys.js';
import {
  batchGet,
  countAll,
  gsi1Partition,
  queryOffsetPage,
  gsi1SkContains,
} from '../../storage/operations.js';
import { StaleReadError, isConditionalCheckFailed, transactWrite } from '../../storage/transactions.js';
import { MAX_EMAIL_BYTES, MAX_USERNAME_BYTES, utf8Length } from '../../kernel/validation.js';

/** Keys of the users feature's items (docs/design.md §3). */
export const keys = {
  user: (id: Uuid): Key => ({ PK: `USER#${id}`, SK: 'PROFILE' }),
  usernameSentinel: (username: string): Key => ({
    PK: `UNAME#${lower(username)}`,
    SK: `UNAME#${lower(username)}`,
  }),
  emailSentinel: (email: string): Key => ({ PK: `EMAIL#${lower(email)}`, SK: `EMAIL#${lower(email)}` }),
  /** Marker left by an admin user deletion: the id resolves to a deleted user (docs/protocol/extensions.md §9). */
  deletedUser: (id: Uuid): Key => ({ PK: `USER#${id}`, SK: 'DELETED' }),
} as const;

/** Secondary-index keys: GSI1 holds all users by lowercased username. */
export const indexKeys = {
  userByName: (username: string) => ({ GSI1PK: 'USERS', GSI1SK: lower(username) }),
} as const;

/** Partition values used in queries. */
export const partitions = { users: 'USERS' } as const;

/** `entity` tags of the users feature's items. */
export const ENTITY = {
  user: 'user',
  usernameSentinel: 'username',
  emailSentinel: 'email',
  deletedUser: 'deleted_user',
} as const;

/** The stored user item: key attributes, GSI1 `USERS`/`<lower username>`, snake_case fields. */
export function userItem(user: UserRecord): Item {
  return {
    ...keys.user(user.id),
    ...indexKeys.userByName(user.username),
    entity: ENTITY.user,
    id: user.id,
    username: user.username,
    email: user.email,
    role: user.role,
    created_at: user.created_at,
    updated_at: user.updated_at,
    last_seen_at: user.last_seen_at,
    password_hash: user.password_hash,
    ...Object.fromEntries(PROFILE_FIELDS.flatMap((f) => (user[f] == null ? [] : [[f, user[f]]]))),
  };
}

/** Maps a user item back to a {@link UserRecord} (key/index attributes stripped). */
export function userRecordFromItem(item: Item): UserRecord {
  return {
    id: item.id as string,
    username: item.username as string,
    email: item.email as string,
    role: item.role as UserRecord['role'],
    created_at: item.created_at as string,
    updated_at: item.updated_at as string,
    last_seen_at: (item.last_seen_at as string | null | undefined) ?? null,
    password_hash: item.password_hash as string,
    ...Object.fromEntries(PROFILE_FIELDS.map((f) => [f, (item[f] as string | null | undefined) ?? null])),
  };
}

/** Sentinel item pointing at its owner (`user_id`), created with `attribute_not_exists`. */
const sentinel = (key: Key, entity: string, userId: Uuid): Item => ({ ...key, entity, user_id: userId });
const notExists = 'attribute_not_exists(PK)';

/** {@link UserRepository} over the single table. Reads of the base table are strongly consistent. */
export class DynamoUserRepository implements UserRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** @throws ConflictError `username_taken` (checked first) / `email_taken` (docs/design.md §3 sentinels) */
  async create(user: UserRecord): Promise<void> {
    const TableName = this.tableName;
    await transactWrite(
      this.doc,
      [
        { Put: { TableName, Item: userItem(user), ConditionExpression: notExists } },
        {
          Put: {
            TableName,
            Item: sentinel(keys.usernameSentinel(user.username), ENTITY.usernameSentinel, user.id),
            ConditionExpression: notExists,
          },
        },
        {
          Put: {
            TableName,
            Item: sentinel(keys.emailSentinel(user.email), ENTITY.emailSentinel, user.id),
            ConditionExpression: notExists,
          },
        },
      ],
      (c) => {
        if (c.failed(1)) return new ConflictError('username_taken');
        if (c.failed(2)) return new ConflictError('email_taken');
        return new DomainError('database_error', 'Database error: user id collision');
      },
    );
  }

  async getById(id: Uuid): Promise<UserRecord | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.user(id), ConsistentRead: true }),
    );
    return out.Item ? userRecordFromItem(out.Item) : null;
  }

  async getDeleted(id: Uuid): Promise<{ deleted_at: string } | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.deletedUser(id), ConsistentRead: true }),
    );
    return out.Item ? { deleted_at: out.Item.deleted_at as string } : null;
  }

  async getMany(ids: Uuid[]): Promise<Map<Uuid, UserRecord>> {
    const items = await batchGet(this.doc, this.tableName, ids.map(keys.user));
    return new Map(items.map((item) => [item.id as string, userRecordFromItem(item)]));
  }

  /** GetItem on `UNAME#<lower>` then GetItem on the owner, both strongly consistent. */
  async getByUsername(username: string): Promise<UserRecord | null> {
    if (utf8Length(username) > MAX_USERNAME_BYTES) return null; // cannot exist; keeps keys in DynamoDB's limit
    return this.viaSentinel(keys.usernameSentinel(username));
  }

  async getManyByUsername(usernames: string[]): Promise<(UserRecord | null)[]> {
    const valid = usernames.filter((n) => utf8Length(n) <= MAX_USERNAME_BYTES);
    if (valid.length === 0) return usernames.map(() => null);
    const sentinels = await batchGet(this.doc, this.tableName, valid.map(keys.usernameSentinel));
    const ownerOf = new Map(sentinels.map((i) => [String(i.PK), i.user_id as Uuid | undefined]));
    const owners = await this.getMany([...new Set([...ownerOf.values()].filter((o) => o !== undefined))]);
    return usernames.map((n) => {
      if (utf8Length(n) > MAX_USERNAME_BYTES) return null;
      const owner = ownerOf.get(keys.usernameSentinel(n).PK);
      return (owner === undefined ? undefined : owners.get(owner)) ?? null;
    });
  }

  /** GetItem on `EMAIL#<lower>` then GetItem on the owner, both strongly consistent. */
  async getByEmail(email: string): Promise<UserRecord | null> {
    if (utf8Length(email) > MAX_EMAIL_BYTES) return null; // cannot exist; keeps keys in DynamoDB's limit
    return this.viaSentinel(keys.emailSentinel(email));
  }

  /**
   * Swaps the email sentinel and updates the profile in one transaction, conditioned on the stored
   * email not having moved since it was read (re-read and retried up to 3 times).
   * @throws ConflictError `email_taken`; DomainError `user_not_found`
   */
  async updateEmail(id: Uuid, email: string, updatedAt: string): Promise<UserRecord> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const current = await this.getById(id);
      if (!current) throw new DomainError('user_not_found');
      if (current.email.toLowerCase() === email.toLowerCase())
        return this.setFields(id, { email, updated_at: updatedAt });
      const TableName = this.tableName;
      try {
        await transactWrite(
          this.doc,
          [
            {
              Update: {
                TableName,
                Key: keys.user(id),
                UpdateExpression: 'SET email = :email, updated_at = :updatedAt',
                ConditionExpression: 'attribute_exists(PK) AND email = :old',
                ExpressionAttributeValues: {
                  ':email': email,
                  ':updatedAt': updatedAt,
                  ':old': current.email,
                },
              },
            },
            {
              Put: {
                TableName,
                Item: sentinel(keys.emailSentinel(email), ENTITY.emailSentinel, id),
                ConditionExpression: notExists,
              },
            },
            { Delete: { TableName, Key: keys.emailSentinel(current.email) } },
          ],
          (c) => (c.failed(1) ? new ConflictError('email_taken') : new StaleReadError()),
        );
        return { ...current, email, updated_at: updatedAt };
      } catch (e) {
        if (!(e instanceof StaleReadError)) throw e; // vanished or changed concurrently: re-read
      }
    }
    throw new DomainError('database_error', 'Database error: email update kept racing');
  }

  /** @throws DomainError `user_not_found` */
  async updateProfile(id: Uuid, fields: Partial<ProfileFields>, updatedAt: string): Promise<UserRecord> {
    const set = Object.entries(fields).filter(([, v]) => v !== null && v !== undefined) as [string, string][];
    const remove = Object.entries(fields)
      .filter(([, v]) => v === null)
      .map(([k]) => k);
    const all = [...set.map(([k]) => k), 'updated_at', ...remove];
    const values: Record<string, string> = { ':updated_at': updatedAt };
    for (const [k, v] of set) values[`:${k}`] = v;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.user(id),
          UpdateExpression:
            `SET ${[...set.map(([k]) => `#${k} = :${k}`), '#updated_at = :updated_at'].join(', ')}` +
            (remove.length > 0 ? ` REMOVE ${remove.map((k) => `#${k}`).join(', ')}` : ''),
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: Object.fromEntries(all.map((k) => [`#${k}`, k])),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return userRecordFromItem(out.Attributes ?? {});
    } catch (e) {
      if (isConditionalCheckFailed(e)) throw new DomainError('user_not_found');
      throw e;
    }
  }

  async updatePasswordHash(id: Uuid, passwordHash: string, updatedAt: string): Promise<void> {
    await this.setFields(id, { password_hash: passwordHash, updated_at: updatedAt });
  }

  /**
   * GSI1 `USERS` ascending by lowercased username; skips `offset`, returns at most `limit`. With
   * `search`, only usernames containing it (GSI1SK is the lowercased username), filtered before
   * `offset` counts (reads the partition up to the page end).
   */
  async list(limit: number, offset: number, search?: string | null): Promise<User[]> {
    const page = gsi1Partition(this.tableName, partitions.users);
    return (await queryOffsetPage(this.doc, page, limit, offset, gsi1SkContains(search))).map((item) =>
      toUser(userRecordFromItem(item)),
    );
  }

  /** Counts the GSI1 `USERS` partition (eventually consistent). */
  async count(): Promise<number> {
    return countAll(this.doc, gsi1Partition(this.tableName, partitions.users));
  }

  private async viaSentinel(key: Key): Promise<UserRecord | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    const owner = out.Item?.user_id as string | undefined;
    return owner === undefined ? null : this.getById(owner);
  }

  private async setFields(id: Uuid, fields: Record<string, string>): Promise<UserRecord> {
    const names = Object.keys(fields);
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.user(id),
          UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
          ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, fields[n]])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return userRecordFromItem(out.Attributes ?? {});
    } catch (e) {
      if (isConditionalCheckFailed(e)) throw new DomainError('user_not_found');
      throw e;
    }
  }
}
