// Repository ports: what services need from storage; implemented over DynamoDB in shared/storage.
import type {
  Invitation,
  InvitationStatus,
  MessageRecord,
  Room,
  RoomMembership,
  RoomRecord,
  RoomRole,
  Session,
  User,
  UserRecord,
  Uuid,
} from '../domain/entities.js';
import type { RateLimiter } from './services.js';

/** One page of an offset-paged list (domain.md §9). */
export interface Page<T> {
  items: T[];
}

/** Users, with username/email uniqueness enforced by sentinel items (DESIGN.md §3). */
export interface UserRepository {
  /**
   * Creates the user and its username/email sentinels in one TransactWriteItems.
   * @throws ConflictError `username_taken` / `email_taken` (checked in that order)
   */
  create(user: UserRecord): Promise<void>;
  /** Strongly consistent read by id; `null` when absent. */
  getById(id: Uuid): Promise<UserRecord | null>;
  /** Batch read by ids (missing ids are simply absent from the result map). */
  getMany(ids: Uuid[]): Promise<Map<Uuid, UserRecord>>;
  /** Looks up by username, case-insensitively (via the `UNAME#<lower>` sentinel). */
  getByUsername(username: string): Promise<UserRecord | null>;
  /** Looks up by email, case-insensitively (via the `EMAIL#<lower>` sentinel). */
  getByEmail(email: string): Promise<UserRecord | null>;
  /**
   * Changes the email: swaps the sentinel and updates the profile atomically.
   * @param email - already validated and lowercased
   * @throws ConflictError `email_taken`; DomainError `user_not_found`
   */
  updateEmail(id: Uuid, email: string, updatedAt: string): Promise<UserRecord>;
  /** Replaces the password hash and bumps `updated_at`. @throws `user_not_found` */
  updatePasswordHash(id: Uuid, passwordHash: string, updatedAt: string): Promise<void>;
  /** Users ordered by lowercased username ascending, `offset` then `limit` (domain.md §9). */
  list(limit: number, offset: number): Promise<User[]>;
  /** Number of users (admin stats). */
  count(): Promise<number>;
}

/** Sessions: `USER#<id>` / `SESSION#<id>`, TTL on `expiresAt` (domain.md §8.1). */
export interface SessionRepository {
  /** Stores a session; its TTL is its `expires_at`. */
  create(session: Session): Promise<void>;
  /** Reads a session; returns it even when past expiry (the caller decides), `null` if deleted. */
  get(userId: Uuid, sessionId: Uuid): Promise<Session | null>;
  /** Deletes a session. @returns whether it existed */
  delete(userId: Uuid, sessionId: Uuid): Promise<boolean>;
}

/** Patch applied to a room META item. Absent fields are unchanged. */
export interface RoomPatch {
  name?: string;
  description?: string | null;
  is_private?: boolean;
  max_members?: number | null;
}

/** Rooms, with case-insensitive name uniqueness via `ROOMNAME#<lower>` sentinels. */
export interface RoomRepository {
  /**
   * Creates room META, name sentinel and the owner's membership in one transaction
   * (member_count = owner_count = 1).
   * @throws ConflictError `room_name_taken`
   */
  create(room: Room, owner: RoomMembership): Promise<RoomRecord>;
  /** Strongly consistent read; `null` when absent. */
  get(id: Uuid): Promise<RoomRecord | null>;
  /** Batch read by ids. */
  getMany(ids: Uuid[]): Promise<Map<Uuid, RoomRecord>>;
  /**
   * Applies a patch conditioned on `expectedVersion` (optimistic lock); a rename swaps the
   * name sentinel in the same transaction.
   * @throws ConflictError `room_name_taken`; DomainError `room_not_found`;
   *   VersionConflictError when `expectedVersion` is stale (the service re-reads and retries)
   */
  update(id: Uuid, patch: RoomPatch, expectedVersion: number): Promise<RoomRecord>;
  /** Deletes META, sentinel, all memberships and all invitations of the room (batched). */
  delete(room: RoomRecord): Promise<void>;
  /** Public rooms ordered by lowercased name, `offset` then `limit` (domain.md §9). */
  listPublic(limit: number, offset: number): Promise<RoomRecord[]>;
  /** Number of rooms, public and private (admin stats). */
  count(): Promise<number>;
}

/** Memberships: `ROOM#<id>` / `MEMBER#<userId>`, GSI1 `USER#<userId>` / `ROOM#<id>`. */
export interface MembershipRepository {
  /** Reads one membership (strongly consistent); `null` when not a member. */
  get(roomId: Uuid, userId: Uuid): Promise<RoomMembership | null>;
  /**
   * Adds a member in one transaction: put membership (must not exist), increment the room's
   * member_count conditioned on the room existing and `member_count < max_members` (when set),
   * and, when `acceptInvitation` is given, mark that invitation `accepted` (must be pending).
   * @throws ConflictError `already_member` / `room_full` / `invitation_expired`;
   *   DomainError `room_not_found`
   */
  add(
    membership: RoomMembership,
    opts?: { acceptInvitation?: { invitationId: Uuid; respondedAt: string } },
  ): Promise<void>;
  /**
   * Removes a member and decrements member_count (and owner_count for owners) in one transaction;
   * removing an owner is conditioned on owner_count > 1. With `actor` (a kick) the actor's role is
   * re-checked inside the same transaction.
   * @throws ConflictError `last_owner`; DomainError `not_room_member` | `permission_denied` (actor)
   */
  remove(roomId: Uuid, userId: Uuid, actor?: ActorGuard): Promise<void>;
  /**
   * Sets a member's role, adjusting owner_count; demoting an owner is conditioned on
   * owner_count > 1. With `actor` the actor's role is re-checked inside the same transaction.
   * @returns the membership after the change
   * @throws ConflictError `last_owner`; DomainError `not_room_member` | `permission_denied` (actor)
   */
  setRole(
    roomId: Uuid,
    userId: Uuid,
    role: RoomRole,
    actor?: ActorGuard,
  ): Promise<{ before: RoomMembership; after: RoomMembership }>;
  /** All members of a room ordered by `joined_at` ascending (domain.md §9). */
  listByRoom(roomId: Uuid): Promise<RoomMembership[]>;
  /** All memberships of a user (GSI1), any order. */
  listByUser(userId: Uuid): Promise<RoomMembership[]>;
}

/** Options for reading a conversation's history, newest first. */
export interface HistoryQuery {
  /** Room id, or the DM conversation key from storage keys. */
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
  /** Hard delete (http.md §9.4). Deleting an absent message is not an error. */
  delete(message: MessageRecord): Promise<void>;
  /** History newest first, at most `limit` items (domain.md §9). */
  history(query: HistoryQuery): Promise<MessageRecord[]>;
}

/** Invitations: `ROOM#<id>` / `INVITE#<invitee>`; GSI1 for the invitee's list; GSI2 by id. */
export interface InvitationRepository {
  /**
   * Creates a pending invitation; refused when a live pending one for (room, invitee) exists.
   * @throws ConflictError `already_invited`
   */
  create(invitation: Invitation): Promise<void>;
  /** Reads by invitation id; `null` when absent. Status is returned as stored. */
  getById(id: Uuid): Promise<Invitation | null>;
  /** The pending invitation of `inviteeId` to `roomId`, if any (expired ones included). */
  getPending(roomId: Uuid, inviteeId: Uuid): Promise<Invitation | null>;
  /**
   * Moves a pending invitation to `status`, conditioned on it still being pending.
   * @throws ConflictError `invitation_expired` when it is no longer pending
   */
  setStatus(invitation: Invitation, status: InvitationStatus, respondedAt: string): Promise<Invitation>;
  /** The invitee's pending, unexpired invitations, newest first (domain.md §9). */
  listPendingForUser(inviteeId: Uuid, nowMs: number): Promise<Invitation[]>;
}

/** One TCP/WS connection's presence item key parts. */
export interface ConnectionRef {
  userId: Uuid;
  relayId: string;
  connectionId: string;
}

/**
 * The member performing a kick or role change, re-checked **inside** the write's transaction so a
 * concurrent demotion or removal of the actor cannot slip between the permission check and the
 * write (domain.md §7 permission matrix).
 */
export interface ActorGuard {
  userId: Uuid;
  /** Roles the actor must still hold to act on a member whose current role is `targetRole`; empty = refused. */
  rolesFor(targetRole: RoomRole): readonly RoomRole[];
}

/** A live relay process registered in the table (DESIGN.md §4.2). */
export interface RelayInfo {
  relayId: string;
  /** Internal base URL where the relay accepts events, e.g. `http://127.0.0.1:43211`. */
  endpoint: string;
}

/** Presence and relay registry: TTL'd heartbeat items (DESIGN.md §3, §4). */
export interface PresenceRepository {
  /** Records an authenticated connection; refreshed by heartbeats. @param ttlSeconds - lifetime */
  putConnection(userId: Uuid, relayId: string, connectionId: string, ttlSeconds: number): Promise<void>;
  /**
   * Refreshes many connection items at once (BatchWriteItem, 25 per call): one relay-wide
   * heartbeat instead of one write per connection per period (bench/README.md finding 2).
   * @param ttlSeconds - new lifetime of every item
   * @throws DomainError `database_error` when items stay unprocessed after retries
   */
  refreshConnections(connections: readonly ConnectionRef[], ttlSeconds: number): Promise<void>;
  /** Removes a connection record. */
  deleteConnection(userId: Uuid, relayId: string, connectionId: string): Promise<void>;
  /** Live (unexpired) connections of a user across all relays. */
  countConnections(userId: Uuid): Promise<number>;
  /** Ids of all users with at least one live connection. */
  listOnlineUserIds(): Promise<Uuid[]>;
  /** Registers or refreshes a relay. @param ttlSeconds - lifetime of the heartbeat item */
  registerRelay(info: RelayInfo, ttlSeconds: number): Promise<void>;
  /** Removes a relay and nothing else. */
  deregisterRelay(relayId: string): Promise<void>;
  /** Live relays. */
  listRelays(): Promise<RelayInfo[]>;
}

/** Every storage port, built over one table by `createRepositories` (DESIGN.md §3). */
export interface Repositories {
  users: UserRepository;
  sessions: SessionRepository;
  rooms: RoomRepository;
  memberships: MembershipRepository;
  messages: MessageRepository;
  invitations: InvitationRepository;
  presence: PresenceRepository;
  rateLimiter: RateLimiter;
}
