// Message use cases: send, history, edit, delete, typing (docs/protocol/http.md §9, docs/protocol/tcp.md §7.1–7.4, 7.17).
import { emit, type EmitDeps } from '../../kernel/events.js';
import { DomainError, isDomainError } from '../../kernel/errors.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { validateContent } from '../../kernel/validation.js';
import { isModeratorOrAbove, requireMembership, type RoomAccess } from '../rooms/index.js';
import type { UserRepository } from '../users/index.js';
import {
  cleanTarget,
  targetAudience,
  toMessage,
  type Message,
  type MessageRecord,
  type MessageRepository,
  type MessageTarget,
} from './model.js';
import { conversationKey } from './store.js';

/** What the MessageService needs. */
export interface MessageServiceDeps extends EmitDeps {
  messages: MessageRepository;
  users: Pick<UserRepository, 'getById'>;
  /** The default room-access policy (storage reads); callers may pass a leased one per call. */
  access: RoomAccess;
}

/** Options of {@link MessageService.send} that let an adapter save round trips on the hot path. */
export interface SendOptions {
  /** The author's username when the caller already holds it (usernames never change): no user read. */
  authorUsername?: string;
  /**
   * The room-access policy for this call (the relay's leased one, docs/adr/005); default the
   * storage-backed policy. If it rejects (rather than answering "not a member"), its error wins
   * over every other check.
   */
  access?: RoomAccess;
}

/** Messages (docs/protocol/http.md §9, docs/protocol/tcp.md §7.1–7.4, 7.17). */
export interface MessageService {
  /**
   * Sends to a room (caller must be a member) or a DM (recipient must exist). Emits `message_received`.
   * @throws `content_invalid` | `not_room_member` | `user_not_found`
   */
  send(actorId: Uuid, target: MessageTarget, content: string, opts?: SendOptions): Promise<Message>;
  /**
   * Newest first; `has_more` = (returned == limit). DM history covers both directions.
   * @param limit - already clamped (clampLimit)
   * @throws `not_room_member` | `user_not_found`
   */
  history(
    actorId: Uuid,
    target: MessageTarget,
    limit: number,
  ): Promise<{ messages: Message[]; has_more: boolean }>;
  /** Author only. Emits `message_edited`. @throws `message_not_found` | `not_message_author` | `content_invalid` */
  edit(actorId: Uuid, messageId: Uuid, content: string): Promise<Message>;
  /** Hard delete per docs/protocol/domain.md §7. Emits `message_deleted`. @throws `message_not_found` | `permission_denied` */
  delete(actorId: Uuid, messageId: Uuid): Promise<void>;
  /**
   * Emits `user_typing`; never throws (docs/protocol/tcp.md §7.17: failures are swallowed). Room typing from a
   * non-member is dropped silently (upstream emits it; docs/upstream-differences.md);
   * `opts.access` answers membership for this call (the relay's room index).
   */
  typing(actorId: Uuid, target: MessageTarget, opts?: { access?: RoomAccess }): Promise<void>;
}

/** Edit attempts when the message's version moved between read and conditional write. */
const EDIT_ATTEMPTS = 2;

/**
 * Builds the MessageService (permission matrix docs/protocol/domain.md §7):
 * - send/history to a room: caller must be a member (`not_room_member`, also for an unknown room);
 *   to a DM: the other user must exist (`user_not_found`); DMs to yourself are allowed.
 * - send checks content first (`content_invalid`), then the target.
 * - edit: `message_not_found` → `not_message_author` → `content_invalid`.
 * - delete: the author always (even after leaving the room); someone else's room message only
 *   by a room moderator/owner; someone else's DM never (`permission_denied`).
 * Event audiences (docs/protocol/tcp.md §8): room → its members; DM → the actor and the recipient.
 */
export function createMessageService(deps: MessageServiceDeps): MessageService {
  const { messages, users, clock, ids } = deps;

  /**
   * Checks access to a target and returns its conversation key: a room through `access` (the
   * one room-access policy), a DM by the recipient existing.
   * @throws `not_room_member` | `user_not_found`
   */
  async function requireAccess(actorId: Uuid, target: MessageTarget, access: RoomAccess): Promise<string> {
    if (target.type === 'room') {
      await requireMembership(access, target.room_id, actorId);
      return conversationKey(target);
    }
    if ((await users.getById(target.recipient)) === null) throw new DomainError('user_not_found');
    return conversationKey({ type: 'dm', author: actorId, recipient: target.recipient });
  }

  async function requireMessage(messageId: Uuid): Promise<MessageRecord> {
    const message = await messages.getById(messageId);
    if (message === null) throw new DomainError('message_not_found');
    return message;
  }

  return {
    async send(actorId, target, content, opts = {}) {
      // Order: the access policy's own failure (e.g. the relay's session re-check) -> content ->
      // target (not_room_member / user_not_found); the target read starts before content is checked.
      const [checked] = await Promise.allSettled([
        requireAccess(actorId, target, opts.access ?? deps.access),
      ]);
      if (
        checked.status === 'rejected' &&
        !isDomainError(checked.reason, 'not_room_member') &&
        !isDomainError(checked.reason, 'user_not_found')
      ) {
        throw checked.reason;
      }
      validateContent(content);
      if (checked.status === 'rejected') throw checked.reason;
      const conversation = checked.value;
      const now = clock.now();
      const record: MessageRecord = {
        id: ids.uuid(),
        author: actorId,
        target: cleanTarget(target),
        content,
        edited: false,
        created_at: toTimestamp(now),
        seq: ids.ulid(now),
        conversation,
        version: 1,
      };
      await messages.put(record);
      const authorUsername = opts.authorUsername ?? (await users.getById(actorId))?.username ?? actorId;
      const message = toMessage(record);
      await emit(deps, targetAudience(target, actorId), {
        type: 'message_received',
        message,
        author_username: authorUsername,
      });
      return message;
    },

    async history(actorId, target, limit) {
      const conversation = await requireAccess(actorId, target, deps.access);
      const found = limit <= 0 ? [] : await messages.history({ conversation, limit });
      return { messages: found.map(toMessage), has_more: found.length === limit };
    },

    async edit(actorId, messageId, content) {
      for (let attempt = 1; ; attempt++) {
        const current = await requireMessage(messageId);
        if (current.author !== actorId) throw new DomainError('not_message_author');
        validateContent(content);
        let updated: MessageRecord;
        try {
          updated = await messages.updateContent(current, content);
        } catch (e) {
          // The version moved (concurrent edit) or it vanished: re-read once and decide again.
          if (isDomainError(e, 'message_not_found') && attempt < EDIT_ATTEMPTS) continue;
          throw e;
        }
        const message = toMessage(updated);
        await emit(deps, targetAudience(current.target, actorId), {
          type: 'message_edited',
          message,
          previous_content: current.content,
        });
        return message;
      }
    },

    async delete(actorId, messageId) {
      const message = await requireMessage(messageId);
      if (message.author !== actorId) {
        if (message.target.type === 'dm') throw new DomainError('permission_denied');
        const membership = await deps.access.membership(message.target.room_id, actorId);
        if (membership === null || !isModeratorOrAbove(membership.role)) {
          throw new DomainError('permission_denied');
        }
      }
      await messages.delete(message);
      await emit(deps, targetAudience(message.target, actorId), {
        type: 'message_deleted',
        message_id: message.id,
        target: toMessage(message).target,
        deleted_by: actorId,
      });
    },

    async typing(actorId, target, opts = {}) {
      try {
        // Upstream emits to any room id (docs/protocol/tcp.md §7.17); we drop a non-member's room typing so no one
        // can show up as typing in a room they are not in. DMs stay unchecked (as upstream).
        if (
          target.type === 'room' &&
          !(await (opts.access ?? deps.access).isMember(target.room_id, actorId))
        ) {
          return;
        }
        await emit(deps, targetAudience(target, actorId), {
          type: 'user_typing',
          user_id: actorId,
          target: cleanTarget(target),
        });
      } catch {
        // Never throws (docs/protocol/tcp.md §7.17).
      }
    },
  };
}
