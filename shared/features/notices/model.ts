// Notices feature model: server notices (to everyone or one room), their repository port (docs/protocol/extensions.md §9 "Server notices").
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';
import type { AuditEntry } from '../audit/index.js';

/** Severity of a notice: upstream's `server_notice.severity` (docs/protocol/tcp.md §8). */
export type NoticeSeverity = 'info' | 'warning' | 'critical';

/** A server notice as listed by `GET /api/v1/notices` (and in sync's `notices`). */
export interface Notice {
  id: string;
  message: string;
  severity: NoticeSeverity;
  /** `null` = every connection. */
  room_id: Uuid | null;
  created_by: Uuid;
  created_at: Timestamp;
  /** `null` = active until deleted. */
  expires_at: Timestamp | null;
}

/** Longest notice text, UTF-8 bytes (the message content limit, docs/protocol/domain.md §5). */
export const MAX_NOTICE_BYTES = 4096;

/** Notices raise only kernel and other features' codes. */
export const errors = {} as const satisfies ErrorRows;

/** `server_notice` is the kernel's upstream type (shared/features/catalog.ts). */
export type Events = never;

/** Server notices over the single table (live = not expired, not deleted). */
export interface NoticeRepository {
  /** Puts the notice and its audit entry in one transaction. */
  create(notice: Notice, audit: AuditEntry): Promise<void>;
  /** Deletes it and appends the audit entry in one transaction. @returns false when absent */
  delete(id: string, audit: AuditEntry): Promise<boolean>;
  /** Every live notice, newest first. */
  listActive(): Promise<Notice[]>;
}
