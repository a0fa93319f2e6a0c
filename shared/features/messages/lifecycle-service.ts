// Message lifecycle use cases beyond upstream: edit history, reactions, threads, admin hard delete (docs/protocol/extensions.md §1.2–§1.5).
import { emit, type EmitDeps, type MessageKey } from '../../kernel/events.js';
import { DomainError } from '../../kernel/errors.js';
import { requirePermission } from '../../kernel/permissions.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { validateEmoji } from '../../kernel/validation.js';
import { isModeratorOrAbove, requireMembership, type RoomAccess } from '../rooms/index.js';
import type { UserRepository } from '../users/index.js';
import { newAuditEntry, type AuditRepository } from '../audit/index.js';
import { decodeHistoryCursor, encodeHistoryCursor } from './history-cursor.js';
import {
  targetAudience,
  toMessage,
  type Message,
  type MessageRecord,
  type MessageRepository,
  type MessageTarget,
  type MessageVersion,
} from './model.js';
import { conversationKey } from './store.js';
import { createSendGate, type RoomModerationRepository } from '../room-moderation/index.js';
import { requireParticipant, type ConversationRepository } from '../conversations/index.js';

/** What the lifecycle use cases need. */
export interface LifecycleDeps extends EmitDeps {
  messages: MessageRepository;
  users: Pick<UserRepository, 'getById'>;
  access: RoomAccess;
  /** The audit log (docs/protocol/extensions.md §9); absent in roots that audit nothing. */
  audit?: Pick<AuditRepository, 'append'>;
  /** Room mutes and slow mode (docs/protocol/extensions.md §9): a muted member cannot react. */
  roomModeration: Pick<RoomModerationRepository, 'roomState' | 'claimSendSlot'>;
  /** Group conversations (extensions.md §7.2): participants read, react, pin and receive. */
  conversations: Pick<ConversationRepository, 'get'>;
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
    /**
     * `access`: the caller's room-access policy (the relay's leased one); default storage reads.
     * `locate`: the message's table address when the caller knows it (the relay's cache of
     * `DomainEvent.messageKey`); saves the index lookup.
     */
    opts?: { access?: RoomAccess; locate?: (messageId: Uuid) => MessageKey | undefined },
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
  /**
   * Pins (`pin`) or unpins a message (extensions.md §1.6): room moderator+, any DM participant.
   * Emits `message_pinned`/`message_unpinned` (lair.messages) when it changed.
   * @throws `message_not_found` | `permission_denied` | `pin_limit`
   */
  pin(actorId: Uuid, messageId: Uuid, pin: boolean): Promise<Message>;
  /** Pinned messages of a target, newest first. @throws `not_room_member` | `user_not_found` */
  pins(actorId: Uuid, target: MessageTarget): Promise<Message[]>;
  /** Messages mentioning the caller, newest first (extensions.md §1.6). @throws `validation_failed` (bad cursor) */
  mentions(
    actorId: Uuid,
    limit: number,
    cursor?: string | null,
  ): Promise<{ messages: Message[]; next_cursor: string | null }>;
}

/** Builds the lifecycle use cases; unreadable messages answer `message_not_found` (no existence oracle, extensions.md §0.6). */
export function createLifecycle(deps: LifecycleDeps): LifecycleService {
  const { messages, clock } = deps;
  const gate = createSendGate(deps);

  /** Current participant ids of a group conversation (empty when it is gone). */
  async function participantsOf(conversationId: Uuid): Promise<Uuid[]> {
    return (await deps.conversations.get(conversationId))?.participants.map((p) => p.user_id) ?? [];
  }

  /** Audience of an event about a message of `target` (a conversation's current participants). */
  async function audienceOf(target: MessageTarget, actorId: Uuid) {
    return target.type === 'conversation'
      ? targetAudience(target, actorId, await participantsOf(target.conversation_id))
      : targetAudience(target, actorId);
  }

  /** True when `actorId` may read a message of `target` by `author`: a room member, a DM party, a conversation participant. */
  async function canReadTarget(
    actorId: Uuid,
    target: MessageTarget,
    author: Uuid,
    access: RoomAccess = deps.access,
  ): Promise<boolean> {
    if (target.type === 'room') return access.isMember(target.room_id, actorId);
    if (target.type === 'conversation')
      return (await participantsOf(target.conversation_id)).includes(actorId);
    return author === actorId || target.recipient === actorId;
  }

  /** True when `actorId` may read `m` ({@link canReadTarget}). */
  const canRead = (actorId: Uuid, m: MessageRecord, access: RoomAccess = deps.access): Promise<boolean> =>
    canReadTarget(actorId, m.target, m.author, access);

  /** A live message the caller may read. @throws `message_not_found` */
  async function readable(
    actorId: Uuid,
    messageId: Uuid,
    opts: { consistent?: boolean; access?: RoomAccess } = {},
  ): Promise<MessageRecord> {
    const m = await messages.getById(messageId, opts.consistent === false ? { consistent: false } : {});
    if (m === null || m.deleted || !(await canRead(actorId, m, opts.access)))
      throw new DomainError('message_not_found');
    return m;
  }

  return {
    async pin(actorId, messageId, pin) {
      const m = await readable(actorId, messageId);
      if (m.target.type === 'room') {
        const membership = await deps.access.membership(m.target.room_id, actorId);
        if (membership === null || !isModeratorOrAbove(membership.role))
          throw new DomainError('permission_denied');
      }
      const updated = await messages.setPinned(m, pin, actorId, toTimestamp(clock.now()));
      if (updated === null) return toMessage(m);
      const message = toMessage(updated);
      await emit(deps, await audienceOf(m.target, actorId), {
        type: pin ? 'message_pinned' : 'message_unpinned',
        message,
        pinned_by: actorId,
      });
      return message;
    },

    async pins(actorId, target) {
      let conversation: string;
      if (target.type === 'room') {
        await requireMembership(deps.access, target.room_id, actorId);
        conversation = conversationKey(target);
      } else if (target.type === 'conversation') {
        await requireParticipant(deps, target.conversation_id, actorId);
        conversation = conversationKey(target);
      } else {
        if ((await deps.users.getById(target.recipient)) === null) throw new DomainError('user_not_found');
        conversation = conversationKey({ type: 'dm', author: actorId, recipient: target.recipient });
      }
      return (await messages.listPins(conversation)).map(toMessage);
    },

    async mentions(actorId, limit, cursor) {
      let before: string | undefined;
      if (cursor != null) {
        before = Buffer.from(cursor, 'base64url').toString('utf8');
        if (!/^[0-9A-HJKMNP-TV-Z]{26}#[0-9a-f-]{36}$/.test(before)) {
          throw new DomainError('validation_failed', 'Validation failed: cursor - invalid');
        }
      }
      const page = await messages.listMentions(actorId, limit, before);
      const allowed = await Promise.all(page.messages.map((m) => canRead(actorId, m)));
      const visible = page.messages.filter((_, i) => allowed[i]).map(toMessage);
      return {
        messages: visible,
        next_cursor: page.lastSk === null ? null : Buffer.from(page.lastSk, 'utf8').toString('base64url'),
      };
    },

    async versions(actorId, messageId) {
      const m = await readable(actorId, messageId);
      const previous = await messages.versions(m);
      return [
        ...previous,
        { version: m.edit_count + 1, content: m.content, created_at: m.edited_at ?? m.created_at },
      ];
    },

    async react(actorId, messageId, emoji, add, opts = {}) {
      validateEmoji(emoji);
      const access = opts.access ?? deps.access;
      // A relay that saw the message's event knows its address: one UpdateItem, no lookup.
      const key = opts.locate?.(messageId);
      let where: {
        conversation: string;
        seq: string;
        known?: { count: number; users: readonly Uuid[] } | null;
      };
      if (key !== undefined) {
        const readableKey = await canReadTarget(actorId, key.target, key.author, access);
        if (!readableKey) throw new DomainError('message_not_found');
        where = { conversation: key.conversation, seq: key.seq };
        if (key.target.type === 'room') await gate.check(key.target.room_id, actorId, access, 'react');
      } else {
        // The conditional update re-checks existence and tombstone: the index copy is enough here.
        const m = await readable(actorId, messageId, { consistent: false, access });
        where = {
          conversation: m.conversation,
          seq: m.seq,
          known: m.reactions.find((r) => r.emoji === emoji) ?? null,
        };
        if (m.target.type === 'room') await gate.check(m.target.room_id, actorId, access, 'react'); // `muted`
      }
      const change = await messages.react(where, emoji, actorId, add, toTimestamp(clock.now()));
      if (!add && !change.changed) throw new DomainError('reaction_not_found');
      const message = toMessage(change.message);
      if (change.changed) {
        await emit(deps, await audienceOf(change.message.target, actorId), {
          type: add ? 'reaction_added' : 'reaction_removed',
          message_id: messageId,
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
      const actor = requirePermission(await deps.users.getById(actorId), 'message.hard_delete');
      const m = await messages.getById(messageId);
      if (m === null) throw new DomainError('message_not_found');
      await messages.delete(m);
      // The delete is several batched writes, so its entry is appended right after it.
      await deps.audit?.append(
        newAuditEntry(deps, actor, {
          action: 'message.delete',
          target_type: 'message',
          target_id: m.id,
          details: { hard: true },
        }),
      );
      await emit(deps, await audienceOf(m.target, actorId), {
        type: 'message_deleted',
        message_id: m.id,
        target: toMessage(m).target,
        deleted_by: actorId,
      });
    },
  };
}
