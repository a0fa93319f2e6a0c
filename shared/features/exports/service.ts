// Export use cases: start a job (members/participants only), read its status with a download URL, run it (JSONL, oldest first) (docs/protocol/extensions.md §5).
import { encodeTime } from 'ulidx';
import { DomainError, ValidationError } from '../../kernel/errors.js';
import type { Clock, IdGenerator } from '../../kernel/ports.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import type { BlobStore } from '../attachments/index.js';
import { requireParticipant, type ConversationRepository } from '../conversations/index.js';
import { conversationKey, type MessageRepository, type MessageTarget } from '../messages/index.js';
import { createRetentionPolicy, floorSeq, laterSeq, type RetentionPolicyDeps } from '../retention/index.js';
import type { RoomAccess } from '../rooms/index.js';
import { exportLines } from './lines.js';
import {
  EXPORT_LIMITS,
  type ExportJob,
  type ExportRepository,
  type ExportRunner,
  type ExportView,
} from './model.js';

/** What the export service needs. */
export interface ExportServiceDeps extends Pick<RetentionPolicyDeps, 'rooms' | 'retentionDefaultDays'> {
  exports: ExportRepository;
  messages: Pick<MessageRepository, 'history'>;
  access: RoomAccess;
  /** Group conversations (extensions.md §7.2): participants export. */
  conversations: Pick<ConversationRepository, 'get'>;
  blobs: BlobStore;
  clock: Clock;
  ids: IdGenerator;
  /** Where jobs run; default in this process (local stack, tests). */
  exportRunner?: ExportRunner;
}

/** Input of {@link ExportService.start}. */
export interface StartExportInput {
  target: MessageTarget;
  format?: string | null;
  /** RFC 3339; only messages created at or after / before. */
  since?: string | null;
  until?: string | null;
}

/** Message exports. */
export interface ExportService {
  /**
   * Creates a `running` job for a target the caller may read and hands it to the runner.
   * @throws ValidationError `validation_failed` (format not `jsonl`, bad since/until);
   *   DomainError `not_room_member` (room the caller is not in, or unknown)
   */
  start(actorId: Uuid, input: StartExportInput): Promise<ExportView>;
  /** The caller's own job, with `download_url` when done. @throws DomainError `export_not_found` */
  get(actorId: Uuid, exportId: Uuid): Promise<ExportView>;
  /**
   * Writes the job's file (one Message per line, oldest first, tombstones and past-retention
   * messages left out) and marks it done (or failed). Idempotent: a re-run rewrites the same key.
   * @param onProgress - messages written so far (CLI progress bar)
   */
  run(exportId: Uuid, onProgress?: (messages: number) => void): Promise<ExportView>;
}

const parseTime = (v: string | null | undefined, field: string): number | null => {
  if (v == null) return null;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms))
    throw new ValidationError('validation_failed', `Validation failed: ${field} - RFC 3339 time`);
  return ms;
};

/** Builds the service. */
export function createExportService(deps: ExportServiceDeps): ExportService {
  const retention = createRetentionPolicy(deps);

  async function view(job: ExportJob): Promise<ExportView> {
    const out: ExportView = {
      id: job.id,
      status: job.status,
      messages: job.messages,
      bytes: job.bytes,
      format: job.format,
      created_at: job.created_at,
    };
    if (job.status === 'done' && job.key !== null) {
      out.download_url = await deps.blobs.downloadUrl(
        job.key,
        { contentType: 'application/x-ndjson', filename: `export-${job.id}.jsonl` },
        deps.clock.now() + EXPORT_LIMITS.urlMinutes * 60_000,
      );
    }
    return out;
  }

  const service: ExportService = {
    async start(actorId, input) {
      if ((input.format ?? 'jsonl') !== 'jsonl')
        throw new ValidationError('validation_failed', "Validation failed: format - only 'jsonl'");
      const since = parseTime(input.since, 'since');
      const until = parseTime(input.until, 'until');
      let conversation: string;
      if (input.target.type === 'room') {
        if (!(await deps.access.isMember(input.target.room_id, actorId)))
          throw new DomainError('not_room_member');
        conversation = conversationKey(input.target);
      } else if (input.target.type === 'conversation') {
        // extensions.md §7.2: participants only (no existence oracle).
        await requireParticipant(deps, input.target.conversation_id, actorId);
        conversation = conversationKey(input.target);
      } else {
        conversation = conversationKey({ type: 'dm', author: actorId, recipient: input.target.recipient });
      }
      const job: ExportJob = {
        id: deps.ids.uuid(),
        owner: actorId,
        target: input.target,
        conversation,
        format: 'jsonl',
        since: since === null ? null : new Date(since).toISOString(),
        until: until === null ? null : new Date(until).toISOString(),
        status: 'running',
        messages: 0,
        bytes: 0,
        key: null,
        created_at: toTimestamp(deps.clock.now()),
      };
      await deps.exports.create(job);
      if (deps.exportRunner !== undefined) await deps.exportRunner(job.id);
      else void service.run(job.id).catch(() => undefined); // run() records its own failure
      return view(job);
    },

    async get(actorId, exportId) {
      const job = await deps.exports.get(exportId);
      if (job === null || job.owner !== actorId) throw new DomainError('export_not_found');
      return view(job);
    },

    async run(exportId, onProgress) {
      const job = await deps.exports.get(exportId);
      if (job === null) throw new DomainError('export_not_found');
      try {
        const since =
          job.since === null
            ? undefined
            : `${encodeTime(Math.max(0, Date.parse(job.since) - 1), 10)}${'Z'.repeat(16)}`;
        const until =
          job.until === null ? undefined : `${encodeTime(Date.parse(job.until), 10)}${'0'.repeat(16)}`;
        const after = laterSeq(since, floorSeq(await retention.cutoffFor(job.conversation)));
        const chunks: Buffer[] = [];
        let messages = 0;
        let bytes = 0;
        for await (const text of exportLines(deps.messages, job.conversation, after, until)) {
          const line = Buffer.from(text, 'utf8');
          chunks.push(line);
          bytes += line.length;
          messages++;
          if (messages % EXPORT_LIMITS.progressEvery === 0) {
            await deps.exports.update(job.id, { messages });
            onProgress?.(messages);
          }
        }
        onProgress?.(messages);
        const key = `exports/${job.id}`;
        await deps.blobs.put(key, Buffer.concat(chunks), 'application/x-ndjson');
        await deps.exports.update(job.id, { status: 'done', messages, bytes, key });
        return await view({ ...job, status: 'done', messages, bytes, key });
      } catch (err) {
        await deps.exports.update(job.id, { status: 'failed' }).catch(() => undefined);
        throw err;
      }
    },
  };
  return service;
}
