// Attachment use cases: create an upload (presigned PUT), confirm a local upload, read with a download URL, and claim uploads for a message (docs/protocol/extensions.md §1.7).
import type { EmitDeps } from '../../kernel/events.js';
import { DomainError, ValidationError } from '../../kernel/errors.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';
import type { ConversationRepository } from '../conversations/index.js';
import type { RoomAccess } from '../rooms/index.js';
import {
  ATTACHMENT_LIMITS,
  blobKey,
  toAttachment,
  type Attachment,
  type AttachmentRecord,
  type AttachmentRepository,
  type BlobStore,
} from './model.js';

/** What a carrying message must tell about itself (structural: the messages repository fits). */
export interface CarrierMessage {
  author: Uuid;
  target:
    | { type: 'room'; room_id: Uuid }
    | { type: 'dm'; recipient: Uuid }
    | { type: 'conversation'; conversation_id: Uuid };
  deleted: boolean;
}

/** What the AttachmentService needs. */
export interface AttachmentServiceDeps extends Pick<EmitDeps, 'clock' | 'ids'> {
  attachments: AttachmentRepository;
  /** Where the bytes live (chosen by the composition root from settings). */
  blobs: BlobStore;
  /** `LAIR_ATTACHMENT_MAX_BYTES`: largest accepted `size_bytes`, bytes. */
  attachmentMaxBytes: number;
  messages: { getById(id: Uuid): Promise<CarrierMessage | null> };
  access: RoomAccess;
  /** Conversation participants (docs/protocol/extensions.md §7.2): who may read a conversation's attachments. */
  conversations: Pick<ConversationRepository, 'get'>;
}

/** Input of {@link AttachmentService.create} (extensions.md §1.7). */
export interface NewAttachment {
  filename: string;
  content_type: string;
  size_bytes: number;
}

/** 201 body of `POST /api/v1/attachments`. */
export interface CreatedAttachment {
  attachment: Attachment;
  upload: { url: string; method: 'PUT'; headers: Record<string, string>; expires_at: Timestamp };
}

/** 200 body of `GET /api/v1/attachments/{id}`. */
export interface AttachmentDownload {
  attachment: Attachment;
  download_url: string;
  expires_at: Timestamp;
}

/** Attachments (extensions.md §1.7). */
export interface AttachmentService {
  /**
   * Records a pending attachment (TTL 24 h) and returns a PUT URL valid 15 min.
   * @throws `validation_failed` (filename, content_type, size_bytes) | `attachment_too_large` (over the limit)
   */
  create(actorId: Uuid, input: NewAttachment): Promise<CreatedAttachment>;
  /** Marks a pending attachment `uploaded` once its bytes are stored (the local blob route); no-op otherwise. */
  markUploaded(id: Uuid): Promise<void>;
  /**
   * The attachment with a download URL valid 15 min, for its uploader or anyone who can read the
   * (not deleted) message carrying it. @throws `not_found` otherwise (no existence oracle)
   */
  get(actorId: Uuid, id: Uuid): Promise<AttachmentDownload>;
}

const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const invalid = (field: string, reason: string): ValidationError =>
  new ValidationError('validation_failed', `Validation failed: ${field} - ${reason}`);

/** Checks §1.7 inputs. @throws `validation_failed` | `attachment_too_large` */
function checkInput(input: NewAttachment, maxBytes: number): void {
  const name = input.filename;
  if (
    name.trim() === '' ||
    Array.from(name).length > ATTACHMENT_LIMITS.filenameChars || // code points
    CONTROL.test(name) ||
    /[/\\]/.test(name)
  )
    throw invalid('filename', 'must be 1-255 characters without control characters or slashes');
  if (!CONTENT_TYPE.test(input.content_type))
    throw invalid('content_type', 'must be a MIME type (type/subtype)');
  if (!Number.isSafeInteger(input.size_bytes) || input.size_bytes < 1)
    throw invalid('size_bytes', 'must be a positive integer');
  if (input.size_bytes > maxBytes) throw new DomainError('attachment_too_large');
}

/** Builds the AttachmentService. */
export function createAttachmentService(deps: AttachmentServiceDeps): AttachmentService {
  const { attachments, blobs, clock, ids } = deps;
  const notFound = (): DomainError => new DomainError('not_found', 'Attachment not found');

  /** True when `actorId` may read the message `messageId` (room member, a DM party, a conversation participant). */
  async function canRead(actorId: Uuid, messageId: Uuid): Promise<boolean> {
    const message = await deps.messages.getById(messageId);
    if (message === null || message.deleted) return false;
    if (message.target.type === 'room') return deps.access.isMember(message.target.room_id, actorId);
    if (message.target.type === 'conversation') {
      const c = await deps.conversations.get(message.target.conversation_id);
      return c !== null && c.participants.some((p) => p.user_id === actorId);
    }
    return actorId === message.author || actorId === message.target.recipient;
  }

  return {
    async create(actorId, input) {
      checkInput(input, deps.attachmentMaxBytes);
      const now = clock.now();
      const record: AttachmentRecord = {
        id: ids.uuid(),
        filename: input.filename,
        content_type: input.content_type,
        size_bytes: input.size_bytes,
        status: 'pending',
        uploader: actorId,
        created_at: toTimestamp(now),
        message_id: null,
      };
      await attachments.create(record);
      const expiresAt = now + ATTACHMENT_LIMITS.urlTtlSeconds * 1000;
      const signed = await blobs.uploadUrl(
        blobKey(record.id, 'pending'),
        { contentType: record.content_type, sizeBytes: record.size_bytes },
        expiresAt,
      );
      return {
        attachment: toAttachment(record),
        upload: {
          url: signed.url,
          method: 'PUT',
          headers: signed.headers,
          expires_at: toTimestamp(expiresAt),
        },
      };
    },

    markUploaded: (id) => attachments.markUploaded(id),

    async get(actorId, id) {
      const record = await attachments.get(id);
      if (record === null) throw notFound();
      const allowed =
        record.uploader === actorId ||
        (record.message_id !== null && (await canRead(actorId, record.message_id)));
      if (!allowed) throw notFound();
      const expiresAt = clock.now() + ATTACHMENT_LIMITS.urlTtlSeconds * 1000;
      const key = blobKey(record.id, record.message_id === null ? 'pending' : 'files');
      const url = await blobs.downloadUrl(
        key,
        { contentType: record.content_type, filename: record.filename },
        expiresAt,
      );
      return { attachment: toAttachment(record), download_url: url, expires_at: toTimestamp(expiresAt) };
    },
  };
}

/**
 * Checks the attachments a message is about to carry (extensions.md §1.7) and copies their bytes
 * to `files/` (out of reach of the 24 h expiry), in `ids` order, duplicates dropped. The message
 * put then attaches them in its own transaction, conditioned on them still being unattached.
 * @param ids - at most {@link ATTACHMENT_LIMITS.perMessage} (checked by the caller's schema)
 * @returns the refs the message lists
 * @throws `attachment_invalid` when one is unknown, expired, someone else's, already attached or
 *   not (fully) uploaded; `validation_failed` when more than 10 are given
 */
export async function claimAttachments(
  deps: Pick<AttachmentServiceDeps, 'attachments' | 'blobs'>,
  actorId: Uuid,
  ids: readonly Uuid[],
): Promise<{ id: Uuid; filename: string; content_type: string; size_bytes: number }[]> {
  const wanted = [...new Set(ids)];
  if (wanted.length > ATTACHMENT_LIMITS.perMessage)
    throw invalid('attachment_ids', `at most ${ATTACHMENT_LIMITS.perMessage}`);
  const found = new Map((await deps.attachments.getMany(wanted)).map((r) => [r.id, r]));
  const records = wanted.map((id) => {
    const r = found.get(id);
    if (r === undefined || r.uploader !== actorId || r.status === 'attached' || r.message_id !== null)
      throw new DomainError('attachment_invalid');
    return r;
  });
  await Promise.all(
    records.map(async (r) => {
      const pending = blobKey(r.id, 'pending');
      const files = blobKey(r.id, 'files');
      // A retried send may find the bytes already copied.
      const size = (await deps.blobs.size(pending)) ?? (await deps.blobs.size(files));
      if (size !== r.size_bytes) throw new DomainError('attachment_invalid');
      await deps.blobs.copy(pending, files);
    }),
  );
  return records.map((r) => ({
    id: r.id,
    filename: r.filename,
    content_type: r.content_type,
    size_bytes: r.size_bytes,
  }));
}
