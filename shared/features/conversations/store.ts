// ConversationRepository over DynamoDB: `CONV#<id>` / `META` (participants map + counter) and `CONV#<id>` / `MEMBER#<user>` (GSI1 `USER#<user>` / `CONV#<id>`), every change one transaction (docs/protocol/extensions.md §7.2).
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DomainError, ValidationError } from '../../kernel/errors.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';
import type { Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { batchGet, queryAll } from '../../storage/operations.js';
import { GSI1 } from '../../storage/table.js';
import { transactWrite, type TransactItem } from '../../storage/transactions.js';
import {
  CONVERSATION_LIMITS,
  orderParticipants,
  type Conversation,
  type ConversationRepository,
  type Participant,
} from './model.js';

/** Item keys (docs/design.md §3 single table). */
export const keys = {
  /** The conversation itself: title, creator, `members` map, `participant_count`, `last_message_at`. */
  conversationMeta: (id: Uuid): Key => ({ PK: `CONV#${id}`, SK: 'META' }),
  /** One participant; its GSI1 copy is the per-user index `GET /api/v1/conversations` queries. */
  conversationParticipant: (id: Uuid, userId: Uuid): Key => ({ PK: `CONV#${id}`, SK: `MEMBER#${userId}` }),
} as const;

/** GSI1 keys of a participant item: `USER#<user>` / `CONV#<id>` (shares the user's index with room memberships). */
export const indexKeys = {
  conversationByUser: (userId: Uuid, id: Uuid) => ({ GSI1PK: `USER#${userId}`, GSI1SK: `CONV#${id}` }),
} as const;

/** Query partitions: none of its own (the user's GSI1 partition is the rooms feature's `USER#<id>`). */
export const partitions = {} as const;

/** `entity` tags. */
export const ENTITY = {
  conversation: 'conversation',
  conversationParticipant: 'conversation_participant',
} as const;

const GSI1_PREFIX = 'CONV#';

/**
 * The META item a message send adds to its own transaction (docs/protocol/extensions.md §0.7),
 * conditioned on the author still taking part, so a send racing a leave can never land:
 * with `at` it also sets `last_message_at` (RFC 3339; no ordering condition, which would fail a
 * send that lost a race by a millisecond); with `at` null it only checks.
 */
export function conversationTouch(
  TableName: string,
  id: Uuid,
  authorId: Uuid,
  at: Timestamp | null,
): TransactItem {
  const guard = {
    TableName,
    Key: keys.conversationMeta(id),
    ConditionExpression: 'attribute_exists(members.#author)',
    ExpressionAttributeNames: { '#author': authorId },
  };
  if (at === null) return { ConditionCheck: guard };
  return {
    Update: {
      ...guard,
      UpdateExpression: 'SET last_message_at = :at',
      ExpressionAttributeValues: { ':at': at },
    },
  };
}

/** The wire conversation from its META item (participants in {@link orderParticipants} order). */
function fromMeta(i: Item): Conversation {
  const members = (i.members ?? {}) as Record<string, { username: string; joined_at: Timestamp }>;
  const participants = orderParticipants(
    Object.entries(members).map(([user_id, m]) => ({
      user_id,
      username: m.username,
      joined_at: m.joined_at,
    })),
    i.created_by as Uuid,
  );
  return {
    id: i.id as Uuid,
    title: typeof i.title === 'string' ? i.title : null,
    participants,
    created_by: i.created_by as Uuid,
    created_at: i.created_at as Timestamp,
    last_message_at: typeof i.last_message_at === 'string' ? i.last_message_at : null,
  };
}

function participantItem(id: Uuid, p: Participant): Item {
  return {
    ...keys.conversationParticipant(id, p.user_id),
    ...indexKeys.conversationByUser(p.user_id, id),
    entity: ENTITY.conversationParticipant,
    conversation_id: id,
    user_id: p.user_id,
    joined_at: p.joined_at,
  };
}

/** Transaction item that fails unless `userId` still takes part in conversation `id`. */
const participantCheck = (TableName: string, id: Uuid, userId: Uuid): TransactItem => ({
  ConditionCheck: {
    TableName,
    Key: keys.conversationParticipant(id, userId),
    ConditionExpression: 'attribute_exists(PK)',
  },
});

const memberValue = (p: Participant) => ({ username: p.username, joined_at: p.joined_at });

/** {@link ConversationRepository} over the single table. */
export class DynamoConversationRepository implements ConversationRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(c: Conversation): Promise<void> {
    const TableName = this.tableName;
    const meta: TransactItem = {
      Put: {
        TableName,
        Item: {
          ...keys.conversationMeta(c.id),
          entity: ENTITY.conversation,
          id: c.id,
          title: c.title,
          created_by: c.created_by,
          created_at: c.created_at,
          members: Object.fromEntries(c.participants.map((p) => [p.user_id, memberValue(p)])),
          participant_count: c.participants.length,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
    const parts: TransactItem[] = c.participants.map((p) => ({
      Put: { TableName, Item: participantItem(c.id, p), ConditionExpression: 'attribute_not_exists(PK)' },
    }));
    await transactWrite(this.doc, [meta, ...parts], () => new Error('conversation id collision'));
  }

  async get(id: Uuid): Promise<Conversation | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.conversationMeta(id), ConsistentRead: true }),
    );
    return out.Item === undefined ? null : fromMeta(out.Item as Item);
  }

  async getMany(ids: Uuid[]): Promise<Conversation[]> {
    if (ids.length === 0) return [];
    const items = await batchGet(this.doc, this.tableName, ids.map(keys.conversationMeta), false);
    return items.map(fromMeta);
  }

  async idsOf(userId: Uuid): Promise<Uuid[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: GSI1,
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :p)',
      ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':p': GSI1_PREFIX },
      ProjectionExpression: 'conversation_id',
    });
    return items.map((i) => i.conversation_id as Uuid);
  }

  async addParticipants(id: Uuid, actorId: Uuid, added: Participant[]): Promise<void> {
    const TableName = this.tableName;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':k': added.length,
      ':max': CONVERSATION_LIMITS.maxPeople - added.length,
    };
    const sets = added.map((p, n) => {
      names[`#u${n}`] = p.user_id;
      values[`:m${n}`] = memberValue(p);
      return `members.#u${n} = :m${n}`;
    });
    const items: TransactItem[] = [
      participantCheck(TableName, id, actorId),
      {
        Update: {
          TableName,
          Key: keys.conversationMeta(id),
          UpdateExpression: `SET ${sets.join(', ')} ADD participant_count :k`,
          ConditionExpression: 'attribute_exists(PK) AND participant_count <= :max',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      ...added.map((p): TransactItem => ({
        Put: { TableName, Item: participantItem(id, p), ConditionExpression: 'attribute_not_exists(PK)' },
      })),
    ];
    await transactWrite(this.doc, items, (c) => {
      if (c.failed(0)) return new DomainError('conversation_not_found');
      if (c.failed(1))
        return new ValidationError(
          'validation_failed',
          `Validation failed: user_ids - a conversation has at most ${CONVERSATION_LIMITS.maxPeople} people`,
        );
      return new ValidationError('validation_failed', 'Validation failed: user_ids - already a participant');
    });
  }

  async leave(id: Uuid, userId: Uuid): Promise<boolean> {
    const TableName = this.tableName;
    let gone = false;
    await transactWrite(
      this.doc,
      [
        {
          Delete: {
            TableName,
            Key: keys.conversationParticipant(id, userId),
            ConditionExpression: 'attribute_exists(PK)',
          },
        },
        {
          Update: {
            TableName,
            Key: keys.conversationMeta(id),
            UpdateExpression: 'REMOVE members.#u ADD participant_count :minus',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: { '#u': userId },
            ExpressionAttributeValues: { ':minus': -1 },
          },
        },
      ],
      () => {
        gone = true;
        return new DomainError('conversation_not_found');
      },
    ).catch((e: unknown) => {
      if (!gone) throw e;
    });
    return !gone;
  }

  async setTitle(id: Uuid, actorId: Uuid, title: string | null): Promise<void> {
    const TableName = this.tableName;
    await transactWrite(
      this.doc,
      [
        participantCheck(TableName, id, actorId),
        {
          Update: {
            TableName,
            Key: keys.conversationMeta(id),
            UpdateExpression: 'SET title = :t',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':t': title },
          },
        },
      ],
      () => new DomainError('conversation_not_found'),
    );
  }
}
