// Messages feature model: targets, the wire Message, its record, the repository port, events and error rows (docs/protocol/domain.md §4.6).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Audience } from '../../kernel/events.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';

/** Message target as emitted and as accepted on TCP/WS (docs/protocol/domain.md §4.6). */
export type MessageTarget = { type: 'room'; room_id: Uuid } | { type: 'dm'; recipient: Uuid };

/** Message as sent on the wire (docs/protocol/domain.md §4.6). */
export interface Message {
  id: Uuid;
  author: Uuid;
  target: MessageTarget;
  content: string;
  edited: boolean;
  created_at: Timestamp;
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
  return target.type === 'room'
    ? { type: 'room', room_id: target.room_id }
    : { type: 'dm', recipient: target.recipient };
}

/** Strips seq/conversation/version: the wire Message of docs/protocol/domain.md §4.6. */
export function toMessage(r: MessageRecord): Message {
  return {
    id: r.id,
    author: r.author,
    target: cleanTarget(r.target),
    content: r.content,
    edited: r.edited,
    created_at: r.created_at,
  };
}

/**
 * Audience of a message-related event (docs/protocol/tcp.md §8): the room's members, or the two DM parties
 * (`actor` first; de-duplicated for DMs to yourself).
 */
export function targetAudience(target: MessageTarget, actorId: Uuid): Audience {
  if (target.type === 'room') return { kind: 'room', roomId: target.room_id };
  return { kind: 'users', userIds: [...new Set([actorId, target.recipient])] };
}

/** Error rows of the messages feature (docs/protocol/tcp.md §9.3). */
export const errors = {
  not_message_author: { message: 'Not the author of this message', http: 403 },
  content_invalid: { message: 'Content invalid', http: 400 },
  message_not_found: { message: 'Message not found', http: 404 },
} as const satisfies ErrorRows;

/** Message events exactly as pushed to TCP/WS clients (docs/protocol/tcp.md §8). */
export type Events =
  | { type: 'message_received'; message: Message; author_username: string }
  | { type: 'message_edited'; message: Message; previous_content: string }
  | { type: 'message_deleted'; message_id: Uuid; target: MessageTarget; deleted_by: Uuid }
  | { type: 'user_typing'; user_id: Uuid; target: MessageTarget };

/** Options for reading a conversation's history, newest first. */
export interface HistoryQuery {
  /** Room id, or the DM conversation key from the messages store. */
  conversation: string;
  limit: number;
  /** Only messages strictly older than this ULID `seq` (catch-up/pagination extension). */
  beforeSeq?: string;
  /** Only messages strictly newer than this ULID `seq` (offline catch-up). */
  afterSeq?: string;
}

/** Messages: `MSGS#<conversation>` / `<ULID>`, GSI1 `MSG#<uuid>` for lookup by id. */
export interface MessageRepository {
  /** Stores a new message. */
  put(message: MessageRecord): Promise<void>;
  /** Looks a message up by its UUID; `null` when absent. */
  getById(id: Uuid): Promise<MessageRecord | null>;
  /**
   * Replaces content, sets `edited`, conditioned on author and `version`.
   * @throws ConflictError `message_not_found` when it vanished or the version moved
   */
  updateContent(message: MessageRecord, content: string): Promise<MessageRecord>;
  /** Hard delete (docs/protocol/http.md §9.4). Deleting an absent message is not an error. */
  delete(message: MessageRecord): Promise<void>;
  /** History newest first, at most `limit` items (docs/protocol/domain.md §9). */
  history(query: HistoryQuery): Promise<MessageRecord[]>;
}
