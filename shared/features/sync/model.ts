// Sync feature model (docs/protocol/extensions.md §3, lair.sync): the response shape, the opaque `since` token and its safety margin (docs/adr/012).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Uuid } from '../../kernel/types.js';
import type { Message } from '../messages/index.js';
import type { ReadTarget } from '../receipts/index.js';

/** One target's changes (extensions.md §3): messages created or changed since, oldest change first. */
export interface SyncTarget {
  target: ReadTarget;
  messages: Message[];
  has_more: boolean;
  unread_count: number;
}

/** A membership change since the token (only `joined` is recorded today, docs/protocol-extensions.md). */
export interface MembershipChange {
  room_id: Uuid;
  change: 'joined' | 'left' | 'kicked' | 'banned';
  at: string;
}

/** The sync response: fixed keys plus one key per registered section (./sections.ts). */
export interface SyncResult {
  next_since: string;
  targets: SyncTarget[];
  memberships: MembershipChange[];
  [section: string]: unknown;
}

/**
 * How far behind "now" a returned `next_since` stands, ms (docs/adr/012): a change whose
 * `updated_at` was taken before a sync started but committed after it (or reached GSI3 late) is
 * still after the next token. Changes inside the margin are repeated once; clients dedupe by
 * `id` + `updated_at` (extensions.md §3).
 */
export const SYNC_MARGIN_MS = 10_000;

/** Decoded `since` token: version, the user it was issued to, the change time it stands at (epoch ms). */
export interface SyncToken {
  v: 1;
  u: Uuid;
  t: number;
}

/** Encodes a token (base64url JSON; opaque to clients, extensions.md §3). */
export function encodeSyncToken(token: SyncToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/**
 * Decodes a token issued to `userId`; `null` for garbage, another user's token or a time that
 * is not a plausible epoch-ms value (≤ `nowMs` + 1 day).
 */
export function decodeSyncToken(raw: string, userId: Uuid, nowMs: number): SyncToken | null {
  if (raw.length === 0 || raw.length > 512 || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const t = parsed as Partial<SyncToken>;
  if (t.v !== 1 || t.u !== userId || typeof t.t !== 'number' || !Number.isInteger(t.t)) return null;
  if (t.t < 0 || t.t > nowMs + 86_400_000) return null;
  return { v: 1, u: t.u, t: t.t };
}

/** Sync raises kernel codes only: a bad `since` is `validation_failed` (docs/protocol-extensions.md "Sync"). */
export const errors = {} as const satisfies ErrorRows;

/** Sync pushes no events. */
export type Events = never;
