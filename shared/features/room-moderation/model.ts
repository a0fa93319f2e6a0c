// Room moderation model: mutes, room bans, slow mode, their repository port, events and error rows (docs/protocol/extensions.md §9, §11).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';
import type { AuditEntry } from '../audit/index.js';

/** A room mute as sent on the wire. `expires_at` null = until unmuted. */
export interface RoomMute {
  room_id: Uuid;
  user_id: Uuid;
  reason: string;
  muted_by: Uuid;
  created_at: Timestamp;
  expires_at: Timestamp | null;
}

/** A room ban as sent on the wire. `expires_at` null = until unbanned. */
export interface RoomBan {
  room_id: Uuid;
  user_id: Uuid;
  reason: string;
  banned_by: Uuid;
  created_at: Timestamp;
  expires_at: Timestamp | null;
}

/** Longest slow-mode interval, seconds (docs/protocol/extensions.md §9). */
export const MAX_SLOW_MODE_SECONDS = 3600;
/** Longest timed mute or room ban, minutes (one year). */
export const MAX_ROOM_MODERATION_MINUTES = 525_600;
/** How long one process trusts a room's moderation state (slow mode, mutes) before re-reading it, ms. */
export const ROOM_STATE_CACHE_MS = 1000;

/** Error rows of docs/protocol/extensions.md §11 owned here. */
export const errors = {
  muted: { message: 'You are muted in this room', http: 403 },
  room_banned: { message: 'You are banned from this room', http: 403 },
  slow_mode: { message: 'Slow mode is on in this room', http: 429 },
} as const satisfies ErrorRows;

/** Room moderation events (lair.moderation only); a room ban sends upstream's `user_left_room` reason `banned`. */
export type Events =
  | {
      type: 'member_muted';
      room_id: Uuid;
      user_id: Uuid;
      muted_by: Uuid;
      reason: string;
      expires_at: Timestamp | null;
    }
  | { type: 'member_unmuted'; room_id: Uuid; user_id: Uuid; unmuted_by: Uuid };

/** Extension events of this feature and the extension a connection must request (extensions.md §0.2). */
export const eventExtensions = {
  member_muted: 'lair.moderation',
  member_unmuted: 'lair.moderation',
} as const;

/** What a send must know about a room: slow mode and the live mutes (cached per process ≤ {@link ROOM_STATE_CACHE_MS}). */
export interface RoomModerationState {
  /** 0 = off. */
  slowModeSeconds: number;
  /** user id -> mute expiry, epoch ms (null = until unmuted). */
  mutes: ReadonlyMap<Uuid, number | null>;
}

/** Mutes, room bans, slow mode and slow-mode send slots over the single table (room partition). */
export interface RoomModerationRepository {
  /** The room's slow mode and live mutes; answered from a per-process cache younger than {@link ROOM_STATE_CACHE_MS}. */
  roomState(roomId: Uuid): Promise<RoomModerationState>;
  /** Puts (or replaces) a mute with its audit entry in one transaction, conditioned on the membership. @throws `not_room_member` */
  putMute(mute: RoomMute, audit: AuditEntry): Promise<void>;
  /** Deletes a mute with its audit entry in one transaction. @returns false when there was none (nothing written) */
  deleteMute(roomId: Uuid, userId: Uuid, audit: AuditEntry): Promise<boolean>;
  /** Puts (or replaces) a room ban with its audit entry in one transaction, conditioned on the room. @throws `room_not_found` */
  putRoomBan(ban: RoomBan, audit: AuditEntry): Promise<void>;
  /** Deletes a room ban with its audit entry. @returns false when there was none */
  deleteRoomBan(roomId: Uuid, userId: Uuid, audit: AuditEntry): Promise<boolean>;
  /** The live room ban of (room, user), strongly consistent. */
  getRoomBan(roomId: Uuid, userId: Uuid): Promise<RoomBan | null>;
  /** Which of `userIds` have a live ban in `roomId`: one strongly consistent BatchGetItem per 100 ids (bulk invites). */
  roomBannedAmong(roomId: Uuid, userIds: Uuid[]): Promise<Set<Uuid>>;
  /** Live room bans, oldest first. */
  listRoomBans(roomId: Uuid): Promise<RoomBan[]>;
  /** Sets `slow_mode_seconds` on the room META with its audit entry in one transaction. @throws `room_not_found` */
  setSlowMode(roomId: Uuid, seconds: number, audit: AuditEntry): Promise<void>;
  /**
   * Claims the user's next send slot: one conditional PutItem that succeeds only when the last
   * claimed send is at least `intervalMs` before `nowMs`.
   * @returns 0 when claimed, else ms until a send can succeed
   */
  claimSendSlot(roomId: Uuid, userId: Uuid, nowMs: number, intervalMs: number): Promise<number>;
}
