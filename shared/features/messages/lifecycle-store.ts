// The message lifecycle writes (docs/protocol/extensions.md §1.2–§1.5): edit + version in one transaction, tombstones, thread replies, reactions by conditional update.
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError, DomainError } from '../../kernel/errors.js';
import type { Uuid } from '../../kernel/types.js';
import type { Item } from '../../storage/items.js';
import { batchDelete, queryAll } from '../../storage/operations.js';
import { isConditionalCheckFailed, transactWrite, type TransactItem } from '../../storage/transactions.js';
import { LIMITS, type MessageRecord, type MessageVersion, type ReactionChange } from './model.js';
import { mentionPuts } from './marks-store.js';
import { dmPeerTombstones, dmPeerUpdates, headTombstone, headUpdate } from './head-store.js';
import { fanoutFailed, StaleFanoutError, type FanoutPlan, type FanoutPlanner } from './head-fanout.js';
import { ENTITY, keys, messageFromItem, messageItem, partitions, REACTION_ATTR } from './store.js';

const NOT_DELETED = '(attribute_not_exists(deleted) OR deleted = :false)';

/**
 * One transaction: the message update (content, `edited`, `edited_at`, `updated_at`,
 * `edit_count + 1`, `version + 1`; conditioned on author, version, not deleted, under the edit cap)
 * and the version item holding the previous content (`attribute_not_exists`).
 * @returns the record after the edit
 * @throws ConflictError `message_not_found` when the item vanished, was deleted or its version moved
 */
export async function edit(
  doc: DynamoDBDocumentClient,
  TableName: string,
  message: MessageRecord,
  content: string,
  at: string,
): Promise<MessageRecord> {
  const number = message.edit_count + 1;
  const items: TransactItem[] = [
    {
      Update: {
        TableName,
        Key: keys.message(message.conversation, message.seq),
        UpdateExpression:
          'SET content = :content, edited = :true, edited_at = :at, updated_at = :at, #version = :next ADD edit_count :one',
        ConditionExpression: `attribute_exists(PK) AND author = :author AND #version = :version AND ${NOT_DELETED} AND (attribute_not_exists(edit_count) OR edit_count < :max)`,
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: {
          ':content': content,
          ':true': true,
          ':false': false,
          ':at': at,
          ':next': message.version + 1,
          ':one': 1,
          ':author': message.author,
          ':version': message.version,
          ':max': LIMITS.edits,
        },
      },
    },
    {
      Put: {
        TableName,
        Item: {
          ...keys.messageVersion(message.id, number),
          entity: ENTITY.messageVersion,
          message_id: message.id,
          version: number,
          content: message.content,
          created_at: message.edited_at ?? message.created_at,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  ];
  await transactWrite(doc, items, () => new ConflictError('message_not_found'));
  return {
    ...message,
    content,
    edited: true,
    edited_at: at,
    updated_at: at,
    edit_count: number,
    version: message.version + 1,
  };
}

/** Previous versions, oldest first (the current content is the caller's to append). */
export async function versions(
  doc: DynamoDBDocumentClient,
  TableName: string,
  message: MessageRecord,
): Promise<MessageVersion[]> {
  const items = await queryAll(doc, {
    TableName,
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': partitions.versions(message.id) },
    ScanIndexForward: true,
    ConsistentRead: true,
  });
  return items.map((i) => ({
    version: i.version as number,
    content: i.content as string,
    created_at: i.created_at as string,
  }));
}

/** Deletes every version item of a message (idempotent: safe to repeat after a crash). */
export async function purgeVersions(
  doc: DynamoDBDocumentClient,
  TableName: string,
  message: MessageRecord,
): Promise<void> {
  const items = await queryAll(doc, {
    TableName,
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': partitions.versions(message.id) },
    ProjectionExpression: 'PK, SK',
  });
  if (items.length > 0)
    await batchDelete(
      doc,
      TableName,
      items.map((i) => ({ PK: i.PK as string, SK: i.SK as string })),
    );
}

/**
 * Soft delete in one transaction: the tombstone (content `""`, `deleted`, `deleted_at`, reactions
 * and attachments purged, `version + 1`, conditioned on `version`) and, for a reply whose root
 * still exists, the root's `reply_count - 1`. Versions are purged afterwards (idempotent).
 * @param root - the reply's thread root as just read (null when none or gone)
 * @throws ConflictError `message_not_found` when the message vanished or its version moved
 */
export async function tombstone(
  doc: DynamoDBDocumentClient,
  TableName: string,
  message: MessageRecord,
  at: string,
  root: MessageRecord | null,
  /** Fan-out to room members' head copies (docs/adr/028); absent = head only. */
  fanout?: FanoutPlanner,
): Promise<MessageRecord> {
  const names: Record<string, string> = { '#version': 'version' };
  const removals = message.reactions.flatMap((r, i) => {
    names[`#u${i}`] = REACTION_ATTR.users + r.emoji;
    names[`#f${i}`] = REACTION_ATTR.first + r.emoji;
    return [`#u${i}`, `#f${i}`];
  });
  const update: TransactItem = {
    Update: {
      TableName,
      Key: keys.message(message.conversation, message.seq),
      UpdateExpression:
        'SET content = :empty, deleted = :true, deleted_at = :at, updated_at = :at, attachments = :none, #version = :next' +
        (removals.length > 0 ? ` REMOVE ${REACTION_ATTR.emoji}, ${removals.join(', ')}` : ''),
      ConditionExpression: 'attribute_exists(PK) AND #version = :version',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: {
        ':empty': '',
        ':true': true,
        ':at': at,
        ':none': [],
        ':next': message.version + 1,
        ':version': message.version,
      },
    },
  };
  const rootUpdate: TransactItem[] =
    root === null
      ? []
      : [
          {
            Update: {
              TableName,
              Key: keys.message(root.conversation, root.seq),
              UpdateExpression: 'ADD reply_count :minus SET updated_at = :at',
              ConditionExpression: 'attribute_exists(PK) AND reply_count > :zero',
              ExpressionAttributeValues: { ':minus': -1, ':zero': 0, ':at': at },
            },
          },
        ];
  // In a fan-out room the members' copies take the tombstone too, guarded by `mv` (docs/adr/028).
  const write = (plan: FanoutPlan | null, withRoot: boolean) => {
    const items = [update, ...(withRoot ? rootUpdate : [])];
    const headIndex = items.length;
    const copies = plan === null || fanout === undefined ? [] : fanout.tombstoneCopies(plan, message);
    return transactWrite(
      doc,
      [
        ...items,
        headTombstone(TableName, message, plan?.guard ?? null),
        ...dmPeerTombstones(TableName, message),
        ...copies,
      ],
      (c) =>
        c.failed(0)
          ? new ConflictError('message_not_found')
          : fanoutFailed((i) => c.failed(i), headIndex, c.reasons.length - copies.length, copies.length)
            ? new StaleFanoutError()
            : withRoot
              ? new RootGoneError()
              : new ConflictError('message_not_found'),
    );
  };
  const attempt = async (withRoot: boolean) =>
    fanout === undefined ? write(null, withRoot) : fanout.run(message, (plan) => write(plan, withRoot));
  try {
    await attempt(rootUpdate.length > 0);
  } catch (e) {
    if (!(e instanceof RootGoneError)) throw e;
    await attempt(false);
  }
  await purgeVersions(doc, TableName, message);
  return {
    ...message,
    content: '',
    deleted: true,
    deleted_at: at,
    updated_at: at,
    reactions: [],
    attachments: [],
    version: message.version + 1,
  };
}

/** The root of a tombstoned reply vanished between the read and the write: tombstone alone. */
class RootGoneError extends Error {}

/**
 * Stores a reply and bumps its root in one transaction (Put `attribute_not_exists` + root
 * `reply_count + 1`, `last_reply_at`, conditioned on the root existing and not being a tombstone),
 * then reads the root back (strongly consistent) so `thread_updated` carries the exact count.
 * `attach` (the reply's attach updates, extensions.md §1.7) joins the same transaction.
 * @throws DomainError `invalid_reply` when the root is gone or deleted | `attachment_invalid` when an attachment was taken meanwhile
 */
export async function putReply(
  doc: DynamoDBDocumentClient,
  TableName: string,
  reply: MessageRecord,
  root: MessageRecord,
  attach: TransactItem[] = [],
  /** Conversation participant check (extensions.md §7.2), after the head and DM-peer items. */
  guard: TransactItem[] = [],
  /** Fan-out to room members' head copies (docs/adr/028); absent = head only. */
  fanout?: FanoutPlanner,
): Promise<MessageRecord> {
  const rootKey = keys.message(root.conversation, root.seq);
  const rootIndex = 1 + reply.mentions.length;
  const write = (plan: FanoutPlan | null) => {
    const headIndex = rootIndex + 1 + attach.length;
    const peers = dmPeerUpdates(TableName, reply);
    const guardIndex = headIndex + 1 + peers.length;
    const copies = plan === null || fanout === undefined ? [] : fanout.sendCopies(plan, reply);
    return transactWrite(
      doc,
      [
        { Put: { TableName, Item: messageItem(reply), ConditionExpression: 'attribute_not_exists(PK)' } },
        ...mentionPuts(TableName, reply),
        {
          Update: {
            TableName,
            Key: rootKey,
            UpdateExpression: 'ADD reply_count :one SET last_reply_at = :at, updated_at = :at',
            ConditionExpression: `attribute_exists(PK) AND ${NOT_DELETED}`,
            ExpressionAttributeValues: { ':one': 1, ':at': reply.created_at, ':false': false },
          },
        },
        ...attach,
        headUpdate(TableName, reply, plan?.guard ?? null),
        ...peers,
        ...guard,
        ...copies,
      ],
      (c) =>
        guard.length > 0 && c.failed(guardIndex)
          ? new DomainError('conversation_not_found')
          : c.failed(rootIndex)
            ? new DomainError('invalid_reply')
            : fanoutFailed((i) => c.failed(i), headIndex, guardIndex + guard.length, copies.length)
              ? new StaleFanoutError()
              : c.reasons.some((_, i) => i > rootIndex && c.failed(i))
                ? new DomainError('attachment_invalid')
                : new DomainError('internal_error'),
    );
  };
  await (fanout === undefined ? write(null) : fanout.run(reply, write));
  const out = await doc.send(new GetCommand({ TableName, Key: rootKey, ConsistentRead: true }));
  return out.Item ? messageFromItem(out.Item) : root;
}

/** Attempts per reaction change: each conditional update either applies or tells us which variant fits. */
const REACT_ATTEMPTS = 4;

/** Where a message lives and what we know of its reactions, as much as the caller has. */
export interface ReactionTarget {
  conversation: string;
  seq: string;
  /** The reactors of this emoji as last seen (absent = unknown: the add needs no guess anyway). */
  known?: { count: number; users: readonly Uuid[] } | null;
}

/**
 * Adds or removes one reaction with a single conditional UpdateItem per attempt. The reactor set
 * `rx:<emoji>` (String Set) is the truth: ADD/DELETE of the caller's id is atomic, its size is the
 * count. The distinct emoji are the String Set `remoji`: an add puts the emoji in it (a no-op when
 * already there) under the condition `size(remoji) < 20 OR contains(remoji, emoji)`, so an add is
 * always ONE UpdateItem whatever the message held; a last remover takes the emoji out again. A
 * failed condition is explained by a fresh read; nothing is read, modified and written back.
 * @throws DomainError `message_not_found` (gone or tombstone); ConflictError `reaction_limit`
 */
export async function react(
  doc: DynamoDBDocumentClient,
  TableName: string,
  where: ReactionTarget,
  emoji: string,
  userId: Uuid,
  add: boolean,
  at: string,
): Promise<ReactionChange> {
  const Key = keys.message(where.conversation, where.seq);
  // For a removal, guess "one of several" unless we know we are the last reactor.
  let single = where.known?.count === 1;
  for (let attempt = 1; attempt <= REACT_ATTEMPTS; attempt++) {
    const input = add ? REACT_VARIANTS.add : single ? REACT_VARIANTS.removeLast : REACT_VARIANTS.removeOne;
    // DynamoDB refuses unused placeholders: send only the ones this variant's expressions name.
    const used = <T>(entries: Record<string, T>): Record<string, T> =>
      Object.fromEntries(Object.entries(entries).filter(([k]) => input.placeholders.has(k)));
    try {
      const out = await doc.send(
        new UpdateCommand({
          TableName,
          Key,
          UpdateExpression: input.update,
          ConditionExpression: input.condition,
          ExpressionAttributeNames: used({
            '#u': REACTION_ATTR.users + emoji,
            '#f': REACTION_ATTR.first + emoji,
            '#e': REACTION_ATTR.emoji,
          }),
          ExpressionAttributeValues: used<unknown>({
            ':me': new Set([userId]),
            ':uid': userId,
            ':emoji': emoji,
            ':es': new Set([emoji]),
            ':at': at,
            ':false': false,
            ':one': 1,
            ':max': LIMITS.distinctReactions,
          }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      const updated = messageFromItem(out.Attributes ?? {});
      const count = updated.reactions.find((r) => r.emoji === emoji)?.count ?? 0;
      return { message: updated, changed: true, count };
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
      const read = await doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
      const current = read.Item as Item | undefined;
      if (current === undefined || current.deleted === true) throw new DomainError('message_not_found');
      const set = current[REACTION_ATTR.users + emoji];
      const users = set instanceof Set ? (set as Set<string>) : new Set<string>();
      if (add === users.has(userId))
        return { message: messageFromItem(current), changed: false, count: users.size };
      if (add) throw new ConflictError('reaction_limit'); // not reacted, so the distinct-emoji cap refused it
      single = users.size === 1;
    }
  }
  throw new DomainError('database_error', 'Database error: reaction kept racing');
}

/** One reaction UpdateItem shape, with the placeholders its expressions use (computed once, at load). */
function variant(update: string, condition: string) {
  const full = `attribute_exists(PK) AND ${NOT_DELETED} AND ${condition}`;
  return { update, condition: full, placeholders: new Set(`${update} ${full}`.match(/[#:][a-z]+/g)) };
}

/**
 * - add: the caller joins the emoji's reactor set; the emoji joins `remoji` under the cap of 20 distinct;
 * - removeOne: one of several reactors leaves;
 * - removeLast: the last reactor leaves, which also drops the emoji.
 */
const REACT_VARIANTS = {
  add: variant(
    'ADD #u :me, #e :es SET #f = if_not_exists(#f, :at), updated_at = :at',
    '(attribute_not_exists(#u) OR NOT contains(#u, :uid)) AND (attribute_not_exists(#e) OR size(#e) < :max OR contains(#e, :emoji))',
  ),
  removeOne: variant('DELETE #u :me SET updated_at = :at', 'contains(#u, :uid) AND size(#u) > :one'),
  removeLast: variant(
    'DELETE #u :me, #e :es REMOVE #f SET updated_at = :at',
    'contains(#u, :uid) AND size(#u) = :one',
  ),
} as const;
