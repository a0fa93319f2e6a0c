// Service interfaces: the use cases both faces (Lambda handlers and the relay) call; one place for every rule.
import type {
  AuthResult,
  Invitation,
  Message,
  MessageTarget,
  Room,
  RoomListItem,
  RoomMember,
  RoomMembership,
  Session,
  SessionInfo,
  SessionProtocol,
  User,
  Uuid,
} from '../domain/entities.js';
import type {
  Clock,
  ConnectionRef,
  EventPublisher,
  IdGenerator,
  PasswordHasher,
  Repositories,
  TokenClaims,
  TokenService,
} from '../ports/index.js';

/** Everything the services need, built once in a composition root and injected (STYLE.md §4). */
export interface ServiceDeps extends Omit<Repositories, 'rateLimiter'> {
  events: EventPublisher;
  clock: Clock;
  ids: IdGenerator;
  hasher: PasswordHasher;
  tokens: TokenService;
}

/** Registration, login, sessions and tokens (http.md §5, tcp.md §6, domain.md §8.1). */
export interface AuthService {
  /**
   * Creates a user (role `user`) and a 24 h session. Check order: username format, email format,
   * password, username taken, email taken (domain.md §5).
   * @throws `username_invalid` | `email_invalid` | `password_too_weak` | `username_taken` | `email_taken`
   */
  register(
    input: { username: string; email: string; password: string },
    protocol: SessionProtocol,
  ): Promise<AuthResult>;
  /**
   * Logs in by username, then email (case-insensitive); new 24 h session per login.
   * @throws `invalid_credentials` (unknown identifier and wrong password alike)
   */
  login(input: { identifier: string; password: string }, protocol: SessionProtocol): Promise<AuthResult>;
  /** Verifies a JWT only (the "B" level of http.md §4). @throws `invalid_token` | `token_expired` | `invalid_claims` */
  verifyToken(token: string): Promise<TokenClaims>;
  /**
   * Loads the token's session (the "S" level). An expired row is deleted.
   * @throws `session_not_found` | `session_expired`
   */
  requireSession(claims: TokenClaims): Promise<Session>;
  /**
   * TCP/WS `authenticate`: token -> session -> not expired -> user exists; no new session
   * (tcp.md §6.1). @throws `invalid_token` | `token_expired` | `session_not_found` | `session_expired` | `user_not_found`
   */
  authenticate(token: string): Promise<{ user: User; session: SessionInfo; claims: TokenClaims }>;
  /**
   * Deletes the session and publishes the relay notice `session_revoked` (docs/adr/005), so relays
   * stop trusting it at once. @throws `session_not_found` when it is already gone
   */
  logout(userId: Uuid, sessionId: Uuid): Promise<void>;
  /** New JWT for the same session and the same expiry (http.md §5.4). @returns `expires_at` in +00:00 form */
  refresh(claims: TokenClaims): Promise<{ token: string; expires_at: string }>;
  /** @throws `incorrect_password` (checked first) | `password_too_weak` */
  changePassword(userId: Uuid, currentPassword: string, newPassword: string): Promise<void>;
}

/** Users and presence reads (http.md §6, tcp.md §7.14–7.16). */
export interface UserService {
  /** Fresh from storage. @throws `user_not_found` */
  get(userId: Uuid): Promise<User>;
  /** `{user, online}` for one user. @throws `user_not_found` */
  getWithPresence(userId: Uuid): Promise<{ user: User; online: boolean }>;
  /** Changes the caller's email (null/undefined = unchanged). @throws `email_invalid` | `email_taken` */
  updateMe(userId: Uuid, patch: { email?: string | null }): Promise<User>;
  /** Users by username, `limit` already clamped by the caller via clampLimit. */
  list(limit: number, offset: number): Promise<{ user: User; online: boolean }[]>;
  /** Every user with a live TCP/WS connection. */
  onlineUserIds(): Promise<Uuid[]>;
}

/** Input of room creation (http.md §7.1, tcp.md §7.5). */
export interface CreateRoomInput {
  name: string;
  description?: string | null;
  settings?: { public?: boolean | null; max_members?: number | null } | null;
}

/** Input of a room update (http.md §7.4): `settings`, when present, replaces privacy and capacity. */
export interface UpdateRoomInput {
  name?: string | null;
  description?: string | null;
  settings?: { public?: boolean | null; max_members?: number | null } | null;
}

/** Rooms and memberships (http.md §7–8, tcp.md §7.5–7.9, permission matrix domain.md §7). */
export interface RoomService {
  /** Creates a room; the caller becomes `owner`. No event. @throws `room_name_invalid` | `room_name_taken` */
  create(actorId: Uuid, input: CreateRoomInput): Promise<Room>;
  /** Public rooms by name with `is_member` for `viewerId` (null = false everywhere). */
  listPublic(viewerId: Uuid | null, limit: number, offset: number): Promise<RoomListItem[]>;
  /** The caller's rooms (public and private) by name, `is_member: true`. */
  listJoined(actorId: Uuid, limit: number, offset: number): Promise<RoomListItem[]>;
  /** Any authenticated user may read any room. @throws `room_not_found` */
  get(
    actorId: Uuid,
    roomId: Uuid,
  ): Promise<{ room: Room; membership: RoomMembership | null; member_count: number }>;
  /** @throws `room_not_found` | `not_room_member` | `permission_denied` | `room_name_invalid` | `room_name_taken` */
  update(actorId: Uuid, roomId: Uuid, input: UpdateRoomInput): Promise<Room>;
  /** Emits `room_deleted` to the members captured before deletion. @throws `room_not_found` | `permission_denied` */
  delete(actorId: Uuid, roomId: Uuid): Promise<void>;
  /**
   * Joins (private rooms need a pending unexpired invitation, which becomes `accepted`).
   * Emits `user_joined_room`. @throws `room_not_found` | `room_private` | `already_member` | `room_full`
   */
  join(actorId: Uuid, roomId: Uuid): Promise<{ room: Room; membership: RoomMembership }>;
  /** Emits `user_left_room` reason `left`. @throws `room_not_found` | `not_room_member` | `last_owner` */
  leave(actorId: Uuid, roomId: Uuid): Promise<void>;
  /** Members by join time. @throws `room_not_found` | `not_room_member` */
  members(actorId: Uuid, roomId: Uuid): Promise<RoomMember[]>;
  /**
   * Owner-only role change; `role` parsed case-insensitively (owner; moderator|admin; else member).
   * Emits `member_role_changed` (even when unchanged).
   * @throws `not_room_member` | `permission_denied` | `last_owner`
   */
  changeRole(actorId: Uuid, roomId: Uuid, userId: Uuid, role: string): Promise<RoomMember>;
  /**
   * Kick per domain.md §7. Emits `user_left_room` reason `kicked` to the room and the kicked user.
   * @throws `permission_denied` (self first) | `not_room_member` | `last_owner`
   */
  kick(actorId: Uuid, roomId: Uuid, userId: Uuid): Promise<void>;
}

/** Options of {@link MessageService.send} that let an adapter save round trips on the hot path. */
export interface SendOptions {
  /** The author's username when the caller already holds it (usernames never change): no user read. */
  authorUsername?: string;
  /**
   * A check that must pass before the write, run concurrently with the target check (e.g. the
   * relay's per-command session re-validation, tcp.md §7). If it fails, its error wins.
   */
  precondition?: () => Promise<void>;
  /**
   * Room targets only: the caller has confirmed the actor's membership recently and trusts it
   * (the relay's lease, docs/adr/005), so the membership read is skipped. Ignored for DMs.
   */
  membershipVerified?: boolean;
}

/** Messages (http.md §9, tcp.md §7.1–7.4, 7.17). */
export interface MessageService {
  /**
   * Sends to a room (caller must be a member) or a DM (recipient must exist). Emits `message_received`.
   * @throws `content_invalid` | `not_room_member` | `user_not_found`
   */
  send(actorId: Uuid, target: MessageTarget, content: string, opts?: SendOptions): Promise<Message>;
  /**
   * Newest first; `has_more` = (returned == limit). DM history covers both directions.
   * @param limit - already clamped (clampLimit)
   * @throws `not_room_member` | `user_not_found`
   */
  history(
    actorId: Uuid,
    target: MessageTarget,
    limit: number,
  ): Promise<{ messages: Message[]; has_more: boolean }>;
  /** Author only. Emits `message_edited`. @throws `message_not_found` | `not_message_author` | `content_invalid` */
  edit(actorId: Uuid, messageId: Uuid, content: string): Promise<Message>;
  /** Hard delete per domain.md §7. Emits `message_deleted`. @throws `message_not_found` | `permission_denied` */
  delete(actorId: Uuid, messageId: Uuid): Promise<void>;
  /**
   * Emits `user_typing`; never throws (tcp.md §7.17: failures are swallowed). Room typing from a
   * non-member is dropped silently (upstream emits it; docs/upstream-differences.md);
   * `opts.membershipVerified` skips that read when the caller already knows (relay room index).
   */
  typing(actorId: Uuid, target: MessageTarget, opts?: { membershipVerified?: boolean }): Promise<void>;
}

/** Invitations (http.md §10, tcp.md §7.10–7.13, lifecycle domain.md §8.2). */
export interface InvitationService {
  /**
   * Invites `inviteeId`; HTTP requires moderator-or-above (`requireModerator: true`), TCP/WS any
   * member. Emits `invitation_received` to the invitee.
   * @throws `not_room_member` | `permission_denied` | `user_not_found` | `already_member` | `already_invited` | `room_not_found`
   */
  create(
    actorId: Uuid,
    roomId: Uuid,
    inviteeId: Uuid,
    opts: { requireModerator: boolean },
  ): Promise<Invitation>;
  /** Caller's pending unexpired invitations, newest first. */
  listPending(actorId: Uuid): Promise<Invitation[]>;
  /**
   * Accepts and joins (role member). Emits `user_joined_room`.
   * @throws `invitation_not_found` | `not_invitee` | `invitation_expired` | `already_member` | `room_full` | `room_not_found`
   */
  accept(actorId: Uuid, invitationId: Uuid): Promise<{ membership: RoomMembership; room: Room }>;
  /** @throws `invitation_not_found` | `not_invitee` | `invitation_expired` */
  decline(actorId: Uuid, invitationId: Uuid): Promise<void>;
}

/** Admin (http.md §12). */
export interface AdminService {
  /** Stored role must be `admin`. @throws `permission_denied` */
  stats(actorId: Uuid): Promise<{ total_users: number; total_rooms: number; online_users: number }>;
}

/** Presence bookkeeping for TCP/WS connections (domain.md §8.3). */
export interface PresenceService {
  /**
   * Records an authenticated connection; emits `user_online` (audience all except this
   * connection) when it is the user's first live connection.
   * @param ttlSeconds - heartbeat item lifetime
   */
  connected(user: User, relayId: string, connectionId: string, ttlSeconds: number): Promise<void>;
  /**
   * Refreshes the heartbeat items of live connections in one batched write (a relay calls it once
   * per period for all its connections). @param ttlSeconds - new item lifetime
   */
  heartbeat(connections: readonly ConnectionRef[], ttlSeconds: number): Promise<void>;
  /** Removes the connection; emits `user_offline` when it was the user's last. */
  disconnected(user: User, relayId: string, connectionId: string): Promise<void>;
}

/** All services, as built by `createServices(deps)`. */
export interface Services {
  auth: AuthService;
  users: UserService;
  rooms: RoomService;
  messages: MessageService;
  invitations: InvitationService;
  admin: AdminService;
  presence: PresenceService;
}
