// MessageRepository over DynamoDB: `MSGS#<conversation>` / `<ULID>` items, GSI1 lookup by UUID (docs/design.md §3).
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Uuid } from '../../kernel/types.js';
import type { HistoryQuery, MessageRecord, MessageRepository, MessageTarget } from './model.js';
import { ConflictError } from '../../kernel/errors.js';
import type { Clock } from '../../kernel/ports.js';
import { isLive, type Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { queryAll } from '../../storage/operations.js';
import { GSI1 } from '../../storage/table.js';
import { isConditionalCheckFailed } from '../../storage/transactions.js';

/** Keys of the messages feature's items: one partition per conversation, ordered by ULID (docs/design.md §3). */
export const keys = {
  message: (conversation: string, seq: string): Key => ({ PK: `MSGS#${conversation}`, SK: seq }),
} as const;

/** Secondary-index keys: GSI1 finds a message by its UUID (GSI2 is reserved for thread replies). */
export const indexKeys = {
  messageById: (id: Uuid) => ({ GSI1PK: `MSG#${id}`, GSI1SK: 'MSG' }),
} as const;

/** Partition values used in queries. */
export const partitions = {
  messages: (conversation: string) => `MSGS#${conversation}`,
  messageById: (id: Uuid) => `MSG#${id}`,
} as const;

/** `entity` tags of the messages feature's items. */
export const ENTITY = { message: 'message' } as const;

/**
 * Conversation key of a message target: the room id, or `DM#<a>#<b>` with the two user ids
 * sorted so both directions share one partition (docs/protocol/http.md §9.2: DM history has both directions).
 */
export function conversationKey(
  target: { type: 'room'; room_id: Uuid } | { type: 'dm'; author: Uuid; recipient: Uuid },
): string {
  if (target.type === 'room') return target.room_id;
  const [a, b] = [target.author, target.recipient].sort();
  return `DM#${a}#${b}`;
}

/** The stored message item: sort key = ULID `seq`, GSI1 `MSG#<uuid>` / `MSG`, target nested as on the wire. */
export function messageItem(m: MessageRecord): Item {
  return {
    ...keys.message(m.conversation, m.seq),
    ...indexKeys.messageById(m.id),
    entity: ENTITY.message,
    id: m.id,
    author: m.author,
    target: { ...m.target },
    content: m.content,
    edited: m.edited,
    created_at: m.created_at,
    seq: m.seq,
    conversation: m.conversation,
    version: m.version,
  };
}

/** Maps a message item back to a {@link MessageRecord}. */
export function messageFromItem(item: Item): MessageRecord {
  const t = item.target as { type: string; room_id?: string; recipient?: string };
  const target: MessageTarget =
    t.type === 'room'
      ? { type: 'room', room_id: t.room_id ?? '' }
      : { type: 'dm', recipient: t.recipient ?? '' };
  return {
    id: item.id as string,
    author: item.author as string,
    target,
    content: item.content as string,
    edited: item.edited === true,
    created_at: item.created_at as string,
    seq: item.seq as string,
    conversation: item.conversation as string,
    version: item.version as number,
  };
}

/** {@link MessageRepository} over the single table. History reads are strongly consistent. */
export class DynamoMessageRepository implements MessageRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  /** Conditional Put (`attribute_not_exists`): a ULID is never reused. */
  async put(message: MessageRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: messageItem(message),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  /** GSI1 lookup for the key, then a strongly consistent GetItem so edits are always visible. */
  async getById(id: Uuid): Promise<MessageRecord | null> {
    const [hit] = await queryAll(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': partitions.messageById(id) },
        ProjectionExpression: 'conversation, seq',
      },
      { max: 1 },
    );
    if (!hit) return null;
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.message(hit.conversation as string, hit.seq as string),
        ConsistentRead: true,
      }),
    );
    return out.Item && isLive(out.Item, this.clock.now()) ? messageFromItem(out.Item) : null;
  }

  /**
   * Sets `content`, `edited = true` and `version + 1`, conditioned on the item existing with the
   * same `author` and `version` as `message`.
   * @throws ConflictError `message_not_found` when it vanished or the version moved
   */
  async updateContent(message: MessageRecord, content: string): Promise<MessageRecord> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.message(message.conversation, message.seq),
          UpdateExpression: 'SET content = :content, edited = :true, #version = :next',
          ConditionExpression: 'attribute_exists(PK) AND author = :author AND #version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: {
            ':content': content,
            ':true': true,
            ':next': message.version + 1,
            ':author': message.author,
            ':version': message.version,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return messageFromItem(out.Attributes ?? {});
    } catch (e) {
      if (isConditionalCheckFailed(e)) throw new ConflictError('message_not_found');
      throw e;
    }
  }

  async delete(message: MessageRecord): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.message(message.conversation, message.seq) }),
    );
  }

  /**
   * Newest first (ScanIndexForward false), strictly between `afterSeq` and `beforeSeq` when given,
   * at most `limit` items; pages until full or the partition ends. Items past a TTL are skipped.
   */
  async history(query: HistoryQuery): Promise<MessageRecord[]> {
    const { beforeSeq, afterSeq } = query;
    if (query.limit <= 0) return [];
    if (beforeSeq !== undefined && afterSeq !== undefined && afterSeq >= beforeSeq) return [];
    const values: Record<string, string> = { ':pk': partitions.messages(query.conversation) };
    let condition = 'PK = :pk';
    if (beforeSeq !== undefined && afterSeq !== undefined) {
      condition += ' AND SK BETWEEN :after AND :before'; // inclusive: the bounds are dropped below
      Object.assign(values, { ':after': afterSeq, ':before': beforeSeq });
    } else if (beforeSeq !== undefined) {
      condition += ' AND SK < :before';
      values[':before'] = beforeSeq;
    } else if (afterSeq !== undefined) {
      condition += ' AND SK > :after';
      values[':after'] = afterSeq;
    }
    const now = this.clock.now();
    const items = await queryAll(
      this.doc,
      {
        TableName: this.tableName,
        KeyConditionExpression: condition,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        ConsistentRead: true,
      },
      {
        max: query.limit,
        keep: (item) => isLive(item, now) && item.SK !== beforeSeq && item.SK !== afterSeq,
      },
    );
    return items.map(messageFromItem);
  }
}
