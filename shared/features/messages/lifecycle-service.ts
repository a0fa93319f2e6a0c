// Message lifecycle use cases beyond upstream: edit history, reactions, threads, admin hard delete (docs/protocol/extensions.md §1.2–§1.5).
import { emit, type EmitDeps } from '../../kernel/events.js';
import { DomainError } from '../../kernel/errors.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { validateEmoji } from '../../kernel/validation.js';
import type { RoomAccess } from '../rooms/index.js';
import type { UserRepository } from '../users/index.js';
import { decodeHistoryCursor, encodeHistoryCursor } from './history-cursor.js';
import {
  targetAudience,
  toMessage,
  type Message,
  type MessageRecord,
  type MessageRepository,
  type MessageVersion,
} from './model.js';

/** What the lifecycle use cases need. */
export interface LifecycleDeps extends EmitDeps {
  messages: MessageRepository;
  users: Pick<UserRepository, 'getById'>;
  access: RoomAccess;
}

/** Edit history, reactions, threads and the admin hard delete. */
export interface LifecycleService {
  /**
   * Every version oldest first, the current content last (extensions.md §1.2). Readable by whoever
   * may read the message. @throws `message_not_found` (also unreadable, and tombstones)
   */
  versions(actorId: Uuid, messageId: Uuid): Promise<MessageVersion[]>;
  /**
   * Adds (`add`) or removes the caller's `emoji` reaction; emits `reaction_added`/`reaction_removed`
   * (lair.messages) when something changed. @returns the message after the change and whether it changed
   * @throws `validation_failed` (not one emoji) | `message_not_found` | `reaction_limit` | `reaction_not_found` (remove of a reaction not there)
   */
  react(
    actorId: Uuid,
    messageId: Uuid,
    emoji: string,
    add: boolean,
  ): Promise<{ message: Message; changed: boolean }>;
  /**
   * The thread of a root (a reply id resolves to its root): replies oldest first (extensions.md §1.5).
   * @throws `message_not_found` | `validation_failed` (bad cursor)
   */
  thread(
    actorId: Uuid,
    messageId: Uuid,
    limit: number,
    cursor?: string | null,
  ): Promise<{ root: Message; replies: Message[]; next_cursor: string | null }>;
  /**
   * Removes the item entirely (extensions.md §1.3): stored system role `admin` only (until the
   * moderation issue widens it). Emits `message_deleted`. @throws `permission_denied` | `message_not_found`
   */
  hardDelete(actorId: Uuid, messageId: Uuid): Promise<void>;
}

/** Builds the lifecycle use cases; unreadable messages answer `message_not_found` (no existence oracle, extensions.md §0.6). */
export function createLifecycle(deps: LifecycleDeps): LifecycleService {
  const { messages, clock } = deps;

  /** True when `actorId` may read `m`: a member of its room, or a party of its DM. */
  async function canRead(actorId: Uuid, m: MessageRecord): Promise<boolean> {
    if (m.target.type === 'room') return deps.access.isMember(m.target.room_id, actorId);
    return m.author === actorId || m.target.recipient === actorId;
  }

  /** A live message the caller may read. @throws `message_not_found` */
  async function readable(actorId: Uuid, messageId: Uuid): Promise<MessageRecord> {
    const m = await messages.getById(messageId);
    if (m === null || m.deleted || !(await canRead(actorId, m))) throw new DomainError('message_not_found');
    return m;
  }

  return {
    async versions(actorId, messageId) {
      const m = await readable(actorId, messageId);
      const previous = await messages.versions(m);
      return [
        ...previous,
        { version: m.edit_count + 1, content: m.content, created_at: m.edited_at ?? m.created_at },
      ];
    },

    async react(actorId, messageId, emoji, add) {
      validateEmoji(emoji);
      const m = await readable(actorId, messageId);
      const change = await messages.react(m, emoji, actorId, add, toTimestamp(clock.now()));
      if (!add && !change.changed) throw new DomainError('reaction_not_found');
      const message = toMessage(change.message);
      if (change.changed) {
        await emit(deps, targetAudience(m.target, actorId), {
          type: add ? 'reaction_added' : 'reaction_removed',
          message_id: m.id,
          target: message.target,
          emoji,
          user_id: actorId,
          count: change.count,
        });
      }
      return { message, changed: change.changed };
    },

    async thread(actorId, messageId, limit, cursor) {
      const first = await readable(actorId, messageId);
      const root = first.thread_root_id === null ? first : await readable(actorId, first.thread_root_id);
      const after = cursor == null ? undefined : decodeHistoryCursor(cursor);
      if (after !== undefined && after.direction !== 'after')
        throw new DomainError('validation_failed', 'Validation failed: cursor - invalid');
      const replies = await messages.thread(root.id, limit, after?.seq);
      const last = replies.at(-1);
      return {
        root: toMessage(root),
        replies: replies.map(toMessage),
        next_cursor:
          replies.length === limit && last !== undefined
            ? encodeHistoryCursor({ direction: 'after', seq: last.seq })
            : null,
      };
    },

    async hardDelete(actorId, messageId) {
      const actor = await deps.users.getById(actorId);
      if (actor?.role !== 'admin') throw new DomainError('permission_denied');
      const m = await messages.getById(messageId);
      if (m === null) throw new DomainError('message_not_found');
      await messages.delete(m);
      await emit(deps, targetAudience(m.target, actorId), {
        type: 'message_deleted',
        message_id: m.id,
        target: toMessage(m).target,
        deleted_by: actorId,
      });
    },
  };
}
