// The invitation record item: its key, index entries, search field and TTL, and the mapping back to the wire object.
import type { Uuid } from '../../kernel/types.js';
import { parseTimestamp } from '../../kernel/time.js';
import { ttlEpochSeconds, type Item } from '../../storage/items.js';
import { ATTR } from '../../storage/table.js';
import {
  RECORD_RETENTION_MS,
  type Invitation,
  type InvitationHistoryEntry,
  type InvitationRecord,
  type InvitationRole,
  type InvitationStatus,
} from './model.js';

/** Lowercased, space-joined text the `q` filter matches with `contains` (docs/protocol/extensions.md §6.2). */
export function searchText(parts: (string | null | undefined)[]): string {
  return parts
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .join(' ')
    .toLowerCase();
}

/**
 * The record item `INVITATION#<id>` / `INVITATION`: GSI1 `USER#<invitee>` / `INVITE#<seq>` (the
 * invitee's received list, as before), GSI2 `INVITER#<inviter>` / `<seq>` (the sent list), `seq` a
 * ULID of `created_at`, `expires_ms` = `expires_at` in epoch **ms** (list filters), TTL
 * `expiresAt` = expiry + 90 days in epoch **seconds** (docs/protocol/extensions.md §6.3 purge).
 */
export function invitationRecordItem(rec: InvitationRecord, seq: string): Item {
  const expiresMs = parseTimestamp(rec.expires_at);
  return {
    PK: `INVITATION#${rec.id}`,
    SK: 'INVITATION',
    GSI1PK: `USER#${rec.invitee_id}`,
    GSI1SK: `INVITE#${seq}`,
    GSI2PK: `INVITER#${rec.inviter_id}`,
    GSI2SK: seq,
    entity: 'invitation',
    id: rec.id,
    room_id: rec.room_id,
    room_name: rec.room_name,
    inviter_id: rec.inviter_id,
    inviter_name: rec.inviter_name,
    invitee_id: rec.invitee_id,
    invitee_name: rec.invitee_name,
    status: rec.status,
    message: rec.message,
    role: rec.role,
    created_at: rec.created_at,
    expires_at: rec.expires_at,
    expires_ms: expiresMs,
    responded_at: rec.responded_at,
    cancelled_at: rec.cancelled_at,
    cancelled_by: rec.cancelled_by,
    history: rec.history,
    search: searchText([rec.room_name, rec.inviter_name, rec.invitee_name, rec.message]),
    seq,
    [ATTR.ttl]: ttlEpochSeconds(expiresMs + RECORD_RETENTION_MS),
  };
}

/** Maps a record (or an old-layout) item to the wire {@link Invitation} (status as stored). */
export function invitationFromItem(item: Item): Invitation {
  return {
    id: item.id as Uuid,
    room_id: item.room_id as Uuid,
    room_name: item.room_name as string,
    inviter_id: item.inviter_id as Uuid,
    inviter_name: item.inviter_name as string,
    invitee_id: item.invitee_id as Uuid,
    invitee_name: item.invitee_name as string,
    status: item.status as InvitationStatus,
    message: (item.message as string | null | undefined) ?? null,
    created_at: item.created_at as string,
    expires_at: item.expires_at as string,
    responded_at: (item.responded_at as string | null | undefined) ?? null,
    role: (item.role as InvitationRole | undefined) ?? 'member',
    cancelled_at: (item.cancelled_at as string | null | undefined) ?? null,
    cancelled_by: (item.cancelled_by as string | null | undefined) ?? null,
  };
}

/** Maps a record item to an {@link InvitationRecord} (history empty for items without one). */
export function recordFromItem(item: Item): InvitationRecord {
  return {
    ...invitationFromItem(item),
    history: Array.isArray(item.history) ? (item.history as InvitationHistoryEntry[]) : [],
  };
}

/** The record's wire view (drops the history). */
export function toInvitation(rec: Invitation): Invitation {
  const { history: _history, ...inv } = rec as InvitationRecord;
  return inv;
}
