// Mentions and pins storage (docs/protocol/extensions.md §1.6): mention index items written with the message, pin items + a per-target pin counter in one transaction.
import { type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError, DomainError } from '../../kernel/errors.js';
import type { Uuid } from '../../kernel/types.js';
import type { Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { batchGet, queryPages } from '../../storage/operations.js';
import { transactWrite, type TransactItem } from '../../storage/transactions.js';
import type { MessageRecord } from './model.js';
import { ENTITY, keys, messageFromItem } from './store.js';

/** Pins per target (extensions.md §1.6). */
export const MAX_PINS = 50;

/** Keys of the mark items. */
export const markKeys = {
  /** `MENTION#<user>` / `<seq>#<id>`: one per mentioned user, newest first by ULID. */
  mention: (userId: Uuid, seq: string, id: Uuid): Key => ({ PK: `MENTION#${userId}`, SK: `${seq}#${id}` }),
  /** `PINS#<conversation>` / `<seq>`: a pinned message of a target. */
  pin: (conversation: string, seq: string): Key => ({ PK: `PINS#${conversation}`, SK: seq }),
  /** `PINCOUNT#<conversation>` / `COUNT`: the target's pin counter (`n`, conditioned < 50). */
  pinCount: (conversation: string): Key => ({ PK: `PINCOUNT#${conversation}`, SK: 'COUNT' }),
} as const;

/** The Put of each mention item of `m` (written in the same transaction as the message). */
export function mentionPuts(TableName: string, m: MessageRecord): TransactItem[] {
  return m.mentions.map((userId) => ({
    Put: {
      TableName,
      Item: {
        ...markKeys.mention(userId, m.seq, m.id),
        entity: ENTITY.mention,
        user_id: userId,
        conversation: m.conversation,
        seq: m.seq,
        message_id: m.id,
      },
    },
  }));
}

/** Loads the messages the mark items point at (`conversation` + `seq`), in the items' order. */
async function messagesOf(
  doc: DynamoDBDocumentClient,
  TableName: string,
  marks: Item[],
): Promise<MessageRecord[]> {
  const wanted = marks.map((i) => keys.message(i.conversation as string, i.seq as string));
  const got = await batchGet(doc, TableName, wanted);
  const bySk = new Map(got.map((i) => [`${String(i.PK)}|${String(i.SK)}`, i]));
  return wanted.flatMap((k) => {
    const item = bySk.get(`${k.PK}|${k.SK}`);
    return item === undefined || item.deleted === true ? [] : [messageFromItem(item)];
  });
}

/**
 * The caller's mentions newest first, `limit` per page, strictly older than `beforeSk` (a cursor).
 * @returns the messages (tombstones skipped) and the last mark's sort key when more may follow
 */
export async function listMentions(
  doc: DynamoDBDocumentClient,
  TableName: string,
  userId: Uuid,
  limit: number,
  beforeSk?: string,
): Promise<{ messages: MessageRecord[]; lastSk: string | null }> {
  const { items, lastKey } = await queryPages(
    doc,
    {
      TableName,
      KeyConditionExpression: beforeSk === undefined ? 'PK = :pk' : 'PK = :pk AND SK < :before',
      ExpressionAttributeValues: {
        ':pk': `MENTION#${userId}`,
        ...(beforeSk === undefined ? {} : { ':before': beforeSk }),
      },
      ScanIndexForward: false,
    },
    { max: limit },
  );
  const last = items.at(-1);
  return {
    messages: await messagesOf(doc, TableName, items),
    lastSk:
      items.length === limit && last !== undefined && lastKey !== undefined ? (last.SK as string) : null,
  };
}

/** Every pinned message of a conversation, newest first (at most 50 by construction). */
export async function listPins(
  doc: DynamoDBDocumentClient,
  TableName: string,
  conversation: string,
): Promise<MessageRecord[]> {
  const { items } = await queryPages(doc, {
    TableName,
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': `PINS#${conversation}` },
    ScanIndexForward: false,
  });
  return messagesOf(doc, TableName, items);
}

/**
 * Pins or unpins in one transaction: the message's `pinned`/`pinned_at`/`pinned_by` (conditioned
 * on its current pin state and not deleted), the pin item, and the target's counter (`n < 50` to
 * pin). @returns the record after the change, or `null` when it already was in that state
 * @throws DomainError `message_not_found` (gone/deleted) | ConflictError `pin_limit`
 */
export async function setPinned(
  doc: DynamoDBDocumentClient,
  TableName: string,
  m: MessageRecord,
  pin: boolean,
  by: Uuid,
  at: string,
): Promise<MessageRecord | null> {
  if (m.pinned === pin) return null;
  const messageKey = keys.message(m.conversation, m.seq);
  const items: TransactItem[] = [
    {
      Update: {
        TableName,
        Key: messageKey,
        UpdateExpression: pin
          ? 'SET pinned = :true, pinned_at = :at, pinned_by = :by, updated_at = :at'
          : 'SET pinned = :false, pinned_at = :null, pinned_by = :null, updated_at = :at',
        ConditionExpression: `attribute_exists(PK) AND (attribute_not_exists(deleted) OR deleted = :false) AND ${
          pin ? '(attribute_not_exists(pinned) OR pinned = :false)' : 'pinned = :true'
        }`,
        ExpressionAttributeValues: pin
          ? { ':true': true, ':false': false, ':at': at, ':by': by }
          : { ':true': true, ':false': false, ':at': at, ':null': null },
      },
    },
    pin
      ? {
          Put: {
            TableName,
            Item: {
              ...markKeys.pin(m.conversation, m.seq),
              entity: ENTITY.pin,
              conversation: m.conversation,
              seq: m.seq,
            },
          },
        }
      : { Delete: { TableName, Key: markKeys.pin(m.conversation, m.seq) } },
    {
      Update: {
        TableName,
        Key: markKeys.pinCount(m.conversation),
        UpdateExpression: 'ADD n :d SET entity = :entity',
        ...(pin ? { ConditionExpression: 'attribute_not_exists(n) OR n < :max' } : {}),
        ExpressionAttributeValues: {
          ':d': pin ? 1 : -1,
          ':entity': ENTITY.pinCount,
          ...(pin ? { ':max': MAX_PINS } : {}),
        },
      },
    },
  ];
  await transactWrite(doc, items, (c) =>
    c.failed(2) ? new ConflictError('pin_limit') : new DomainError('message_not_found'),
  );
  return { ...m, pinned: pin, pinned_at: pin ? at : null, pinned_by: pin ? by : null, updated_at: at };
}
