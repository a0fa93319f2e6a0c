// Messages feature model: targets, the wire Message, its record, the repository port, events and error rows (docs/protocol/domain.md §4.6).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Audience } from '../../kernel/events.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';

/**
 * Message target as emitted and as accepted on TCP/WS (docs/protocol/domain.md §4.6), plus the
 * lair.social group-conversation variant (docs/protocol/extensions.md §7.2, §0.4: only `lair.social`
 * connections ever see or send it).
 */
export type MessageTarget =
  | { type: 'room'; room_id: Uuid }
  | { type: 'dm'; recipient: Uuid }
  | { type: 'conversation'; conversation_id: Uuid };

/** `message_type` (docs/protocol/extensions.md §1.1); `system` is written by the server only. */
export type MessageType = 'text' | 'markdown' | 'code' | 'system' | 'file' | 'image';
/** `priority` (extensions.md §1.6). */
export type MessagePriority = 'normal' | 'high';

/** One emoji's reactions on a message (extensions.md §1.4): `users` holds at most 25 reactors. */
export interface ReactionSummary {
  emoji: string;
  count: number;
  users: Uuid[];
}

/** An attachment as listed on a message (extensions.md §1.7). */
export interface AttachmentRef {
  id: Uuid;
  filename: string;
  content_type: string;
  size_bytes: number;
}

/**
 * Message as sent on the wire: upstream's fields (docs/protocol/domain.md §4.6) plus the additive
 * lifecycle fields of extensions.md §1.1, present for every client (upstream ignores unknown keys).
 */
export interface Message {
  id: Uuid;
  author: Uuid;
  target: MessageTarget;
  content: string;
  edited: boolean;
  created_at: Timestamp;
  message_type: MessageType;
  edited_at: Timestamp | null;
  edit_count: number;
  updated_at: Timestamp;
  deleted: boolean;
  deleted_at: Timestamp | null;
  reply_to: Uuid | null;
  thread_root_id: Uuid | null;
  reply_count: number;
  last_reply_at: Timestamp | null;
  reactions: ReactionSummary[];
  mentions: Uuid[];
  pinned: boolean;
  pinned_at: Timestamp | null;
  pinned_by: Uuid | null;
  priority: MessagePriority;
  attachments: AttachmentRef[];
}

/** Stored message: wire shape plus its ordering key and lock version. */
export interface MessageRecord extends Message {
  /** ULID: the sort key that orders the conversation (docs/design.md §3). */
  seq: string;
  /** Conversation key: room id, or the DM pair (see the messages store). */
  conversation: string;
  version: number;
}

/** A copy of a target carrying only its wire fields (docs/protocol/domain.md §4.6). */
export function cleanTarget(target: MessageTarget): MessageTarget {
  switch (target.type) {
    case 'room':
      return { type: 'room', room_id: target.room_id };
    case 'dm':
      return { type: 'dm', recipient: target.recipient };
    case 'conversation':
      return { type: 'conversation', conversation_id: target.conversation_id };
  }
}

/** Strips seq/conversation/version: the wire Message (domain.md §4.6 + extensions.md §1.1). */
export function toMessage(r: MessageRecord): Message {
  return {
    id: r.id,
    author: r.author,
    target: cleanTarget(r.target),
    content: r.content,
    edited: r.edited,
    created_at: r.created_at,
    message_type: r.message_type,
    edited_at: r.edited_at,
    edit_count: r.edit_count,
    updated_at: r.updated_at,
    deleted: r.deleted,
    deleted_at: r.deleted_at,
    reply_to: r.reply_to,
    thread_root_id: r.thread_root_id,
    reply_count: r.reply_count,
    last_reply_at: r.last_reply_at,
    reactions: r.reactions.map((x) => ({ emoji: x.emoji, count: x.count, users: [...x.users] })),
    mentions: [...r.mentions],
    pinned: r.pinned,
    pinned_at: r.pinned_at,
    pinned_by: r.pinned_by,
    priority: r.priority,
    attachments: r.attachments.map((a) => ({ ...a })),
  };
}

/** The lifecycle fields of a message nobody has edited, replied to or reacted to yet (extensions.md §1.1). */
export function freshLifecycle(
  createdAt: Timestamp,
): Omit<Message, 'id' | 'author' | 'target' | 'content' | 'edited' | 'created_at'> {
  return {
    message_type: 'text',
    edited_at: null,
    edit_count: 0,
    updated_at: createdAt,
    deleted: false,
    deleted_at: null,
    reply_to: null,
    thread_root_id: null,
    reply_count: 0,
    last_reply_at: null,
    reactions: [],
    mentions: [],
    pinned: false,
    pinned_at: null,
    pinned_by: null,
    priority: 'normal',
    attachments: [],
  };
}

/** A previous (or the current) content of a message (extensions.md §1.2). */
export interface MessageVersion {
  version: number;
  content: string;
  created_at: Timestamp;
}

/** Lifecycle limits (extensions.md §1.1, §1.4). */
export const LIMITS = { edits: 100, distinctReactions: 20, reactionUsers: 25 } as const;

/**
 * Audience of a message-related event (docs/protocol/tcp.md §8): the room's members, the two DM parties
 * (`actor` first; de-duplicated for DMs to yourself), or a conversation's current `participants`
 * (docs/protocol/extensions.md §7.2; the caller reads them).
 */
export function targetAudience(
  target: MessageTarget,
  actorId: Uuid,
  participants: readonly Uuid[] = [],
): Audience {
  if (target.type === 'room') return { kind: 'room', roomId: target.room_id };
  if (target.type === 'conversation') return { kind: 'users', userIds: [...new Set(participants)] };
  return { kind: 'users', userIds: [...new Set([actorId, target.recipient])] };
}

/** Error rows of the messages feature (docs/protocol/tcp.md §9.3). */
export const errors = {
  not_message_author: { message: 'Not the author of this message', http: 403 },
  content_invalid: { message: 'Content invalid', http: 400 },
  message_not_found: { message: 'Message not found', http: 404 },
  // extensions.md §11
  edit_limit_reached: { message: 'Edit limit reached', http: 409 },
  invalid_reply: { message: 'Invalid reply target', http: 422 },
  reaction_limit: { message: 'Too many distinct reactions on this message', http: 409 },
  reaction_not_found: { message: 'Reaction not found', http: 404 },
  pin_limit: { message: 'Too many pinned messages in this conversation', http: 409 },
} as const satisfies ErrorRows;

/** Message events exactly as pushed to TCP/WS clients (docs/protocol/tcp.md §8). */
export type Events =
  | { type: 'message_received'; message: Message; author_username: string }
  | { type: 'message_edited'; message: Message; previous_content: string }
  | { type: 'message_deleted'; message_id: Uuid; target: MessageTarget; deleted_by: Uuid }
  | { type: 'user_typing'; user_id: Uuid; target: MessageTarget }
  | {
      type: 'reaction_added';
      message_id: Uuid;
      target: MessageTarget;
      emoji: string;
      user_id: Uuid;
      count: number;
    }
  | {
      type: 'reaction_removed';
      message_id: Uuid;
      target: MessageTarget;
      emoji: string;
      user_id: Uuid;
      count: number;
    }
  | {
      type: 'thread_updated';
      root_id: Uuid;
      target: MessageTarget;
      reply_count: number;
      last_reply_at: Timestamp | null;
    }
  | { type: 'mention'; message: Message; author_username: string }
  | { type: 'message_pinned'; message: Message; pinned_by: Uuid }
  | { type: 'message_unpinned'; message: Message; pinned_by: Uuid };

/** Extension events of this feature and the extension a connection must request (extensions.md §0.2). */
export const eventExtensions = {
  reaction_added: 'lair.messages',
  reaction_removed: 'lair.messages',
  thread_updated: 'lair.messages',
  mention: 'lair.messages',
  message_pinned: 'lair.messages',
  message_unpinned: 'lair.messages',
} as const;

/** Options for reading a conversation's history. */
export interface HistoryQuery {
  /** Room id, or the DM conversation key from the messages store. */
  conversation: string;
  limit: number;
  /** Only messages strictly older than this ULID `seq`. */
  beforeSeq?: string;
  /** Only messages strictly newer than this ULID `seq`. */
  afterSeq?: string;
  /** `desc` (default): newest first; `asc`: oldest first (paging forward from `afterSeq`). */
  order?: 'asc' | 'desc';
  /** Include tombstones (extensions.md §1.3); default false. */
  includeDeleted?: boolean;
  /** Leave thread replies out (extensions.md §1.5); default false. */
  excludeReplies?: boolean;
}

/** Outcome of a reaction change (extensions.md §1.4). */
export interface ReactionChange {
  message: MessageRecord;
  /** False when the write was a no-op (already reacted / not reacted). */
  changed: boolean;
  /** Reactors of `emoji` after the change. */
  count: number;
}

/** Messages: `MSGS#<conversation>` / `<ULID>`, GSI1 `MSG#<uuid>` for lookup by id. */
export interface MessageRepository {
  /**
   * Stores a new message and bumps its target head (docs/adr/011) in one TransactWriteItems
   * (with its mention items and attach updates when it has them).
   */
  put(message: MessageRecord): Promise<void>;
  /**
   * Stores a thread reply and bumps its root's `reply_count`/`last_reply_at` in one transaction,
   * conditioned on the root existing and not being a tombstone.
   * @returns the root after the change @throws DomainError `invalid_reply` when the root is gone
   */
  putReply(reply: MessageRecord, root: MessageRecord): Promise<MessageRecord>;
  /**
   * Looks a message up by its UUID; `null` when absent (tombstones are returned). Strongly
   * consistent by default; `consistent: false` saves a read where a conditional write re-checks.
   */
  getById(id: Uuid, opts?: { consistent?: boolean }): Promise<MessageRecord | null>;
  /**
   * Edits: sets content, `edited`, `edited_at`, `edit_count + 1`, `version + 1` and stores the
   * previous content as a version item, in one transaction, conditioned on author, `version`, not
   * deleted and `edit_count < 100`.
   * @throws ConflictError `message_not_found` (vanished, deleted or version moved) | `edit_limit_reached`
   */
  updateContent(message: MessageRecord, content: string, at: string): Promise<MessageRecord>;
  /** Previous versions oldest first (the current content is not among them). */
  versions(message: MessageRecord): Promise<MessageVersion[]>;
  /**
   * Soft delete: content `""`, `deleted`, `deleted_at`, reactions purged, conditioned on `version`;
   * a reply's `root` (as just read, or null) loses one `reply_count` in the same transaction. Versions are purged after
   * (idempotent). @throws ConflictError `message_not_found` when it vanished or the version moved
   */
  tombstone(message: MessageRecord, at: string, root: MessageRecord | null): Promise<MessageRecord>;
  /** Hard delete (admin, extensions.md §1.3): item and versions. Deleting an absent message is not an error. */
  delete(message: MessageRecord): Promise<void>;
  /** History, at most `limit` items (domain.md §9); tombstones only with `includeDeleted`. */
  history(query: HistoryQuery): Promise<MessageRecord[]>;
  /** Replies of `rootId` oldest first (GSI2 `THREAD#<root>`), strictly after `afterSeq`. */
  thread(rootId: Uuid, limit: number, afterSeq?: string): Promise<MessageRecord[]>;
  /**
   * Adds (`add`) or removes `userId`'s `emoji` reaction with one conditional UpdateItem: the
   * reactor set per emoji makes counts exact under concurrent writers (no read-modify-write).
   * @throws DomainError `message_not_found` (gone or tombstone) | ConflictError `reaction_limit` (21st distinct emoji)
   */
  react(
    where: { conversation: string; seq: string; known?: { count: number; users: readonly Uuid[] } | null },
    emoji: string,
    userId: Uuid,
    add: boolean,
    at: string,
  ): Promise<ReactionChange>;
  /**
   * Pins/unpins (extensions.md §1.6) in one transaction with the pin item and the target's counter.
   * @returns the record after, or `null` when already in that state
   * @throws DomainError `message_not_found` | ConflictError `pin_limit`
   */
  setPinned(message: MessageRecord, pin: boolean, by: Uuid, at: string): Promise<MessageRecord | null>;
  /** Pinned messages of a conversation, newest first (tombstones skipped). */
  listPins(conversation: string): Promise<MessageRecord[]>;
  /** Messages mentioning `userId`, newest first; `lastSk` continues the next page (null = no more). */
  listMentions(
    userId: Uuid,
    limit: number,
    beforeSk?: string,
  ): Promise<{ messages: MessageRecord[]; lastSk: string | null }>;
}
