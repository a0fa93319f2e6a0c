// Search use case: parse, scope to what the caller may read, walk the rarest posting list per conversation, re-check each hit against the live message (docs/protocol/extensions.md §4).
import { encodeTime } from 'ulidx';
import { DomainError, ValidationError } from '../../kernel/errors.js';
import type { Clock } from '../../kernel/ports.js';
import type { Uuid } from '../../kernel/types.js';
import { PAGE, parseUuid } from '../../kernel/validation.js';
import { conversationKey, toMessage, type MessageRecord } from '../messages/index.js';
import { createRetentionPolicy, floorSeq, laterSeq, type RetentionPolicyDeps } from '../retention/index.js';
import type { MembershipRepository, RoomAccess, RoomRepository } from '../rooms/index.js';
import type { BlockRepository } from '../social/index.js';
import type { UserRepository } from '../users/index.js';
import { requireParticipant, type ConversationRepository } from '../conversations/index.js';
import {
  ALL_TERM,
  type PostingHit,
  type SearchFilters,
  type SearchIndexRepository,
  type SearchPage,
  type SearchResult,
} from './model.js';
import { HAS_VALUES, parseQuery, type HasValue, type ParsedQuery } from './query.js';
import { tokenize } from './tokenize.js';

/** What the search service reads. */
export interface SearchServiceDeps extends Pick<RetentionPolicyDeps, 'rooms' | 'retentionDefaultDays'> {
  searchIndex: SearchIndexRepository;
  memberships: Pick<MembershipRepository, 'listByUser'>;
  rooms: Pick<RoomRepository, 'get' | 'getMany'>;
  users: Pick<UserRepository, 'getByUsername'>;
  access: RoomAccess;
  clock: Clock;
  /** Group conversations (extensions.md §7.2): the caller's are in scope. */
  conversations: Pick<ConversationRepository, 'get' | 'idsOf' | 'getMany'>;
  /** extensions.md §7.3: room messages by users the caller blocked are left out (absent ⇒ no filter). */
  blocks?: Pick<BlockRepository, 'blockedIds'>;
}

/** Paging of {@link SearchService.search} (extensions.md §0.5). */
export interface SearchPaging {
  cursor?: string;
  /** 1–100, default 50; out of range ⇒ `validation_failed`. */
  limit?: number;
}

/** Message search (docs/protocol/extensions.md §4). */
export interface SearchService {
  /**
   * Messages the caller may read that match `q` and `filters`, newest first, with highlights.
   * Scope: joined rooms and own DMs; `room_id` narrows to one joined room. Tombstones, expired
   * and past-retention messages never appear; each hit is re-checked against the live message.
   * @throws ValidationError `validation_failed` (bad q, limit, cursor, date, has, message_type);
   *   DomainError `not_room_member` for a `room_id` the caller is not in (also unknown rooms)
   */
  search(
    actorId: Uuid,
    q: string | undefined,
    filters: SearchFilters,
    paging?: SearchPaging,
  ): Promise<SearchPage>;
  /**
   * The admin search of extensions.md §4 (last bullet): the same query over every room in `rooms`
   * (the admin feature passes all of them, public and private) and, when the query names an author
   * (`from`), that author's DMs; `room_id` narrows to any one room, `dm_user_id` + `from` to one DM.
   * No membership check here: the caller (shared/features/admin/search.ts) checks the `search.all`
   * permission and audits the call first.
   * @throws ValidationError `validation_failed` as {@link search}, and for `dm_user_id` without `from`
   */
  searchScoped(
    rooms: readonly { id: string; name: string }[],
    q: string | undefined,
    filters: SearchFilters,
    paging?: SearchPaging,
  ): Promise<SearchPage>;
}

/** Conversations searched at once (a member of 200 rooms: 13 waves). */
const CONCURRENCY = 16;

const invalid = (field: string, why: string): ValidationError =>
  new ValidationError('validation_failed', `Validation failed: ${field} - ${why}`);

/** `YYYY-MM-DD` (UTC day) or RFC 3339 → epoch ms; a day `before:` means before its start, `after:` after its end. */
function parseDate(value: string, field: 'before' | 'after'): number {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(day ? `${value}T00:00:00.000Z` : value);
  if (!Number.isFinite(ms)) throw invalid(field, 'a date (YYYY-MM-DD or RFC 3339)');
  return day && field === 'after' ? ms + 86_400_000 - 1 : ms;
}

const seqBefore = (ms: number): string => `${encodeTime(Math.max(0, ms), 10)}${'0'.repeat(16)}`;
const seqAfter = (ms: number): string => `${encodeTime(Math.max(0, ms), 10)}${'Z'.repeat(16)}`;

/** Opaque cursor: base64url of `{"s": <last seq>}`. */
function encodeSearchCursor(seq: string): string {
  return Buffer.from(JSON.stringify({ s: seq }), 'utf8').toString('base64url');
}
function decodeSearchCursor(cursor: string): string {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown };
    if (typeof v.s === 'string' && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(v.s)) return v.s;
  } catch {
    // fall through
  }
  throw invalid('cursor', 'invalid');
}

/** True when the live message still matches the words, phrases, prefixes and exclusions (the index may lag an edit). */
function contentMatches(record: MessageRecord, q: ParsedQuery): boolean {
  const terms = tokenize(record.content).map((t) => t.term);
  const set = new Set(terms);
  if (!q.words.every((w) => set.has(w))) return false;
  if (q.excluded.some((w) => set.has(w))) return false;
  if (!q.prefixes.every((p) => terms.some((t) => t.startsWith(p)))) return false;
  return q.phrases.every((phrase) => terms.some((_, i) => phrase.every((w, j) => terms[i + j] === w)));
}

function hasFlags(record: MessageRecord): HasValue[] {
  const out: HasValue[] = [];
  if (record.attachments.length > 0) out.push('attachment');
  if (record.reply_to !== null || record.thread_root_id !== null) out.push('reply');
  if (record.reactions.length > 0) out.push('reaction');
  if (record.pinned) out.push('pin');
  return out;
}

/** `[start, end)` offsets of every content word matching a query word or prefix. */
function highlights(content: string, q: ParsedQuery): [number, number][] {
  const words = new Set(q.words);
  return tokenize(content)
    .filter((t) => words.has(t.term) || q.prefixes.some((p) => t.term.startsWith(p)))
    .map((t) => [t.start, t.end]);
}

/** Runs `fn` over `items` with at most `n` in flight; results in input order. */
async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** Builds the service. */
export function createSearchService(deps: SearchServiceDeps): SearchService {
  const retention = createRetentionPolicy(deps);
  const index = deps.searchIndex;

  /** Conversation keys in scope: one joined room, one DM, or everything the caller reads. */
  async function scope(actorId: Uuid, filters: SearchFilters, inRoom: string | undefined): Promise<string[]> {
    if (filters.conversation_id !== undefined) {
      // extensions.md §7.2: participants only; anyone else gets not found (no existence oracle).
      const id = parseUuid(filters.conversation_id);
      if (id === null) throw new DomainError('conversation_not_found');
      await requireParticipant(deps, id, actorId);
      return [conversationKey({ type: 'conversation', conversation_id: id })];
    }
    if (filters.room_id !== undefined) {
      const roomId = parseUuid(filters.room_id);
      if (roomId === null || !(await deps.access.isMember(roomId, actorId)))
        throw new DomainError('not_room_member');
      return [roomId];
    }
    if (filters.dm_user_id !== undefined) {
      const other = parseUuid(filters.dm_user_id);
      if (other === null) throw invalid('dm_user_id', 'a user id');
      return [conversationKey({ type: 'dm', author: actorId, recipient: other })];
    }
    const joined = (await deps.memberships.listByUser(actorId)).map((m) => m.room_id);
    if (inRoom !== undefined) {
      const rooms = await deps.rooms.getMany(joined);
      const name = inRoom.toLowerCase();
      return [...rooms.values()].filter((r) => r.name.toLowerCase() === name).map((r) => r.id);
    }
    // A DM key names both participants (`DM#<a>#<b>`): keep only the caller's own.
    // The GSI1 index may lag a leave: keep only conversations whose META still lists the caller.
    const groups = (await deps.conversations.getMany(await deps.conversations.idsOf(actorId)))
      .filter((c) => c.participants.some((p) => p.user_id === actorId))
      .map((c) => conversationKey({ type: 'conversation', conversation_id: c.id }));
    return [...joined, ...(await ownDms(actorId)), ...groups];
  }

  /** A DM key names both participants (`DM#<a>#<b>`): the user's own DM conversations. */
  async function ownDms(userId: Uuid): Promise<string[]> {
    return (await index.dmConversations(userId)).filter((c) => c.split('#').slice(1).includes(userId));
  }

  /** Admin scope: any one room or group conversation, one DM (`dm_user_id` + `from`), or every room given plus the author's DMs. */
  async function adminScope(
    rooms: readonly { id: string; name: string }[],
    filters: SearchFilters,
    parsed: ParsedQuery,
  ): Promise<string[]> {
    if (filters.conversation_id !== undefined) {
      // extensions.md §7.2: any one group conversation, as `room_id` names any one room.
      const id = parseUuid(filters.conversation_id);
      if (id === null) throw invalid('conversation_id', 'a conversation id');
      return [conversationKey({ type: 'conversation', conversation_id: id })];
    }
    if (filters.room_id !== undefined) {
      const roomId = parseUuid(filters.room_id);
      if (roomId === null) throw invalid('room_id', 'a room id');
      return [roomId];
    }
    const fromName = filters.from ?? parsed.from;
    const author = fromName === undefined ? null : await deps.users.getByUsername(fromName);
    if (filters.dm_user_id !== undefined) {
      const other = parseUuid(filters.dm_user_id);
      if (other === null) throw invalid('dm_user_id', 'a user id');
      if (fromName === undefined) throw invalid('dm_user_id', 'needs from (the other participant)');
      if (author === null) return [];
      return [conversationKey({ type: 'dm', author: author.id, recipient: other })];
    }
    if (parsed.in !== undefined) {
      const name = parsed.in.toLowerCase();
      return rooms.filter((r) => r.name.toLowerCase() === name).map((r) => r.id);
    }
    return [...rooms.map((r) => r.id), ...(author === null ? [] : await ownDms(author.id))];
  }

  /** The query over the conversations `scopeOf` resolves (after parsing, before any posting read). */
  async function run(
    q: string | undefined,
    filters: SearchFilters,
    paging: SearchPaging,
    scopeOf: (parsed: ParsedQuery) => Promise<string[]>,
    hiddenAuthors: () => Promise<ReadonlySet<Uuid>> = () => Promise.resolve(new Set()),
  ): Promise<SearchPage> {
    const limit = paging.limit ?? PAGE.defaultLimit;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid('limit', 'must be 1 to 100');
    const parsed = parseQuery(q);
    const has = [...new Set([...parsed.has, ...(filters.has === undefined ? [] : [filters.has])])];
    if (filters.has !== undefined && !(HAS_VALUES as readonly string[]).includes(filters.has))
      throw invalid('has', `must be one of ${HAS_VALUES.join(', ')}`);
    const fromName = filters.from ?? parsed.from;
    const before = filters.before ?? parsed.before;
    const after = filters.after ?? parsed.after;
    let beforeSeq = before === undefined ? undefined : seqBefore(parseDate(before, 'before'));
    const afterSeq = after === undefined ? undefined : seqAfter(parseDate(after, 'after'));
    if (paging.cursor !== undefined) {
      const c = decodeSearchCursor(paging.cursor);
      beforeSeq = beforeSeq === undefined || c < beforeSeq ? c : beforeSeq;
    }
    const [conversations, hidden] = await Promise.all([scopeOf(parsed), hiddenAuthors()]);
    const inScope = new Set(conversations);
    let author: Uuid | undefined;
    if (fromName !== undefined) {
      const user = await deps.users.getByUsername(fromName);
      if (user === null) return { results: [], next_cursor: null };
      author = user.id;
    }
    const empty = (): SearchPage => ({ results: [], next_cursor: null });
    if (conversations.length === 0) return empty();

    const perConversation = await pool(conversations, CONCURRENCY, async (conversation) => {
      const floor = laterSeq(afterSeq, floorSeq(await retention.cutoffFor(conversation)));
      if (floor !== undefined && beforeSeq !== undefined && floor >= beforeSeq) return [];
      let term = ALL_TERM;
      if (parsed.words.length === 1) term = parsed.words[0] ?? ALL_TERM;
      else if (parsed.words.length > 1) {
        const counts = await index.counts(conversation, parsed.words);
        term = [...parsed.words].sort((a, b) => (counts.get(a) ?? 0) - (counts.get(b) ?? 0))[0] ?? ALL_TERM;
      }
      return index.query({
        conversation,
        term,
        words: parsed.words,
        prefixes: parsed.prefixes,
        excluded: parsed.excluded,
        has,
        limit: limit + 1,
        ...(author === undefined ? {} : { author }),
        ...(filters.message_type === undefined ? {} : { messageType: filters.message_type }),
        ...(beforeSeq === undefined ? {} : { beforeSeq }),
        ...(floor === undefined ? {} : { afterSeq: floor }),
      });
    });
    const merged: PostingHit[] = perConversation
      .flat()
      .sort((a, b) => (a.seq < b.seq ? 1 : a.seq > b.seq ? -1 : 0));
    const more = merged.length > limit;
    const page = merged.slice(0, limit);
    const live = await index.messagesAt(page);
    const results: SearchResult[] = [];
    for (const hit of page) {
      const record = live.get(`${hit.conversation}|${hit.seq}`);
      // The scope check on every result: the hit's conversation is one the caller may read.
      if (record === undefined || record.deleted || !inScope.has(record.conversation)) continue;
      if (!contentMatches(record, parsed)) continue;
      if (author !== undefined && record.author !== author) continue;
      if (record.target.type === 'room' && hidden.has(record.author)) continue; // blocked by the caller (§7.3)
      if (filters.message_type !== undefined && record.message_type !== filters.message_type) continue;
      const flags = hasFlags(record);
      if (!has.every((h) => flags.includes(h))) continue;
      results.push({ message: toMessage(record), highlights: highlights(record.content, parsed) });
    }
    const last = page.at(-1);
    return { results, next_cursor: more && last !== undefined ? encodeSearchCursor(last.seq) : null };
  }

  return {
    search: (actorId, q, filters, paging = {}) =>
      run(
        q,
        filters,
        paging,
        (parsed) => scope(actorId, filters, parsed.in),
        async () => new Set(deps.blocks === undefined ? [] : await deps.blocks.blockedIds(actorId)),
      ),
    searchScoped: (rooms, q, filters, paging = {}) =>
      run(q, filters, paging, (parsed) => adminScope(rooms, filters, parsed)),
  };
}
