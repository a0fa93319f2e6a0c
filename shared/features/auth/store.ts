// SessionRepository over DynamoDB: `USER#<id>` / `SESSION#<id>` items with TTL (docs/protocol/domain.md §8.1).
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../../storage/transactions.js';
import type { Uuid } from '../../kernel/types.js';
import type { Session, SessionRepository } from './model.js';
import { parseTimestamp } from '../../kernel/time.js';
import { ttlEpochSeconds, type Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { ATTR } from '../../storage/table.js';

/** Keys of the auth feature's items: a session lives in its user's partition (docs/design.md §3). */
export const keys = {
  session: (userId: Uuid, sessionId: Uuid): Key => ({ PK: `USER#${userId}`, SK: `SESSION#${sessionId}` }),
} as const;

/** Sort-key prefixes used with `begins_with`. */
export const prefixes = { session: 'SESSION#' } as const;

/** `entity` tags of the auth feature's items. */
export const ENTITY = { session: 'session' } as const;

/** The stored session item; `expiresAt` (TTL) = `expires_at` in epoch seconds, rounded up. */
export function sessionItem(session: Session): Item {
  return {
    ...keys.session(session.user_id, session.id),
    entity: ENTITY.session,
    id: session.id,
    user_id: session.user_id,
    protocol: session.protocol,
    created_at: session.created_at,
    expires_at: session.expires_at,
    ...(session.ip === undefined ? {} : { ip: session.ip }),
    ...(session.user_agent === undefined ? {} : { user_agent: session.user_agent }),
    ...(session.last_used_at === undefined ? {} : { last_used_at: session.last_used_at }),
    [ATTR.ttl]: ttlEpochSeconds(parseTimestamp(session.expires_at)),
  };
}

/** Maps a session item back to a {@link Session}. */
export function sessionFromItem(item: Item): Session {
  return {
    id: item.id as string,
    user_id: item.user_id as string,
    protocol: item.protocol as Session['protocol'],
    created_at: item.created_at as string,
    expires_at: item.expires_at as string,
    ...(typeof item.ip === 'string' ? { ip: item.ip } : {}),
    ...(typeof item.user_agent === 'string' ? { user_agent: item.user_agent } : {}),
    ...(typeof item.last_used_at === 'string' ? { last_used_at: item.last_used_at } : {}),
  };
}

/**
 * {@link SessionRepository} over the single table. Unlike other TTL'd items, a session past its
 * expiry is returned as-is: the auth service turns it into `session_expired` and deletes it.
 */
export class DynamoSessionRepository implements SessionRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(session: Session): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: sessionItem(session) }));
  }

  /** Strongly consistent read; expired sessions included, `null` once deleted (or reclaimed by TTL). */
  async get(userId: Uuid, sessionId: Uuid): Promise<Session | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.session(userId, sessionId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? sessionFromItem(out.Item) : null;
  }

  /** @returns whether the session existed (ReturnValues ALL_OLD) */
  async delete(userId: Uuid, sessionId: Uuid): Promise<boolean> {
    const out = await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.session(userId, sessionId),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes !== undefined;
  }

  async list(userId: Uuid): Promise<Session[]> {
    const out: Session[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
          ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':sk': prefixes.session },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(sessionFromItem(item));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return out.sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /** Conditional on the item existing, so a touch never resurrects a deleted session. */
  async touch(userId: Uuid, sessionId: Uuid, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.session(userId, sessionId),
          UpdateExpression: 'SET last_used_at = :at',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
    }
  }
}
