// Search feature model: wire shapes, the index port and the indexed view of a message (docs/protocol/extensions.md §4).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Uuid } from '../../kernel/types.js';
import type { Message, MessageRecord } from '../messages/index.js';
import type { HasValue } from './query.js';

/** The search feature adds no error code: bad input is `validation_failed`, scope is `not_room_member`. */
export const errors = {} as const satisfies ErrorRows;

/** No client events. */
export type Events = never;

/** Explicit filters (HTTP query parameters / TCP `filters`), merged with the `q` modifiers. */
export interface SearchFilters {
  room_id?: Uuid;
  dm_user_id?: Uuid;
  conversation_id?: string;
  /** Username of the author. */
  from?: string;
  /** RFC 3339 or YYYY-MM-DD; messages strictly before / after. */
  before?: string;
  after?: string;
  message_type?: string;
  has?: HasValue;
}

/** One hit: the message as history returns it and the `[start, end)` UTF-16 offsets of matched words in `content`. */
export interface SearchResult {
  message: Message;
  highlights: [number, number][];
}

/** A page of hits, newest first (extensions.md §0.5 paging). */
export interface SearchPage {
  results: SearchResult[];
  next_cursor: string | null;
}

/** What the index keeps of one live message (one posting per distinct term, plus one under {@link ALL_TERM}). */
export interface IndexedMessage {
  conversation: string;
  seq: string;
  author: Uuid;
  message_type: string;
  /** Distinct folded terms of the content. */
  terms: string[];
  has: HasValue[];
}

/** The posting list every indexed message is in (filter-only and prefix-only queries read it). */
export const ALL_TERM = '*';

/** How one conversation is searched: the posting list to read and the conditions on each posting. */
export interface PostingQuery {
  conversation: string;
  /** Posting list to walk (the rarest required word, else {@link ALL_TERM}). */
  term: string;
  /** Further words every hit must contain. */
  words: string[];
  prefixes: string[];
  excluded: string[];
  author?: Uuid;
  messageType?: string;
  has: HasValue[];
  /** Exclusive seq bounds (ULIDs). */
  beforeSeq?: string;
  afterSeq?: string;
  limit: number;
}

/** A posting that matched: where its message lives. */
export interface PostingHit {
  conversation: string;
  seq: string;
}

/** The search index over the table (written by the stream consumer, read by the service). */
export interface SearchIndexRepository {
  /**
   * Moves the index from `before` to `after` (either null: not indexed). Idempotent apart from the
   * approximate per-term counters (used only to pick the rarest word).
   */
  apply(before: IndexedMessage | null, after: IndexedMessage | null): Promise<void>;
  /** Approximate number of postings per term in a conversation (absent ⇒ 0). */
  counts(conversation: string, terms: string[]): Promise<Map<string, number>>;
  /** Newest-first hits of one conversation, at most `limit`. */
  query(q: PostingQuery): Promise<PostingHit[]>;
  /** DM conversation keys a user has messages in (kept by the consumer for scope). */
  dmConversations(userId: Uuid): Promise<string[]>;
  /** Current live message records at `hits`, keyed `<conversation>|<seq>` (missing: gone or expired). */
  messagesAt(hits: PostingHit[]): Promise<Map<string, MessageRecord>>;
  /** Records that `userIds` take part in DM `conversation` (idempotent). */
  addDmConversation(conversation: string, userIds: Uuid[]): Promise<void>;
}
