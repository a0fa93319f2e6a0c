// Retention on reads by id (docs/protocol/extensions.md §5): a MessageRepository whose by-id reads, pins, mentions and reactions treat a message past its conversation's retention cutoff as absent — the same cutoff as history.
import { decodeTime } from 'ulidx';
import type { Uuid } from '../../kernel/types.js';
import { DAY_MS, floorSeq, RETENTION_LIMITS, type RetentionPolicy } from '../retention/index.js';
import { DomainError } from '../../kernel/errors.js';
import type { MessageRecord, MessageRepository } from './model.js';

/** What {@link retainedReads} needs besides the repository. */
export interface RetainedReadsDeps {
  /** The conversation's retention (rooms: one consistent META read; DMs: the server default). */
  retention: RetentionPolicy;
  /** The server default (days, null = forever), to skip the policy read for recent messages. */
  retentionDefaultDays: number | null;
  clock: { now(): number };
}

/**
 * Wraps `repo` so nothing past retention comes back by id (extensions.md §5 "reads never return
 * expired messages"; history applies the same floor in MessageService.history):
 * - `getById` answers null for a message whose `seq` is at or below `floorSeq(cutoff)` — every
 *   by-id use case (get, edit, delete, react, pin, thread root/parent, edit history, receipts,
 *   read markers, attachment downloads) then answers as for an unknown id (`message_not_found`,
 *   or `validation_failed` where an id is an anchor);
 * - `react` by address (the relay's cache) and `listPins`/`listMentions` apply the same check;
 * - `thread` replies are never older than their (checked) root, so they need none.
 * A message younger than the shortest possible retention (1 day) is never past a cutoff: no policy
 * read for it, so the hot paths (react/edit of a recent message) cost what they did.
 */
export function retainedReads<R extends MessageRepository>(repo: R, deps: RetainedReadsDeps): R {
  const minDays = Math.min(RETENTION_LIMITS.minDays, deps.retentionDefaultDays ?? Infinity);
  /** True when a message of `conversation` with `seq`, created at `createdAtMs`, is past retention. */
  async function expired(conversation: string, seq: string, createdAtMs: number): Promise<boolean> {
    if (minDays > 0 && deps.clock.now() - createdAtMs < minDays * DAY_MS) return false;
    const floor = floorSeq(await deps.retention.cutoffFor(conversation));
    return floor !== undefined && seq <= floor;
  }
  const isExpired = (m: MessageRecord) => expired(m.conversation, m.seq, Date.parse(m.created_at));
  /** `messages` without those past retention (one policy read per conversation). */
  async function keep(messages: MessageRecord[]): Promise<MessageRecord[]> {
    const flags = await Promise.all(messages.map(isExpired));
    return messages.filter((_, i) => !flags[i]);
  }
  // Delegation keeps every other method (and `this`) of the wrapped repository.
  return Object.assign(Object.create(repo) as R, {
    async getById(id: Uuid, opts?: { consistent?: boolean }) {
      const m = await repo.getById(id, opts);
      return m === null || (await isExpired(m)) ? null : m;
    },
    async react(...args: Parameters<MessageRepository['react']>) {
      const [where] = args;
      // The seq is the ULID of created_at (docs/adr/004); its time part is enough for the fast path.
      if (await expired(where.conversation, where.seq, ulidTime(where.seq)))
        throw new DomainError('message_not_found');
      return repo.react(...args);
    },
    async listPins(conversation: string) {
      return keep(await repo.listPins(conversation));
    },
    async listMentions(userId: Uuid, limit: number, beforeSk?: string) {
      const page = await repo.listMentions(userId, limit, beforeSk);
      return { ...page, messages: await keep(page.messages) };
    },
  } satisfies Partial<MessageRepository>);
}

/** Epoch ms of a ULID's time part; 0 (never "recent") when unreadable. */
function ulidTime(ulid: string): number {
  try {
    return decodeTime(ulid);
  } catch {
    return 0;
  }
}
