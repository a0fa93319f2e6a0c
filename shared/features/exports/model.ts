// Exports feature model: export jobs, their wire view, the repository and runner ports (docs/protocol/extensions.md §5).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';
import type { MessageTarget } from '../messages/index.js';

/** Error rows of the exports feature. */
export const errors = {
  /** Unknown export, or one of another user (no existence oracle, extensions.md §0.6). */
  export_not_found: { message: 'Export not found', http: 404 },
} as const satisfies ErrorRows;

/** No client events. */
export type Events = never;

export type ExportStatus = 'running' | 'done' | 'failed';

/** A stored export job (`EXPORT#<id>` / `EXPORT`, TTL {@link EXPORT_LIMITS.keepDays} days). */
export interface ExportJob {
  id: Uuid;
  owner: Uuid;
  target: MessageTarget;
  conversation: string;
  format: 'jsonl';
  since: Timestamp | null;
  until: Timestamp | null;
  status: ExportStatus;
  /** Messages written so far. */
  messages: number;
  /** Bytes of the finished file. */
  bytes: number;
  /** Blob key of the finished file. */
  key: string | null;
  created_at: Timestamp;
}

/** `{"export": …}` of POST/GET /api/v1/exports (extensions.md §5). */
export interface ExportView {
  id: Uuid;
  status: ExportStatus;
  messages: number;
  bytes: number;
  format: 'jsonl';
  created_at: Timestamp;
  /** Presigned (S3) or signed (local) GET URL, valid {@link EXPORT_LIMITS.urlMinutes} minutes; only when done. */
  download_url?: string;
}

export const EXPORT_LIMITS = {
  /** Job items and files are kept this long, days. */
  keepDays: 7,
  /** Download URL lifetime, minutes. */
  urlMinutes: 60,
  /** Messages read per history page. */
  page: 100,
  /** Progress is written every this many messages. */
  progressEvery: 500,
} as const;

/** Export jobs in the table. */
export interface ExportRepository {
  /** Conditional put of a new job. */
  create(job: ExportJob): Promise<void>;
  /** Strongly consistent read; null when absent or expired. */
  get(id: Uuid): Promise<ExportJob | null>;
  /** Sets `messages` (and, when finishing, `status`, `bytes`, `key`). */
  update(id: Uuid, patch: Partial<Pick<ExportJob, 'status' | 'messages' | 'bytes' | 'key'>>): Promise<void>;
}

/**
 * Starts the job `jobId` somewhere: in process (local, tests) or as an async Lambda invocation
 * (AWS, `lambdas/exports/worker.ts`). Resolves once it is handed off, not when done.
 */
export type ExportRunner = (jobId: Uuid) => Promise<void>;
