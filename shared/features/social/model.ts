// Social feature model (lair.social): blocks, friend requests, friendships, preferences — wire shapes, repository ports, error rows and events (docs/protocol/extensions.md §7.1, §7.3, §8, §11).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';
import type { User } from '../users/index.js';

/** A block as listed by `GET /api/v1/blocks` (docs/protocol/extensions.md §7.3). */
export interface Block {
  user_id: Uuid;
  username: string;
  created_at: Timestamp;
}

/** A friend request (docs/protocol/extensions.md §7.3); `from`/`to` are user ids, the usernames are ours (additive). */
export interface FriendRequest {
  id: Uuid;
  from: Uuid;
  from_username: string;
  to: Uuid;
  to_username: string;
  status: 'pending';
  message: string | null;
  created_at: Timestamp;
}

/** One friendship as seen by one side: the other user and since when. */
export interface Friendship {
  user: User;
  since: Timestamp;
}

/** A row of `GET /api/v1/friends`. */
export interface FriendRow extends Friendship {
  is_online: boolean;
}

/** `rooms` notification level (docs/protocol/extensions.md §7.1). */
export type RoomNotifications = 'all' | 'mentions' | 'none';

/** Preferences (docs/protocol/extensions.md §7.1). */
export interface Preferences {
  notifications: { dm: boolean; mentions: boolean; rooms: RoomNotifications };
  privacy: { dm_from: 'everyone' | 'friends'; show_online: boolean; send_read_receipts: boolean };
  theme: string;
}

/** What a new account has. */
export const DEFAULT_PREFERENCES: Preferences = {
  notifications: { dm: true, mentions: true, rooms: 'all' },
  privacy: { dm_from: 'everyone', show_online: true, send_read_receipts: true },
  theme: 'default',
};

/** Limits of docs/protocol/extensions.md §7.3. */
export const SOCIAL_LIMITS = {
  friends: 1000,
  pendingOutgoing: 100,
  /** Longest friend-request message, characters (ours). */
  messageChars: 500,
  /** Longest theme name, characters (ours). */
  themeChars: 32,
} as const;

/** Error rows of docs/protocol/extensions.md §11 owned here. */
export const errors = {
  recipient_unavailable: { message: 'Recipient unavailable', http: 403 },
  friend_limit: { message: 'Friend limit reached', http: 409 },
  already_friends: { message: 'Already friends', http: 409 },
  request_exists: { message: 'Friend request already exists', http: 409 },
} as const satisfies ErrorRows;

/** Social events as pushed to TCP/WS clients (lair.social only). */
export type Events =
  | { type: 'friend_request_received'; request: FriendRequest }
  | { type: 'friend_request_accepted'; request_id: Uuid; friendship: Friendship }
  | { type: 'friend_removed'; user_id: Uuid }
  | { type: 'user_updated'; user: User };

/** Every social event needs lair.social (docs/protocol/extensions.md §0.2). */
export const eventExtensions = {
  friend_request_received: 'lair.social',
  friend_request_accepted: 'lair.social',
  friend_removed: 'lair.social',
  user_updated: 'lair.social',
} as const;

/**
 * Relay-internal notice `blocks_changed`: the blocker's relays update the cached block set of that
 * user, so the blocked user's room messages stop (or resume) reaching the blocker's sockets.
 */
export type Notices = { type: 'blocks_changed'; user_id: Uuid; other_id: Uuid; blocked: boolean };

/** The stored friend request (the wire shape; ids of both parties). */
export type FriendRequestRecord = FriendRequest;

/** Blocks over the single table: `USER#<blocker>` / `BLOCK#<blocked>`. */
export interface BlockRepository {
  /** Whether `blocker` blocked `blocked` (strongly consistent). */
  isBlocked(blocker: Uuid, blocked: Uuid): Promise<boolean>;
  /**
   * Which of `others` blocked `userId` or were blocked by them: one strongly consistent
   * BatchGetItem per 50 others (2 keys each; bulk invites, docs/protocol/extensions.md §7.3).
   */
  blockedEitherWay(userId: Uuid, others: Uuid[]): Promise<Set<Uuid>>;
  /** Ids `userId` blocked (strongly consistent). */
  blockedIds(userId: Uuid): Promise<Uuid[]>;
  /** Blocks of `userId`, oldest first. */
  list(userId: Uuid): Promise<Block[]>;
  /**
   * Puts the block and, in the same transaction, ends the friendship and every pending request
   * between the two (both ways), with their counters. @returns false when it already existed
   */
  block(blocker: Uuid, blocked: { id: Uuid; username: string }, at: Timestamp): Promise<boolean>;
  /** Removes the block. @returns false when there was none */
  unblock(blocker: Uuid, blocked: Uuid): Promise<boolean>;
}

/** Friend requests and friendships over the single table. */
export interface FriendRepository {
  /** The pending request from `from` to `to`, or null. */
  pendingBetween(from: Uuid, to: Uuid): Promise<FriendRequestRecord | null>;
  /** A request by id, or null. */
  getRequest(id: Uuid): Promise<FriendRequestRecord | null>;
  /**
   * Stores a pending request in one transaction, conditioned on: no request either way already
   * (`request_exists`), the sender under 100 pending (`friend_limit`), not friends
   * (`already_friends`), no block either way (`recipient_unavailable`).
   */
  createRequest(req: FriendRequestRecord): Promise<void>;
  /** Turns the request into a friendship (both sides, counters < 1000). @throws `not_found` | `friend_limit` */
  accept(req: FriendRequestRecord, since: Timestamp): Promise<void>;
  /** Deletes a pending request (decline or cancel). @returns false when it was gone */
  deleteRequest(req: FriendRequestRecord): Promise<boolean>;
  /** Pending requests to (`incoming`) or from (`outgoing`) `userId`, oldest first. */
  listRequests(userId: Uuid, direction: 'incoming' | 'outgoing'): Promise<FriendRequestRecord[]>;
  /** Whether the two are friends (strongly consistent). */
  areFriends(a: Uuid, b: Uuid): Promise<boolean>;
  /** `{friend_id, since}` of every friend of `userId`. */
  listFriends(userId: Uuid): Promise<{ friend_id: Uuid; since: Timestamp }[]>;
  /** Ends a friendship (both sides, counters). @returns false when they were not friends */
  removeFriend(a: Uuid, b: Uuid): Promise<boolean>;
}

/** Preferences over the single table: `USER#<id>` / `PREFS` (absent = defaults). */
export interface PreferenceRepository {
  /** The stored preferences merged over the defaults (strongly consistent). */
  get(userId: Uuid): Promise<Preferences>;
  /** Sets the given leaf fields only (one UpdateItem); returns the result. */
  update(userId: Uuid, patch: PreferencesPatch): Promise<Preferences>;
  /** Which of `userIds` set `privacy.show_online: false` (BatchGetItem, ≤ 100 per call; §8). */
  hiddenAmong(userIds: Uuid[]): Promise<Set<Uuid>>;
}

/** A validated partial preferences update (leaf fields). */
export interface PreferencesPatch {
  notifications?: Partial<Preferences['notifications']>;
  privacy?: Partial<Preferences['privacy']>;
  theme?: string;
}
