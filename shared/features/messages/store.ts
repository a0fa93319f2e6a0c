// MessageRepository over DynamoDB: `MSGS#<conversation>` / `<ULID>` items, GSI1 lookup by UUID (docs/design.md §3).
import { DeleteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Uuid } from '../../kernel/types.js';
import {
  freshLifecycle,
  LIMITS,
  toMessage,
  type AttachmentRef,
  type HistoryQuery,
  type MessageRecord,
  type MessageRepository,
  type MessageTarget,
  type MessageType,
  type MessageVersion,
  type ReactionChange,
  type ReactionSummary,
} from './model.js';
import type { Clock } from '../../kernel/ports.js';
import { isLive, type Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { queryAll } from '../../storage/operations.js';
import { GSI1, GSI2 } from '../../storage/table.js';
import * as lifecycle from './lifecycle-store.js';
import * as marks from './marks-store.js';
import * as head from './head-store.js';
import { FanoutPlanner, StaleFanoutError, fanoutFailed } from './head-fanout.js';
import { DomainError } from '../../kernel/errors.js';
import { attachUpdates } from '../attachments/index.js';
import { conversationTouch } from '../conversations/index.js';
import { transactWrite, type TransactItem } from '../../storage/transactions.js';

/** Keys of the messages feature's items: one partition per conversation, ordered by ULID (docs/design.md §3). */
export const keys = {
  message: (conversation: string, seq: string): Key => ({ PK: `MSGS#${conversation}`, SK: seq }),
  /** A previous content of a message (extensions.md §1.2): `MSGV#<id>` / `V#<0000n>`. */
  messageVersion: (id: Uuid, version: number): Key => ({
    PK: `MSGV#${id}`,
    SK: `V#${String(version).padStart(4, '0')}`,
  }),
} as const;

/** Secondary-index keys: GSI1 finds a message by its UUID; GSI2 lists a thread's replies oldest first. */
export const indexKeys = {
  messageById: (id: Uuid) => ({ GSI1PK: `MSG#${id}`, GSI1SK: 'MSG' }),
  reply: (rootId: Uuid, seq: string) => ({ GSI2PK: `THREAD#${rootId}`, GSI2SK: seq }),
} as const;

/** Partition values used in queries. */
export const partitions = {
  messages: (conversation: string) => `MSGS#${conversation}`,
  messageById: (id: Uuid) => `MSG#${id}`,
  thread: (rootId: Uuid) => `THREAD#${rootId}`,
  versions: (id: Uuid) => `MSGV#${id}`,
} as const;

/** `entity` tags of the messages feature's items. */
export const ENTITY = {
  message: 'message',
  messageVersion: 'message_version',
  mention: 'mention',
  pin: 'pin',
  pinCount: 'pin_count',
} as const;

/**
 * Conversation key of a message target: the room id, `DM#<a>#<b>` with the two user ids
 * sorted so both directions share one partition (docs/protocol/http.md §9.2: DM history has both
 * directions), or `CONV#<id>` for a group conversation (docs/protocol/extensions.md §7.2).
 */
export function conversationKey(
  target:
    | { type: 'room'; room_id: Uuid }
    | { type: 'dm'; author: Uuid; recipient: Uuid }
    | { type: 'conversation'; conversation_id: Uuid },
): string {
  if (target.type === 'room') return target.room_id;
  if (target.type === 'conversation') return `CONV#${target.conversation_id}`;
  const [a, b] = [target.author, target.recipient].sort();
  return `DM#${a}#${b}`;
}

/**
 * extensions.md §7.2: a conversation message's (or reply's) transaction also conditions on the
 * author still taking part and moves `last_message_at`; none for other targets.
 */
function conversationGuard(TableName: string, m: MessageRecord): TransactItem[] {
  if (m.target.type !== 'conversation') return [];
  return [conversationTouch(TableName, m.target.conversation_id, m.author, m.created_at)];
}

/** Attribute-name prefixes of the per-emoji reaction attributes on a message item (extensions.md §1.4). */
export const REACTION_ATTR = {
  /** String Set of reactor user ids: its size is the count, so ADD/DELETE keep it exact. */
  users: 'rx:',
  /** First-use time of the emoji (orders the `reactions` array). */
  first: 'rt:',
  /** String Set of the distinct emoji on the message (its size is capped at 20). */
  emoji: 'remoji',
} as const;

/**
 * The stored message item: sort key = ULID `seq`, GSI1 `MSG#<uuid>` / `MSG`, target nested as on
 * the wire; a thread reply also carries GSI2 `THREAD#<root>` / `<seq>`. Reactions are stored as
 * per-emoji attributes ({@link REACTION_ATTR}), never as a list rewritten by readers.
 */
export function messageItem(m: MessageRecord): Item {
  // The wire fields as the wire has them; reactions live in per-emoji attributes instead.
  const { reactions: _reactions, ...wire } = toMessage(m);
  return {
    ...keys.message(m.conversation, m.seq),
    ...indexKeys.messageById(m.id),
    ...(m.thread_root_id === null ? {} : indexKeys.reply(m.thread_root_id, m.seq)),
    entity: ENTITY.message,
    ...wire,
    seq: m.seq,
    conversation: m.conversation,
    version: m.version,
  };
}

/** The reactions of an item: one entry per `rx:<emoji>` set, ordered by first use, ≤ 25 users each. */
function reactionsOf(item: Item): ReactionSummary[] {
  const out: { emoji: string; first: string; count: number; users: string[] }[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (!name.startsWith(REACTION_ATTR.users) || !(value instanceof Set) || value.size === 0) continue;
    const emoji = name.slice(REACTION_ATTR.users.length);
    const users = [...(value as Set<string>)].sort();
    const first = item[REACTION_ATTR.first + emoji];
    out.push({ emoji, first: typeof first === 'string' ? first : '', count: users.length, users });
  }
  out.sort((x, y) => (x.first < y.first ? -1 : x.first > y.first ? 1 : x.emoji < y.emoji ? -1 : 1));
  return out.map((r) => ({ emoji: r.emoji, count: r.count, users: r.users.slice(0, LIMITS.reactionUsers) }));
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Maps a message item back to a {@link MessageRecord}; items written before the lifecycle fields get their defaults. */
export function messageFromItem(item: Item): MessageRecord {
  const t = item.target as { type: string; room_id?: string; recipient?: string; conversation_id?: string };
  const target: MessageTarget =
    t.type === 'room'
      ? { type: 'room', room_id: t.room_id ?? '' }
      : t.type === 'conversation'
        ? { type: 'conversation', conversation_id: t.conversation_id ?? '' }
        : { type: 'dm', recipient: t.recipient ?? '' };
  const createdAt = item.created_at as string;
  return {
    ...freshLifecycle(createdAt),
    id: item.id as string,
    author: item.author as string,
    target,
    content: item.content as string,
    edited: item.edited === true,
    created_at: createdAt,
    seq: item.seq as string,
    conversation: item.conversation as string,
    version: item.version as number,
    message_type: (str(item.message_type) ?? 'text') as MessageType,
    edited_at: str(item.edited_at),
    edit_count: num(item.edit_count),
    updated_at: str(item.updated_at) ?? createdAt,
    deleted: item.deleted === true,
    deleted_at: str(item.deleted_at),
    reply_to: str(item.reply_to),
    thread_root_id: str(item.thread_root_id),
    reply_count: num(item.reply_count),
    last_reply_at: str(item.last_reply_at),
    reactions: reactionsOf(item),
    mentions: Array.isArray(item.mentions) ? (item.mentions as string[]) : [],
    pinned: item.pinned === true,
    pinned_at: str(item.pinned_at),
    pinned_by: str(item.pinned_by),
    priority: item.priority === 'high' ? 'high' : 'normal',
    attachments: Array.isArray(item.attachments) ? (item.attachments as AttachmentRef[]) : [],
  };
}

/** {@link MessageRepository} over the single table. History reads are strongly consistent. */
export class DynamoMessageRepository implements MessageRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
    /** Fan-out of head changes to small rooms' member copies (docs/adr/028). */
    private readonly fanout: FanoutPlanner = new FanoutPlanner(doc, tableName),
  ) {}

  /**
   * One transaction: the message (conditional Put, `attribute_not_exists`: a ULID is never
   * reused), its mention index items, its attachments' attach updates (extensions.md §1.7) and
   * the target head's counters (docs/adr/011: unread counts are O(1) reads per target).
   * @throws DomainError `attachment_invalid` when an attachment was attached (or expired) meanwhile
   */
  async put(message: MessageRecord): Promise<void> {
    // The message, its index items, its attachments and its head land together (extensions.md §0.7);
    // in a fan-out room also every member's copy of the head, guarded by `mv` (docs/adr/028).
    const first = 1 + message.mentions.length;
    const attach = attachUpdates(this.tableName, message, this.clock.now());
    const guard = conversationGuard(this.tableName, message);
    await this.fanout.run(message, async (plan) => {
      const headIndex = first + attach.length;
      const peers = head.dmPeerUpdates(this.tableName, message);
      const guardIndex = headIndex + 1 + peers.length;
      const copies = this.fanout.sendCopies(plan, message);
      const copiesFrom = guardIndex + guard.length;
      await transactWrite(
        this.doc,
        [
          {
            Put: {
              TableName: this.tableName,
              Item: messageItem(message),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          ...marks.mentionPuts(this.tableName, message),
          ...attach,
          head.headUpdate(this.tableName, message, plan.guard),
          ...peers,
          ...guard,
          ...copies,
        ],
        (c) =>
          guard.length > 0 && c.failed(guardIndex)
            ? new DomainError('conversation_not_found')
            : fanoutFailed((i) => c.failed(i), headIndex, copiesFrom, copies.length)
              ? new StaleFanoutError()
              : c.reasons.some((_, i) => i >= first && i < first + attach.length && c.failed(i))
                ? new DomainError('attachment_invalid')
                : new DomainError('internal_error'),
      );
    });
  }

  /**
   * GSI1 lookup for the key, then a strongly consistent GetItem so edits are always visible;
   * `consistent: false` returns the GSI's (projection ALL) copy instead: one read.
   */
  async getById(id: Uuid, opts: { consistent?: boolean } = {}): Promise<MessageRecord | null> {
    const consistent = opts.consistent !== false;
    const [hit] = await queryAll(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': partitions.messageById(id) },
        ...(consistent ? { ProjectionExpression: 'conversation, seq' } : {}),
      },
      { max: 1 },
    );
    if (!hit) return null;
    // GSI1 projects ALL: an eventually consistent caller takes the index copy (one read, not two).
    if (!consistent) return isLive(hit, this.clock.now()) ? messageFromItem(hit) : null;
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.message(hit.conversation as string, hit.seq as string),
        ConsistentRead: true,
      }),
    );
    return out.Item && isLive(out.Item, this.clock.now()) ? messageFromItem(out.Item) : null;
  }

  updateContent(message: MessageRecord, content: string, at: string): Promise<MessageRecord> {
    return lifecycle.edit(this.doc, this.tableName, message, content, at);
  }

  versions(message: MessageRecord): Promise<MessageVersion[]> {
    return lifecycle.versions(this.doc, this.tableName, message);
  }

  tombstone(message: MessageRecord, at: string, root: MessageRecord | null): Promise<MessageRecord> {
    return lifecycle.tombstone(this.doc, this.tableName, message, at, root, this.fanout);
  }

  putReply(reply: MessageRecord, root: MessageRecord): Promise<MessageRecord> {
    return lifecycle.putReply(
      this.doc,
      this.tableName,
      reply,
      root,
      attachUpdates(this.tableName, reply, this.clock.now()),
      conversationGuard(this.tableName, reply),
      this.fanout,
    );
  }

  react(
    where: lifecycle.ReactionTarget,
    emoji: string,
    userId: Uuid,
    add: boolean,
    at: string,
  ): Promise<ReactionChange> {
    return lifecycle.react(this.doc, this.tableName, where, emoji, userId, add, at);
  }

  setPinned(message: MessageRecord, pin: boolean, by: Uuid, at: string): Promise<MessageRecord | null> {
    return marks.setPinned(this.doc, this.tableName, message, pin, by, at);
  }

  listPins(conversation: string): Promise<MessageRecord[]> {
    return marks.listPins(this.doc, this.tableName, conversation);
  }

  listMentions(
    userId: Uuid,
    limit: number,
    beforeSk?: string,
  ): Promise<{ messages: MessageRecord[]; lastSk: string | null }> {
    return marks.listMentions(this.doc, this.tableName, userId, limit, beforeSk);
  }

  /** Deletes the item and its versions (admin hard delete; retention). */
  async delete(message: MessageRecord): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.message(message.conversation, message.seq) }),
    );
    await lifecycle.purgeVersions(this.doc, this.tableName, message);
  }

  /**
   * Strictly between `afterSeq` and `beforeSeq` when given, newest first (or oldest first with
   * `order: 'asc'`), at most `limit` items; pages until full or the partition ends. Items past a
   * TTL are skipped; tombstones unless `includeDeleted`; replies when `excludeReplies`.
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
        ScanIndexForward: query.order === 'asc',
        ConsistentRead: true,
      },
      {
        max: query.limit,
        keep: (item) =>
          isLive(item, now) &&
          item.SK !== beforeSeq &&
          item.SK !== afterSeq &&
          (query.includeDeleted === true || item.deleted !== true) &&
          (query.excludeReplies !== true || typeof item.thread_root_id !== 'string'),
      },
    );
    return items.map(messageFromItem);
  }

  /** GSI2 `THREAD#<root>` oldest first (eventually consistent, as every GSI read); tombstones skipped. */
  async thread(rootId: Uuid, limit: number, afterSeq?: string): Promise<MessageRecord[]> {
    if (limit <= 0) return [];
    const now = this.clock.now();
    const items = await queryAll(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: GSI2,
        KeyConditionExpression: afterSeq === undefined ? 'GSI2PK = :pk' : 'GSI2PK = :pk AND GSI2SK > :after',
        ExpressionAttributeValues: {
          ':pk': partitions.thread(rootId),
          ...(afterSeq === undefined ? {} : { ':after': afterSeq }),
        },
        ScanIndexForward: true,
      },
      { max: limit, keep: (item) => isLive(item, now) && item.deleted !== true },
    );
    return items.map(messageFromItem);
  }
}
