// Receipts feature model (docs/protocol/extensions.md §2, lair.receipts): read markers, unread entries, receipts, preferences, their events and the pure unread arithmetic of docs/adr/011.
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Uuid } from '../../kernel/types.js';

/** A message target as the reader sees it (DM = the other participant). Same shape as messages' MessageTarget. */
export type ReadTarget =
  | { type: 'room'; room_id: Uuid }
  | { type: 'dm'; recipient: Uuid }
  | { type: 'conversation'; conversation_id: Uuid };

/** `receipt` of `mark_read` and the `read_receipt` event body (extensions.md §2). */
export interface ReadReceipt {
  target: ReadTarget;
  user_id: Uuid;
  /** Message id the marker stands on. */
  up_to: Uuid;
  read_at: string;
}

/**
 * A stored read marker (`READ#<user>` / `<conversation>`): where it stands and the head snapshot
 * taken when it was set (docs/adr/011): `n_at` messages and `own_at` of the reader's own were at
 * or before `up_to_seq`.
 */
export interface ReadMarker {
  user_id: Uuid;
  conversation: string;
  target: ReadTarget;
  up_to: Uuid;
  up_to_seq: string;
  read_at: string;
  n_at: number;
  own_at: number;
}

/** One row of `GET /api/v1/unread` (extensions.md §2). */
export interface UnreadEntry {
  target: ReadTarget;
  unread_count: number;
  mention_count: number;
  last_message_id: Uuid | null;
  /** The reader's marker (message id), null when never marked. */
  up_to: Uuid | null;
}

/** `unread_counts` beside `user` in `GET /users/me` (extensions.md §2). */
export interface UnreadCounts {
  total: number;
  by_room: Record<Uuid, number>;
  by_dm: Record<Uuid, number>;
  by_conversation: Record<string, number>;
}

/** Delivery and read receipts of one message (`GET /messages/{id}/receipts`). */
export interface MessageReceipts {
  delivered: { user_id: Uuid; at: string }[];
  read: { user_id: Uuid; at: string }[];
}

/** The preferences object of extensions.md §7.1 (receipts reads `privacy.send_read_receipts`). */
export interface Preferences {
  notifications: { dm: boolean; mentions: boolean; rooms: 'all' | 'mentions' | 'none' };
  privacy: { dm_from: 'everyone' | 'friends'; show_online: boolean; send_read_receipts: boolean };
  theme: string;
}

/** Defaults of every preference (extensions.md §7.1; Matrix and Mattermost send receipts by default). */
export const DEFAULT_PREFERENCES: Preferences = {
  notifications: { dm: true, mentions: true, rooms: 'all' },
  privacy: { dm_from: 'everyone', show_online: true, send_read_receipts: true },
  theme: 'default',
};

/** Counts stop being exact here (extensions.md §2: "exact up to 1,000 (then 1000)"). */
export const UNREAD_CAP = 1000;

/** Largest batch of one `delivered` message (docs/protocol-extensions.md "Receipts"). */
export const MAX_DELIVERED_BATCH = 100;

/** Rooms above this many members get no `read_receipt` events (extensions.md §2). */
export const RECEIPT_ROOM_LIMIT = 100;

/** What the unread arithmetic needs of a target head (messages feature, docs/adr/011). */
export interface HeadCounts {
  n: number;
  byAuthor: ReadonlyMap<Uuid, number>;
  deleted: readonly { seq: string; author: Uuid }[];
}

/**
 * Messages by others after the marker, tombstones excluded (extensions.md §2), capped at
 * {@link UNREAD_CAP}: (n − n_at) − (own − own_at) − tombstones by others after `up_to_seq`.
 * No marker = everything by others counts.
 */
export function unreadCount(
  head: HeadCounts,
  marker: Pick<ReadMarker, 'n_at' | 'own_at' | 'up_to_seq'> | null,
  userId: Uuid,
): number {
  const nAt = marker?.n_at ?? 0;
  const ownAt = marker?.own_at ?? 0;
  const after = marker?.up_to_seq ?? '';
  const own = head.byAuthor.get(userId) ?? 0;
  const deletedOthers = head.deleted.filter((d) => d.seq > after && d.author !== userId).length;
  return Math.min(UNREAD_CAP, Math.max(0, head.n - nAt - (own - ownAt) - deletedOthers));
}

/** Error rows: receipts reuse kernel codes (`validation_failed` for a marker in another target). */
export const errors = {} as const satisfies ErrorRows;

/** Receipt events (lair.receipts only, extensions.md §0.2). */
export type Events =
  | { type: 'read_marker_updated'; target: ReadTarget; up_to: Uuid; unread_count: number }
  | ({ type: 'read_receipt' } & ReadReceipt)
  | { type: 'delivery_receipt'; message_id: Uuid; target: ReadTarget; user_id: Uuid; delivered_at: string };

/** Event type -> extension (extensions.md §0.2). */
export const eventExtensions = {
  read_marker_updated: 'lair.receipts',
  read_receipt: 'lair.receipts',
  delivery_receipt: 'lair.receipts',
} as const;

/** A member's copy of a target head, read from its own index row (docs/adr/028); `own` = the member's messages. */
export interface HeadCopy {
  n: number;
  own: number;
  deleted: readonly { seq: string; author: Uuid }[];
  last_message_id: string | null;
  last_seq: string | null;
}

/** One Query of a user's GSI1 index partition: joined rooms, markers and DM conversations (docs/adr/011). */
export interface UserIndex {
  /** `copy`: the member's copy of the head on the membership row (fan-out rooms, docs/adr/028), else null. */
  rooms: { room_id: Uuid; joined_at: string; copy: HeadCopy | null }[];
  markers: ReadMarker[];
  /** `copy`: the party's copy of the DM head on its DM-peer item (docs/adr/028), null on legacy items. */
  dmPeers: { conversation: string; peer: Uuid; copy: HeadCopy | null }[];
  /** Group conversations the user takes part in (docs/protocol/extensions.md §7.2). */
  conversations: Uuid[];
}

/** Storage of markers, deliveries and preferences. */
export interface ReceiptRepository {
  /** The user's targets and markers from GSI1 `USER#<id>` (eventually consistent in AWS). */
  userIndex(userId: Uuid): Promise<UserIndex>;
  /** Every marker of a user (one Query of `READ#<user>`). */
  markers(userId: Uuid): Promise<ReadMarker[]>;
  /** One marker, strongly consistent; null when never marked. */
  marker(userId: Uuid, conversation: string): Promise<ReadMarker | null>;
  /** The markers of many users on one conversation (BatchGetItem). */
  markersOf(userIds: readonly Uuid[], conversation: string): Promise<ReadMarker[]>;
  /**
   * Writes a marker only if it moves forward (condition: absent or `up_to_seq` smaller).
   * @returns false when an equal or newer marker is already stored (nothing changed)
   */
  advance(marker: ReadMarker): Promise<boolean>;
  /** Records a delivery once (condition: absent). @returns false when already recorded */
  recordDelivery(messageId: Uuid, userId: Uuid, at: string): Promise<boolean>;
  /** Deliveries of a message. */
  deliveries(messageId: Uuid): Promise<{ user_id: Uuid; at: string }[]>;
  /** Stored preferences merged over the defaults. */
  preferences(userId: Uuid): Promise<Preferences>;
  /** Replaces the stored preferences. */
  putPreferences(userId: Uuid, prefs: Preferences): Promise<void>;
}
