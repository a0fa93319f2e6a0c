// Message use cases: send, history, edit, delete, typing (http.md §9, tcp.md §7.1–7.4, 7.17).
import type { MessageRecord, MessageTarget, Uuid } from '../domain/entities.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import { toTimestamp } from '../domain/time.js';
import { validateContent } from '../domain/validation.js';
import { conversationKey } from '../storage/keys.js';
import type { MessageService, ServiceDeps } from './contracts.js';
import { cleanTarget, emit, isModeratorOrAbove, targetAudience, toMessage } from './support.js';

/** Edit attempts when the message's version moved between read and conditional write. */
const EDIT_ATTEMPTS = 2;

/**
 * Builds the MessageService (permission matrix domain.md §7):
 * - send/history to a room: caller must be a member (`not_room_member`, also for an unknown room);
 *   to a DM: the other user must exist (`user_not_found`); DMs to yourself are allowed.
 * - send checks content first (`content_invalid`), then the target.
 * - edit: `message_not_found` → `not_message_author` → `content_invalid`.
 * - delete: the author always (even after leaving the room); someone else's room message only
 *   by a room moderator/owner; someone else's DM never (`permission_denied`).
 * Event audiences (tcp.md §8): room → its members; DM → the actor and the recipient.
 */
export function createMessageService(deps: ServiceDeps): MessageService {
  const { messages, memberships, users, clock, ids } = deps;

  /** Checks access to a target and returns its conversation key. */
  async function requireAccess(actorId: Uuid, target: MessageTarget): Promise<string> {
    if (target.type === 'room') {
      if ((await memberships.get(target.room_id, actorId)) === null) throw new DomainError('not_room_member');
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
      // Order: precondition (session) -> content -> target; the two reads run concurrently.
      const checkTarget =
        opts.membershipVerified === true && target.type === 'room'
          ? Promise.resolve(conversationKey(target))
          : requireAccess(actorId, target);
      const [pre, access] = await Promise.allSettled([opts.precondition?.(), checkTarget]);
      if (pre.status === 'rejected') throw pre.reason;
      validateContent(content);
      if (access.status === 'rejected') throw access.reason;
      const conversation = access.value;
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
      const conversation = await requireAccess(actorId, target);
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
        const membership = await memberships.get(message.target.room_id, actorId);
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
        // Upstream emits to any room id (tcp.md §7.17); we drop a non-member's room typing so no one
        // can show up as typing in a room they are not in. DMs stay unchecked (as upstream).
        if (
          target.type === 'room' &&
          opts.membershipVerified !== true &&
          (await memberships.get(target.room_id, actorId)) === null
        ) {
          return;
        }
        await emit(deps, targetAudience(target, actorId), {
          type: 'user_typing',
          user_id: actorId,
          target: cleanTarget(target),
        });
      } catch {
        // Never throws (tcp.md §7.17).
      }
    },
  };
}
