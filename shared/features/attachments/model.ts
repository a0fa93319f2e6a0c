// Attachments feature model: the wire Attachment, its record, the BlobStore and repository ports, limits and error rows (docs/protocol/extensions.md §1.7).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';

/**
 * Lifecycle of an upload (docs/protocol-extensions.md "Attachments"): `pending` (created, bytes
 * not confirmed), `uploaded` (bytes stored and their size checked), `attached` (carried by a message).
 */
export type AttachmentStatus = 'pending' | 'uploaded' | 'attached';

/** An attachment as returned by `POST`/`GET /api/v1/attachments` (extensions.md §1.7). */
export interface Attachment {
  id: Uuid;
  filename: string;
  content_type: string;
  /** Declared (and enforced) size in bytes. */
  size_bytes: number;
  status: AttachmentStatus;
}

/** Stored attachment: wire shape plus owner, times and the carrying message. */
export interface AttachmentRecord extends Attachment {
  uploader: Uuid;
  created_at: Timestamp;
  /** The message carrying it once attached, else null. */
  message_id: Uuid | null;
}

/** Limits of §1.7 and of this implementation's URLs. */
export const ATTACHMENT_LIMITS = {
  /** Attachments per message (extensions.md §1.1). */
  perMessage: 10,
  /** An unattached upload vanishes after this long, seconds (24 h). */
  pendingTtlSeconds: 24 * 60 * 60,
  /** Lifetime of an upload or download URL, seconds (15 min). */
  urlTtlSeconds: 15 * 60,
  /** Default of `LAIR_ATTACHMENT_MAX_BYTES`: 25 MiB. */
  defaultMaxBytes: 25 * 1024 * 1024,
  /** Longest filename, characters. */
  filenameChars: 255,
} as const;

/**
 * Object key of an attachment's bytes: `pending/<id>` until a message carries it (the S3
 * lifecycle rule expires that prefix after 1 day), `files/<id>` after.
 */
export function blobKey(id: Uuid, where: 'pending' | 'files'): string {
  return `${where}/${id}`;
}

/** The wire projection of a record. */
export function toAttachment(r: AttachmentRecord): Attachment {
  return {
    id: r.id,
    filename: r.filename,
    content_type: r.content_type,
    size_bytes: r.size_bytes,
    status: r.status,
  };
}

/** A presigned request the client performs itself (`upload` of extensions.md §1.7). */
export interface SignedRequest {
  url: string;
  /** Headers the client must send with exactly these values (may be empty). */
  headers: Record<string, string>;
}

/**
 * Where attachment bytes live (S3 in AWS, files under `LAIR_DATA_DIR/attachments/` locally).
 * Keys come from {@link blobKey}; URLs are valid until `expiresAt` (epoch ms).
 */
export interface BlobStore {
  /** A PUT URL accepting exactly `sizeBytes` bytes for `key` until `expiresAt` (epoch ms). */
  uploadUrl(
    key: string,
    object: { contentType: string; sizeBytes: number },
    expiresAt: number,
  ): Promise<SignedRequest>;
  /** A GET URL for `key` until `expiresAt` (epoch ms), served as `contentType` with `filename` as download name. */
  downloadUrl(
    key: string,
    object: { contentType: string; filename: string },
    expiresAt: number,
  ): Promise<string>;
  /** Stored size of `key` in bytes, or `null` when nothing is stored there. */
  size(key: string): Promise<number | null>;
  /** Copies `from` to `to` (idempotent: succeeds when `to` already holds the bytes). @throws Error when neither exists */
  copy(from: string, to: string): Promise<void>;
  /** Stores `body` at `key` as `contentType` (server-written objects, e.g. exports, extensions.md §5). */
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
}

/** Attachments: `ATT#<uuid>` / `ATT`, TTL 24 h while not attached. */
export interface AttachmentRepository {
  /** Stores a new pending attachment with its 24 h TTL (conditional put). */
  create(record: AttachmentRecord): Promise<void>;
  /** Strongly consistent read; `null` when absent or past its TTL. */
  get(id: Uuid): Promise<AttachmentRecord | null>;
  /** Reads up to {@link ATTACHMENT_LIMITS.perMessage} attachments (absent ones are left out). */
  getMany(ids: readonly Uuid[]): Promise<AttachmentRecord[]>;
  /** `pending` -> `uploaded` (the TTL stays); a no-op when it is no longer pending. */
  markUploaded(id: Uuid): Promise<void>;
}

/** Error rows of the attachments feature (extensions.md §11). */
export const errors = {
  attachment_too_large: { message: 'Attachment too large', http: 413 },
  attachment_invalid: { message: 'Attachment invalid', http: 422 },
} as const satisfies ErrorRows;

/** The attachments feature pushes no events. */
export type Events = never;
