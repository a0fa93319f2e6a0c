// Per-target head items (docs/adr/011): a message counter, per-author counts and the tombstone list, written in the same transaction as each message, so unread counts are O(1) reads per target.
import { BatchGetCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../../kernel/errors.js';
import type { Uuid } from '../../kernel/types.js';
import type { Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { backoff, MAX_ATTEMPTS, queryAll } from '../../storage/operations.js';
import type { TransactItem } from '../../storage/transactions.js';
import { COPY } from '../../storage/head-copies.js';
import type { MessageRecord } from './model.js';

/** Attribute-name prefix of the per-author message counters on a head item (`o:<user id>`). */
const OWN_PREFIX = 'o:';

/** Keys of the head items. */
export const headKeys = {
  /** `HEAD#<conversation>` / `HEAD`: `n` messages ever created, `o:<author>` per author, `dl` tombstones. */
  head: (conversation: string): Key => ({ PK: `HEAD#${conversation}`, SK: 'HEAD' }),
  /** `DMPEERS#<user>` / `<conversation>`: a DM conversation this user has messages in. */
  dmPeer: (userId: Uuid, conversation: string): Key => ({ PK: `DMPEERS#${userId}`, SK: conversation }),
} as const;

/** A target's head as read (docs/adr/011). */
export interface TargetHead {
  conversation: string;
  /** Messages ever created in the target (replies and later tombstones included). */
  n: number;
  /** Messages ever created per author id. */
  byAuthor: ReadonlyMap<Uuid, number>;
  /** Tombstoned messages as `{seq, author}`. */
  deleted: readonly { seq: string; author: Uuid }[];
  /** The last message the head recorded (the last committed under concurrent sends). */
  last_message_id: Uuid | null;
  last_seq: string | null;
}

/** A DM conversation a user has messages in (found by `GET /unread` and `sync`). */
export interface DmPeer {
  conversation: string;
  peer: Uuid;
}

/**
 * The head update of one new message: `ADD n 1, o:<author> 1`, last id/seq. Goes into the
 * message's own transaction (extensions.md §0.7: message and counter land together).
 */
export function headUpdate(TableName: string, m: MessageRecord, guard: HeadGuard = null): TransactItem {
  return {
    Update: {
      TableName,
      Key: headKeys.head(m.conversation),
      // `hv`: head version, so a join's copy snapshot is conditioned on no change since (docs/adr/028).
      UpdateExpression:
        'ADD n :one, #own :one, hv :one SET last_message_id = :id, last_seq = :seq, entity = :e',
      ...(guard === null ? {} : { ConditionExpression: guard.expression }),
      ExpressionAttributeNames: { '#own': OWN_PREFIX + m.author },
      ExpressionAttributeValues: {
        ':one': 1,
        ':id': m.id,
        ':seq': m.seq,
        ':e': 'target_head',
        ...(guard?.values ?? {}),
      },
    },
  };
}

/** The membership-version condition of a room's head write (docs/adr/028), null for none. */
export type HeadGuard = { expression: string; values: Record<string, unknown> } | null;

/** The DM-peer items of both parties, so `GET /unread` and `sync` find DMs without a scan. */
export function dmPeerUpdates(TableName: string, m: MessageRecord): TransactItem[] {
  if (m.target.type !== 'dm') return [];
  const recipient = m.target.recipient;
  if (recipient === m.author) return [];
  const peer = (userId: Uuid, other: Uuid): TransactItem => ({
    Update: {
      TableName,
      Key: headKeys.dmPeer(userId, m.conversation),
      // GSI1 `USER#<id>` / `DMPEER#<conversation>`: found by the user's one index Query (docs/adr/011).
      // The member's copy of the head (docs/adr/028): `hc_on` becomes true only on an item this
      // code created (a legacy item's `peer` exists, so it gets the peer id: not trusted).
      UpdateExpression:
        `SET peer = :peer, entity = :e, GSI1PK = :gpk, GSI1SK = :gsk, #on = if_not_exists(#on, if_not_exists(peer, :true)), #lid = :id, #lseq = :seq ADD #n :one` +
        (userId === m.author ? ', #own :one' : ''),
      ExpressionAttributeNames: {
        '#on': COPY.on,
        '#lid': COPY.lastId,
        '#lseq': COPY.lastSeq,
        '#n': COPY.n,
        ...(userId === m.author ? { '#own': COPY.own } : {}),
      },
      ExpressionAttributeValues: {
        ':peer': other,
        ':e': 'dm_peer',
        ':gpk': `USER#${userId}`,
        ':gsk': `DMPEER#${m.conversation}`,
        ':true': true,
        ':id': m.id,
        ':seq': m.seq,
        ':one': 1,
      },
    },
  });
  return [peer(recipient, m.author), peer(m.author, recipient)];
}

/** The head update of a tombstone: `ADD dl <seq>|<author>` (a String Set, so a retry is idempotent). */
export function headTombstone(TableName: string, m: MessageRecord, guard: HeadGuard = null): TransactItem {
  return {
    Update: {
      TableName,
      Key: headKeys.head(m.conversation),
      UpdateExpression: 'ADD dl :d, hv :one',
      ...(guard === null ? {} : { ConditionExpression: guard.expression }),
      ExpressionAttributeValues: {
        ':d': new Set([`${m.seq}|${m.author}`]),
        ':one': 1,
        ...(guard?.values ?? {}),
      },
    },
  };
}

/** A DM tombstone on both parties' copies (DM-peer items, docs/adr/028); none for a self-DM. */
export function dmPeerTombstones(TableName: string, m: MessageRecord): TransactItem[] {
  if (m.target.type !== 'dm' || m.target.recipient === m.author) return [];
  return [m.author, m.target.recipient].map((u) => ({
    Update: {
      TableName,
      Key: headKeys.dmPeer(u, m.conversation),
      // Unconditional: a delete never fails on a missing DM-peer item (a keyless stub is in no index).
      UpdateExpression: 'ADD #dl :d',
      ExpressionAttributeNames: { '#dl': COPY.dl },
      ExpressionAttributeValues: { ':d': new Set([`${m.seq}|${m.author}`]) },
    },
  }));
}

function headFromItem(conversation: string, item: Item | undefined): TargetHead {
  const byAuthor = new Map<Uuid, number>();
  const deleted: { seq: string; author: Uuid }[] = [];
  if (item !== undefined) {
    for (const [name, value] of Object.entries(item)) {
      if (name.startsWith(OWN_PREFIX) && typeof value === 'number') byAuthor.set(name.slice(2), value);
    }
    if (item.dl instanceof Set) {
      for (const entry of item.dl as Set<string>) {
        const [seq = '', author = ''] = entry.split('|');
        deleted.push({ seq, author });
      }
    }
  }
  return {
    conversation,
    n: typeof item?.n === 'number' ? item.n : 0,
    byAuthor,
    deleted,
    last_message_id: typeof item?.last_message_id === 'string' ? item.last_message_id : null,
    last_seq: typeof item?.last_seq === 'string' ? item.last_seq : null,
  };
}

/**
 * Reads many heads with BatchGetItem (100 keys per call, the calls in parallel, eventually
 * consistent: a list view, docs/adr/011 "Read cost"); absent heads are empty. With `forUser`, only
 * that reader's own counter `o:<forUser>` is read (a head holds one counter per author: in a big
 * room most of its bytes), so `byAuthor` then holds that one author.
 */
export async function getHeads(
  doc: DynamoDBDocumentClient,
  TableName: string,
  conversations: readonly string[],
  forUser?: Uuid,
): Promise<Map<string, TargetHead>> {
  const chunks: string[][] = [];
  for (let i = 0; i < conversations.length; i += 100) chunks.push(conversations.slice(i, i + 100));
  const projection =
    forUser === undefined
      ? {}
      : {
          ProjectionExpression: 'PK, #n, #own, dl, last_message_id, last_seq',
          ExpressionAttributeNames: { '#n': 'n', '#own': OWN_PREFIX + forUser },
        };
  const got = (
    await Promise.all(
      chunks.map(async (c) => {
        const found: Item[] = [];
        let pending: Record<string, unknown>[] = c.map((conv) => ({ ...headKeys.head(conv) }));
        for (let attempt = 1; pending.length > 0; attempt++) {
          if (attempt > MAX_ATTEMPTS) throw new DomainError('database_error');
          if (attempt > 1) await backoff(attempt);
          const out = await doc.send(
            new BatchGetCommand({
              RequestItems: { [TableName]: { Keys: pending, ConsistentRead: false, ...projection } },
            }),
          );
          found.push(...((out.Responses?.[TableName] ?? []) as Item[]));
          pending = out.UnprocessedKeys?.[TableName]?.Keys ?? [];
        }
        return found;
      }),
    )
  ).flat();
  const byPk = new Map(got.map((i) => [String(i.PK), i]));
  return new Map(conversations.map((c) => [c, headFromItem(c, byPk.get(headKeys.head(c).PK))]));
}

/** One head, strongly consistent (the read-marker snapshot, docs/adr/011). */
export async function getHead(
  doc: DynamoDBDocumentClient,
  TableName: string,
  conversation: string,
): Promise<TargetHead> {
  const out = await doc.send(
    new GetCommand({ TableName, Key: headKeys.head(conversation), ConsistentRead: true }),
  );
  return headFromItem(conversation, out.Item);
}

/** Messages strictly after `seq` in a conversation (tombstones and replies included): all, and by `author`. */
export async function countAfter(
  doc: DynamoDBDocumentClient,
  TableName: string,
  conversation: string,
  seq: string,
  author: Uuid,
): Promise<{ all: number; own: number }> {
  const items = await queryAll(doc, {
    TableName,
    KeyConditionExpression: 'PK = :pk AND SK > :seq',
    ExpressionAttributeValues: { ':pk': `MSGS#${conversation}`, ':seq': seq },
    ProjectionExpression: 'author',
    ConsistentRead: true,
  });
  return { all: items.length, own: items.filter((i) => i.author === author).length };
}

/** The DM conversations `userId` has messages in (one Query). */
export async function listDmPeers(
  doc: DynamoDBDocumentClient,
  TableName: string,
  userId: Uuid,
): Promise<DmPeer[]> {
  const items = await queryAll(doc, {
    TableName,
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': `DMPEERS#${userId}` },
  });
  return items.map((i) => ({ conversation: String(i.SK), peer: String(i.peer) }));
}

/**
 * The user's mention index items after `afterSeq` (all when empty), newest first, at most `max`:
 * `{conversation, seq}` each (one Query of `MENTION#<user>`, extensions.md §1.6).
 */
export async function mentionMarksAfter(
  doc: DynamoDBDocumentClient,
  TableName: string,
  userId: Uuid,
  afterSeq: string,
  max: number,
): Promise<{ conversation: string; seq: string }[]> {
  const items = await queryAll(
    doc,
    {
      TableName,
      KeyConditionExpression: afterSeq === '' ? 'PK = :pk' : 'PK = :pk AND SK > :after',
      ExpressionAttributeValues: {
        ':pk': `MENTION#${userId}`,
        ...(afterSeq === '' ? {} : { ':after': afterSeq }),
      },
      ProjectionExpression: 'conversation, seq',
      ScanIndexForward: false,
    },
    { max },
  );
  return items.map((i) => ({ conversation: String(i.conversation), seq: String(i.seq) }));
}

/** The head reads of the receipts feature (docs/adr/011), over the single table. */
export class DynamoHeadRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Many heads, one eventually consistent BatchGetItem per 100 (in parallel); `forUser`: only that author's counter. */
  many(conversations: readonly string[], forUser?: Uuid): Promise<Map<string, TargetHead>> {
    return getHeads(this.doc, this.tableName, conversations, forUser);
  }

  /** One head, strongly consistent. */
  one(conversation: string): Promise<TargetHead> {
    return getHead(this.doc, this.tableName, conversation);
  }

  /** Messages after `seq` (all, and by `author`), strongly consistent. */
  countAfter(conversation: string, seq: string, author: Uuid): Promise<{ all: number; own: number }> {
    return countAfter(this.doc, this.tableName, conversation, seq, author);
  }

  /** Mention index items of the user after `afterSeq`, newest first, at most `max`. */
  mentionsAfter(
    userId: Uuid,
    afterSeq: string,
    max: number,
  ): Promise<{ conversation: string; seq: string }[]> {
    return mentionMarksAfter(this.doc, this.tableName, userId, afterSeq, max);
  }

  /** DM conversations the user has messages in. */
  dmPeers(userId: Uuid): Promise<DmPeer[]> {
    return listDmPeers(this.doc, this.tableName, userId);
  }
}

/** The port the receipts feature reads heads through. */
export type HeadRepository = Pick<
  DynamoHeadRepository,
  'many' | 'one' | 'countAfter' | 'dmPeers' | 'mentionsAfter'
>;
