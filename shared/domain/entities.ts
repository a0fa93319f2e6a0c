// Entity types in their exact wire shapes (protocol domain.md §4) plus the internal record extensions.

/** UUID v4 string, lowercase hyphenated (domain.md §3). */
export type Uuid = string;
/** RFC 3339 UTC timestamp string (domain.md §2). */
export type Timestamp = string;

/** System role (domain.md §6.1). */
export type SystemRole = 'user' | 'moderator' | 'admin';
/** Room role, ordered owner > moderator > member (domain.md §6.2). */
export type RoomRole = 'member' | 'moderator' | 'owner';
/** Invitation status (domain.md §4.7). */
export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'cancelled' | 'expired';
/** Session transport, recorded but never exposed (domain.md §4.8). */
export type SessionProtocol = 'tcp' | 'http' | 'websocket';

/** User as sent on the wire (domain.md §4.1). `email` is always included. */
export interface User {
  id: Uuid;
  username: string;
  email: string;
  role: SystemRole;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_seen_at: Timestamp | null;
}

/** Stored user: the wire shape plus the Argon2id PHC hash, which never leaves the server. */
export interface UserRecord extends User {
  password_hash: string;
}

/** Room settings as emitted (domain.md §4.2). */
export interface RoomSettings {
  description: string | null;
  is_private: boolean;
  max_members: number | null;
}

/** Room as sent on the wire (domain.md §4.2). */
export interface Room {
  id: Uuid;
  name: string;
  owner: Uuid;
  settings: RoomSettings;
  created_at: Timestamp;
}

/** Stored room: wire shape plus counters maintained transactionally with memberships. */
export interface RoomRecord extends Room {
  member_count: number;
  owner_count: number;
  /** Optimistic-lock version, bumped on every META update. */
  version: number;
}

/** Membership (domain.md §4.3). */
export interface RoomMembership {
  room_id: Uuid;
  user_id: Uuid;
  role: RoomRole;
  joined_at: Timestamp;
}

/** Enriched member row for HTTP member endpoints (domain.md §4.4). */
export interface RoomMember {
  user_id: Uuid;
  username: string;
  role: RoomRole;
  joined_at: Timestamp;
  is_online: boolean;
}

/** Room list row (domain.md §4.5). */
export interface RoomListItem {
  room: Room;
  member_count: number;
  is_member: boolean;
}

/** Message target as emitted and as accepted on TCP/WS (domain.md §4.6). */
export type MessageTarget = { type: 'room'; room_id: Uuid } | { type: 'dm'; recipient: Uuid };

/** Message as sent on the wire (domain.md §4.6). */
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
  /** ULID: the sort key that orders the conversation (DESIGN.md §3). */
  seq: string;
  /** Conversation key: room id, or the DM pair (see storage keys). */
  conversation: string;
  version: number;
}

/** Invitation, always enriched (domain.md §4.7). */
export interface Invitation {
  id: Uuid;
  room_id: Uuid;
  room_name: string;
  inviter_id: Uuid;
  inviter_name: string;
  invitee_id: Uuid;
  invitee_name: string;
  status: InvitationStatus;
  message: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  responded_at: Timestamp | null;
}

/** Stored session (domain.md §4.8); only {@link SessionInfo} is exposed. */
export interface Session {
  id: Uuid;
  user_id: Uuid;
  protocol: SessionProtocol;
  created_at: Timestamp;
  /** Expiry, RFC 3339. */
  expires_at: Timestamp;
}

/** What clients see of a session: `expires_at` in `+00:00` form (domain.md §2). */
export interface SessionInfo {
  id: Uuid;
  expires_at: string;
}

/** Result of register/login (http.md §5.1). */
export interface AuthResult {
  user: User;
  session: SessionInfo;
  token: string;
}

/** The authenticated caller, taken from a verified JWT (http.md §1.1). */
export interface Actor {
  userId: Uuid;
  sessionId: Uuid;
  username: string;
}
