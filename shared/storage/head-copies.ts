// Member copies of a target head (docs/adr/028): small targets fan each head change out to every member's own row, so `GET /unread` is one index Query.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Item } from './items.js';
import type { Key } from './keys.js';
import type { TransactItem } from './transactions.js';

/** Default `LAIR_UNREAD_FANOUT_MAX_MEMBERS`: targets of at most this many members keep member copies (docs/adr/028). */
export const DEFAULT_FANOUT_MAX_MEMBERS = 10;

/**
 * Attribute names of a member's copy of the head, on the row the user's GSI1 Query already
 * returns (room membership row, DM-peer item). `hc_on = true` marks a trusted copy; anything else
 * (absent, or a legacy DM-peer item's non-boolean value) means "read the head" (docs/adr/028).
 */
export const COPY = {
  on: 'hc_on',
  n: 'hc_n',
  own: 'hc_own',
  dl: 'hc_dl',
  lastId: 'hc_last_id',
  lastSeq: 'hc_last_seq',
} as const;

/** Every copy attribute (for projections). */
export const COPY_ATTRIBUTES: readonly string[] = Object.values(COPY);

/**
 * Head attributes of the fan-out protocol: `fo` = true while members hold copies (fan-out mode),
 * `mv` = membership version (`ADD mv 1` on every join of a fan-out or new target), `hv` = head
 * version (`ADD hv 1` on every send and tombstone).
 */
export const HEAD_MODE = { fanout: 'fo', mv: 'mv', hv: 'hv' } as const;

/** `HEAD#<conversation>` / `HEAD` (owned by the messages feature, spelled here for joins). */
export const headKey = (conversation: string): Key => ({ PK: `HEAD#${conversation}`, SK: 'HEAD' });

/** A member's copy as read from its row: the counts `unreadCount` needs (docs/adr/011 arithmetic). */
export interface HeadCopy {
  n: number;
  own: number;
  deleted: { seq: string; author: string }[];
  last_message_id: string | null;
  last_seq: string | null;
}

/** The trusted copy on a row, or null when the row holds none (head mode, legacy row). */
export function copyFromItem(item: Item): HeadCopy | null {
  if (item[COPY.on] !== true) return null;
  const dl = item[COPY.dl];
  const deleted =
    dl instanceof Set
      ? [...(dl as Set<string>)].map((e) => {
          const [seq = '', author = ''] = e.split('|');
          return { seq, author };
        })
      : [];
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    n: num(item[COPY.n]),
    own: num(item[COPY.own]),
    deleted,
    last_message_id: str(item[COPY.lastId]),
    last_seq: str(item[COPY.lastSeq]),
  };
}

/** The head item, strongly consistent (the fan-out state a send or join acts on); undefined when absent. */
export async function readHeadItem(
  doc: DynamoDBDocumentClient,
  TableName: string,
  conversation: string,
): Promise<Item | undefined> {
  const out = await doc.send(new GetCommand({ TableName, Key: headKey(conversation), ConsistentRead: true }));
  return out.Item as Item | undefined;
}

/** True when the head says members hold copies. */
export function isFanout(head: Item | undefined): boolean {
  return head?.[HEAD_MODE.fanout] === true;
}

/**
 * The condition a send or tombstone puts on the head: the membership version it read the member
 * list at (`mv = :mv`, or `attribute_not_exists(mv)`), so a join that committed in between cancels
 * the write (TransactionCanceled → re-read members, retry; docs/adr/028 "Race protocol").
 */
export function membershipGuard(head: Item | undefined): {
  expression: string;
  values: Record<string, unknown>;
} {
  const mv = head?.[HEAD_MODE.mv];
  return typeof mv === 'number'
    ? { expression: 'mv = :mv', values: { ':mv': mv } }
    : { expression: 'attribute_not_exists(mv)', values: {} };
}

/**
 * One member's copy update for a new message: `ADD hc_n 1` (and `hc_own 1` for the author), last
 * id/seq; conditioned on the row existing and holding a copy, so a member who left meanwhile is
 * never resurrected (the transaction cancels and the sender re-reads the members).
 */
export function copySend(
  TableName: string,
  rowKey: Key,
  member: string,
  m: { id: string; seq: string; author: string },
): TransactItem {
  const own = m.author === member;
  return {
    Update: {
      TableName,
      Key: rowKey,
      UpdateExpression: `ADD #n :one${own ? ', #own :one' : ''} SET #lid = :id, #lseq = :seq`,
      ConditionExpression: 'attribute_exists(PK) AND #on = :true',
      ExpressionAttributeNames: {
        '#n': COPY.n,
        ...(own ? { '#own': COPY.own } : {}),
        '#lid': COPY.lastId,
        '#lseq': COPY.lastSeq,
        '#on': COPY.on,
      },
      ExpressionAttributeValues: { ':one': 1, ':id': m.id, ':seq': m.seq, ':true': true },
    },
  };
}

/** One member's copy update for a tombstone: `ADD hc_dl <seq>|<author>` (same condition as {@link copySend}). */
export function copyTombstone(TableName: string, rowKey: Key, entry: string): TransactItem {
  return {
    Update: {
      TableName,
      Key: rowKey,
      UpdateExpression: 'ADD #dl :d',
      ConditionExpression: 'attribute_exists(PK) AND #on = :true',
      ExpressionAttributeNames: { '#dl': COPY.dl, '#on': COPY.on },
      ExpressionAttributeValues: { ':d': new Set([entry]), ':true': true },
    },
  };
}

/** What a join adds: attributes for the new member's row and items for its transaction. */
export interface JoinPlan {
  /** Merged into the new membership row: the copy snapshot, or nothing in head mode. */
  attrs: Item;
  /** Appended LAST to the join transaction; any of them failing = the head moved: re-read, retry. */
  items: TransactItem[];
}

/**
 * The fan-out part of a join (docs/adr/028). Head mode (a head without `fo`: big or legacy target)
 * adds nothing. A new target (no head) or a fan-out target: `ADD mv 1` and `fo = (members ≤ max)`
 * on the head, conditioned on `fo` still true and the `hv` read (no send or tombstone committed
 * since the snapshot), and the joiner's copy = the head's `n`, the joiner's `o:<id>`, `dl`, last
 * id/seq. Crossing `max` switches to head mode: `REMOVE hc_on` on every existing member's row,
 * also conditioned on the `mv` read (no other join since the member list). Non-crossing joins do
 * not conflict with each other (concurrent ones may overshoot `max` by their number; the next join
 * crosses).
 * @param others - row keys of the members already in the target (read after `head`)
 */
export function joinPlan(
  TableName: string,
  conversation: string,
  head: Item | undefined,
  userId: string,
  others: readonly Key[],
  max: number,
): JoinPlan {
  if (head !== undefined && !isFanout(head)) return { attrs: {}, items: [] };
  const fanout = others.length + 1 <= max;
  const mv = head?.[HEAD_MODE.mv];
  const hv = head?.[HEAD_MODE.hv];
  // Still fan-out and no head change since the snapshot; a crossing join also needs no other join
  // since its member list (`mv`), or a row written meanwhile would keep a stale trusted copy.
  const condition =
    head === undefined
      ? 'attribute_not_exists(PK)'
      : `fo = :true AND ${typeof hv === 'number' ? 'hv = :hv' : 'attribute_not_exists(hv)'}` +
        (fanout ? '' : ` AND ${typeof mv === 'number' ? 'mv = :mv' : 'attribute_not_exists(mv)'}`);
  const items: TransactItem[] = [
    {
      Update: {
        TableName,
        Key: headKey(conversation),
        UpdateExpression: 'ADD mv :one SET fo = :fo, entity = :e',
        ConditionExpression: condition,
        ExpressionAttributeValues: {
          ':one': 1,
          ':fo': fanout,
          ':e': 'target_head',
          ...(head !== undefined ? { ':true': true } : {}),
          ...(head !== undefined && !fanout && typeof mv === 'number' ? { ':mv': mv } : {}),
          ...(head !== undefined && typeof hv === 'number' ? { ':hv': hv } : {}),
        },
      },
    },
  ];
  if (!fanout) {
    // Crossing max: the copies stop being maintained, so none may stay trusted.
    if (isFanout(head))
      for (const key of others)
        items.push({
          Update: {
            TableName,
            Key: key,
            UpdateExpression: 'REMOVE #on',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: { '#on': COPY.on },
          },
        });
    return { attrs: {}, items };
  }
  const attrs: Item = {
    [COPY.on]: true,
    [COPY.n]: typeof head?.n === 'number' ? head.n : 0,
    [COPY.own]: typeof head?.[`o:${userId}`] === 'number' ? head[`o:${userId}`] : 0,
    ...(head?.dl instanceof Set && head.dl.size > 0 ? { [COPY.dl]: head.dl } : {}),
    ...(typeof head?.last_message_id === 'string' ? { [COPY.lastId]: head.last_message_id } : {}),
    ...(typeof head?.last_seq === 'string' ? { [COPY.lastSeq]: head.last_seq } : {}),
  };
  return { attrs, items };
}
