// Search index over the single table: `SIDX#<conversation>#<term>` / `<seq>` postings, `SCNT#<conversation>` term counters, `SDM#<user>` DM scope (docs/adr/013).
import {
  BatchGetCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../kernel/ports.js';
import type { Uuid } from '../../kernel/types.js';
import { isLive, type Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { batchDelete, batchGet, batchPut, queryAll } from '../../storage/operations.js';
import { messageFromItem, messageKeys, type MessageRecord } from '../messages/index.js';
import {
  ALL_TERM,
  type IndexedMessage,
  type PostingHit,
  type PostingQuery,
  type SearchIndexRepository,
} from './model.js';
import type { HasValue } from './query.js';
import { termsOf } from './tokenize.js';

/** Keys of the search feature's items. */
export const keys = {
  searchPosting: (conversation: string, term: string, seq: string): Key => ({
    PK: `SIDX#${conversation}#${term}`,
    SK: seq,
  }),
  searchCount: (conversation: string, term: string): Key => ({ PK: `SCNT#${conversation}`, SK: term }),
  searchDm: (userId: Uuid, conversation: string): Key => ({ PK: `SDM#${userId}`, SK: conversation }),
} as const;

/** Partition values used in queries. */
export const partitions = {
  searchPostings: (conversation: string, term: string) => `SIDX#${conversation}#${term}`,
  searchDms: (userId: Uuid) => `SDM#${userId}`,
} as const;

/** `entity` tags of the search feature's items. */
export const ENTITY = {
  searchPosting: 'search_posting',
  searchCount: 'search_count',
  searchDm: 'search_dm',
} as const;

/** ` a b c ` : the terms space-delimited, so `contains(text, " w ")` is a whole-word test and `contains(text, " pre")` a prefix test. */
const spaced = (terms: string[]): string => ` ${terms.join(' ')} `;

function postingItem(m: IndexedMessage, term: string): Item {
  return {
    ...keys.searchPosting(m.conversation, term, m.seq),
    entity: ENTITY.searchPosting,
    conversation: m.conversation,
    seq: m.seq,
    author: m.author,
    mtype: m.message_type,
    text: spaced(m.terms),
    has: spaced(m.has),
  };
}

/**
 * Every posting item of `m` (one per term plus {@link ALL_TERM}), for bulk loads that bypass the
 * stream (bench/search.ts); the consumer writes the same items through {@link DynamoSearchIndex.apply}.
 */
export function postingItems(m: IndexedMessage): Item[] {
  return [ALL_TERM, ...m.terms].map((t) => postingItem(m, t));
}

/** A term counter item with count `n` (bulk loads). */
export function countItem(conversation: string, term: string, n: number): Item {
  return { ...keys.searchCount(conversation, term), entity: ENTITY.searchCount, n };
}

const sameIndexed = (a: IndexedMessage, b: IndexedMessage): boolean =>
  a.author === b.author &&
  a.message_type === b.message_type &&
  spaced(a.terms) === spaced(b.terms) &&
  spaced(a.has) === spaced(b.has);

/** Postings read per Query page when a FilterExpression narrows them (filters apply after `Limit`). */
const POSTING_PAGE = 500;

/** {@link SearchIndexRepository} over the table. */
export class DynamoSearchIndex implements SearchIndexRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Puts every posting of `after` (overwrites: idempotent), deletes the postings of terms only
   * `before` had, and moves the counters by the difference. No-op when nothing indexed changed.
   * @throws DomainError `database_error` when a batch stays unprocessed
   */
  async apply(before: IndexedMessage | null, after: IndexedMessage | null): Promise<void> {
    if (before !== null && after !== null && sameIndexed(before, after)) return;
    const oldTerms = new Set(before?.terms ?? []);
    const newTerms = new Set(after?.terms ?? []);
    const removed = before === null ? [] : [...oldTerms].filter((t) => !newTerms.has(t));
    const added = [...newTerms].filter((t) => !oldTerms.has(t));
    if (after !== null) {
      await batchPut(
        this.doc,
        this.tableName,
        [ALL_TERM, ...after.terms].map((t) => postingItem(after, t)),
      );
    }
    if (before !== null) {
      const gone = after === null ? [ALL_TERM, ...removed] : removed;
      await batchDelete(
        this.doc,
        this.tableName,
        gone.map((t) => keys.searchPosting(before.conversation, t, before.seq)),
      );
    }
    const conversation = (after ?? before)?.conversation;
    if (conversation === undefined) return;
    await Promise.all([
      ...added.map((t) => this.bump(conversation, t, 1)),
      ...removed.map((t) => this.bump(conversation, t, -1)),
    ]);
  }

  private async bump(conversation: string, term: string, by: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.searchCount(conversation, term),
        UpdateExpression: 'ADD #n :by SET entity = :e',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':by': by, ':e': ENTITY.searchCount },
      }),
    );
  }

  /** One BatchGetItem (eventually consistent: the counts only steer the plan). */
  async counts(conversation: string, terms: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (terms.length === 0) return out;
    const res = await this.doc.send(
      new BatchGetCommand({
        RequestItems: { [this.tableName]: { Keys: terms.map((t) => keys.searchCount(conversation, t)) } },
      }),
    );
    for (const item of res.Responses?.[this.tableName] ?? []) {
      out.set(String(item.SK), typeof item.n === 'number' ? item.n : 0);
    }
    return out;
  }

  /**
   * Walks `SIDX#<conversation>#<term>` newest first; the other conditions are a FilterExpression
   * (whole-word/prefix `contains` on the spaced term string), so one Query page filters server-side.
   */
  async query(q: PostingQuery): Promise<PostingHit[]> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': partitions.searchPostings(q.conversation, q.term) };
    let key = 'PK = :pk';
    if (q.beforeSeq !== undefined && q.afterSeq !== undefined) {
      key += ' AND SK BETWEEN :after AND :before';
      Object.assign(values, { ':after': q.afterSeq, ':before': q.beforeSeq });
    } else if (q.beforeSeq !== undefined) {
      key += ' AND SK < :before';
      values[':before'] = q.beforeSeq;
    } else if (q.afterSeq !== undefined) {
      key += ' AND SK > :after';
      values[':after'] = q.afterSeq;
    }
    const filters: string[] = [];
    let i = 0;
    const add = (expr: (p: string) => string, value: unknown): void => {
      const p = `:f${i++}`;
      values[p] = value;
      filters.push(expr(p));
    };
    for (const w of q.words) if (w !== q.term) add((p) => `contains(#text, ${p})`, ` ${w} `);
    for (const pre of q.prefixes) add((p) => `contains(#text, ${p})`, ` ${pre}`);
    for (const w of q.excluded) add((p) => `NOT contains(#text, ${p})`, ` ${w} `);
    for (const h of q.has) add((p) => `contains(#has, ${p})`, ` ${h} `);
    if (q.author !== undefined) add((p) => `author = ${p}`, q.author);
    if (q.messageType !== undefined) add((p) => `mtype = ${p}`, q.messageType);
    if (filters.some((f) => f.includes('#text'))) names['#text'] = 'text';
    if (filters.some((f) => f.includes('#has'))) names['#has'] = 'has';
    const now = this.clock.now();
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    // Pages of POSTING_PAGE keys (a FilterExpression applies after Limit), until `limit` hits.
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: key,
          ExpressionAttributeValues: values,
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
          ProjectionExpression: 'conversation, seq, expiresAt, SK',
          ScanIndexForward: false,
          Limit: filters.length > 0 ? POSTING_PAGE : q.limit - items.length + 2,
          ExclusiveStartKey: start,
        }),
      );
      start = out.LastEvaluatedKey;
      for (const item of (out.Items ?? []) as Item[]) {
        if (items.length < q.limit && isLive(item, now) && item.SK !== q.beforeSeq && item.SK !== q.afterSeq)
          items.push(item);
      }
    } while (start !== undefined && items.length < q.limit);
    return items.map((item) => ({ conversation: String(item.conversation), seq: String(item.seq) }));
  }

  async dmConversations(userId: Uuid): Promise<string[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': partitions.searchDms(userId) },
      ProjectionExpression: 'SK',
    });
    return items.map((i) => String(i.SK));
  }

  async addDmConversation(conversation: string, userIds: Uuid[]): Promise<void> {
    await batchPut(
      this.doc,
      this.tableName,
      [...new Set(userIds)].map((u) => ({ ...keys.searchDm(u, conversation), entity: ENTITY.searchDm })),
    );
  }

  /**
   * The current, live message items at `hits` (strongly consistent BatchGetItem, so an edit or
   * delete the index has not caught up with is seen), keyed `<conversation>|<seq>`.
   */
  async messagesAt(hits: PostingHit[]): Promise<Map<string, MessageRecord>> {
    const now = this.clock.now();
    const items = await batchGet(
      this.doc,
      this.tableName,
      hits.map((h) => messageKeys.message(h.conversation, h.seq)),
    );
    return new Map(
      items
        .filter((i) => i.entity === 'message' && isLive(i, now))
        .map((i) => [`${String(i.conversation)}|${String(i.seq)}`, messageFromItem(i)]),
    );
  }
}

/**
 * What the index keeps of a message item from the table's stream; null for anything not indexed
 * (other entities, tombstones).
 */
export function indexedFromItem(item: Item | undefined): IndexedMessage | null {
  if (item?.entity !== 'message' || item.deleted === true || typeof item.content !== 'string') return null;
  const m = messageFromItem(item);
  const has: HasValue[] = [];
  if (m.attachments.length > 0) has.push('attachment');
  if (m.reply_to !== null || m.thread_root_id !== null) has.push('reply');
  if (m.reactions.length > 0) has.push('reaction');
  if (m.pinned) has.push('pin');
  return {
    conversation: m.conversation,
    seq: m.seq,
    author: m.author,
    message_type: m.message_type,
    terms: termsOf(m.content),
    has,
  };
}
