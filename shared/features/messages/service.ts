// Message use cases: send (and reply), history with paging, edit with history, soft delete, typing (docs/protocol/http.md §9, tcp.md §7.1–7.4, 7.17, extensions.md §1).
import { emit, type EmitDeps } from '../../kernel/events.js';
import { DomainError, isDomainError, ValidationError } from '../../kernel/errors.js';
import { requirePermission } from '../../kernel/permissions.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { validateContent } from '../../kernel/validation.js';
import { claimAttachments, type AttachmentServiceDeps } from '../attachments/index.js';
import { isModeratorOrAbove, requireMembership, type RoomAccess } from '../rooms/index.js';
import { createRetentionPolicy, floorSeq, laterSeq, type RetentionPolicyDeps } from '../retention/index.js';
import { requireDmAllowed, type BlockRepository, type ReachDeps } from '../social/index.js';
import { requireParticipant, type ConversationRepository } from '../conversations/index.js';
import type { UserRepository } from '../users/index.js';
import { createLifecycle, type LifecycleDeps, type LifecycleService } from './lifecycle-service.js';
import {
  cleanTarget,
  freshLifecycle,
  LIMITS,
  targetAudience,
  toMessage,
  type Message,
  type MessagePriority,
  type MessageRecord,
  type MessageRepository,
  type MessageTarget,
  type MessageType,
} from './model.js';
import { resolveMentions } from './mentions.js';
import { conversationKey } from './store.js';
import { decodeHistoryCursor, encodeHistoryCursor } from './history-cursor.js';
import { createSendGate } from '../room-moderation/index.js';

/** What the MessageService needs (attachments + blobs: to claim uploads, extensions.md §1.7). */
export interface MessageServiceDeps
  extends
    EmitDeps,
    Pick<AttachmentServiceDeps, 'attachments' | 'blobs'>,
    Pick<RetentionPolicyDeps, 'rooms' | 'retentionDefaultDays'>,
    Pick<LifecycleDeps, 'roomModeration'> {
  messages: MessageRepository;
  users: Pick<UserRepository, 'getById' | 'getByUsername'>;
  /** The default room-access policy (storage reads); callers may pass a leased one per call. */
  access: RoomAccess;
  /** Blocks, friendships and preferences: the DM gate and room-history filtering (extensions.md §7.3). */
  blocks: Pick<BlockRepository, 'isBlocked' | 'blockedIds'>;
  friends: ReachDeps['friends'];
  preferences: ReachDeps['preferences'];
  /** Group conversations (extensions.md §7.2): who may read and send, and who receives. */
  conversations: Pick<ConversationRepository, 'get'>;
}

/** Options of {@link MessageService.send}: the extension inputs and what lets an adapter save round trips. */
export interface SendOptions {
  /** The author's username when the caller already holds it (usernames never change): no user read. */
  authorUsername?: string;
  /**
   * The room-access policy for this call (the relay's leased one, docs/adr/005); default the
   * storage-backed policy. If it rejects (rather than answering "not a member"), its error wins
   * over every other check.
   */
  access?: RoomAccess;
  /** extensions.md §1.1: `text` (default), `markdown`, `code`; `system` is the server's; `file`/`image` need ≥ 1 attachment. */
  message_type?: MessageType | null;
  /** extensions.md §1.5: the message replied to (same target, not deleted). */
  reply_to?: Uuid | null;
  /** extensions.md §1.6: `high` needs room moderator+ (any DM participant). */
  priority?: MessagePriority | null;
  /** extensions.md §1.7: ≤ 10 of the sender's uploaded, unattached attachments. */
  attachment_ids?: readonly Uuid[] | null;
}

/** Paging of {@link MessageService.history} (extensions.md §0.5, §1.3, §1.5). */
export interface HistoryOptions {
  /** Only messages older than this message id (newest first). */
  before?: Uuid | null;
  /** Only messages newer than this message id (oldest first: paging forward). */
  after?: Uuid | null;
  /** `next_cursor` of a previous page (wins over before/after). */
  cursor?: string | null;
  includeDeleted?: boolean;
  excludeReplies?: boolean;
}

/** A page of history: `has_more` = (returned == limit), `next_cursor` continues in the same direction. */
export interface HistoryPage {
  messages: Message[];
  has_more: boolean;
  next_cursor: string | null;
}

/** Messages (docs/protocol/http.md §9, tcp.md §7.1–7.4, 7.17, extensions.md §1). */
export interface MessageService extends LifecycleService {
  /**
   * Sends to a room (caller must be a member) or a DM (recipient must exist); a reply also bumps
   * its thread root in the same transaction. Emits `message_received` (+ `thread_updated`).
   * A DM is refused with `recipient_unavailable` when either side blocked the other or the
   * recipient takes DMs from friends only (extensions.md §7.3, one indistinguishable answer).
   * @throws `content_invalid` | `not_room_member` | `user_not_found` | `recipient_unavailable` | `validation_failed` | `invalid_reply` | `permission_denied` | `attachment_invalid` | `muted` | `slow_mode` (SlowModeError, `retryAfterMs`)
   */
  send(actorId: Uuid, target: MessageTarget, content: string, opts?: SendOptions): Promise<Message>;
  /**
   * Newest first (oldest first with `after`); DM history covers both directions; tombstones only
   * with `includeDeleted`. @param limit - already clamped (clampLimit)
   * @throws `not_room_member` | `user_not_found` | `validation_failed` (unknown before/after id, bad cursor)
   */
  history(actorId: Uuid, target: MessageTarget, limit: number, opts?: HistoryOptions): Promise<HistoryPage>;
  /**
   * Author only; keeps the previous content as a version (one transaction). Emits `message_edited`.
   * @throws `message_not_found` | `not_message_author` | `content_invalid` | `edit_limit_reached`
   */
  edit(actorId: Uuid, messageId: Uuid, content: string): Promise<Message>;
  /**
   * Soft delete (tombstone, extensions.md §1.3) per the docs/protocol/domain.md §7 matrix. Emits
   * `message_deleted`. @throws `message_not_found` | `permission_denied`
   */
  delete(actorId: Uuid, messageId: Uuid): Promise<void>;
  /**
   * Emits `user_typing`; never throws (tcp.md §7.17). Room typing from a non-member is dropped
   * (docs/upstream-differences.md); `opts.access` answers membership for this call (the relay's room index).
   */
  typing(actorId: Uuid, target: MessageTarget, opts?: { access?: RoomAccess }): Promise<void>;
}

/** Edit attempts when the message's version moved between read and conditional write. */
const EDIT_ATTEMPTS = 2;
const CLIENT_TYPES: ReadonlySet<string> = new Set(['text', 'markdown', 'code']);

/**
 * Builds the MessageService (permission matrix docs/protocol/domain.md §7):
 * - send/history to a room: caller must be a member (`not_room_member`, also for an unknown room);
 *   to a DM: the other user must exist (`user_not_found`); DMs to yourself are allowed; to a group
 *   conversation: the caller must take part (`conversation_not_found`, extensions.md §7.2).
 * - send checks content first (`content_invalid`), then the target, then the extension inputs.
 * - edit: `message_not_found` → `not_message_author` → `content_invalid` → `edit_limit_reached`.
 * - delete: the author always (even after leaving the room); someone else's room message only
 *   by a room moderator/owner; someone else's DM or conversation message never (`permission_denied`).
 *   Edit and delete of a conversation message need the caller to still take part (`message_not_found`).
 * Event audiences (tcp.md §8): room → its members; DM → the actor and the recipient; conversation →
 * its current participants.
 */
export function createMessageService(deps: MessageServiceDeps): MessageService {
  const { messages, users, clock, ids } = deps;
  const retention = createRetentionPolicy(deps);
  const lifecycle = createLifecycle(deps);
  const gate = createSendGate(deps);

  /**
   * Checks access to a target and returns its conversation key and, for a group conversation, its
   * participant ids: a room through `access` (the one room-access policy), a DM by the recipient
   * existing, a conversation by the caller taking part (extensions.md §7.2).
   * @throws `not_room_member` | `user_not_found` | `conversation_not_found`
   */
  async function requireAccess(
    actorId: Uuid,
    target: MessageTarget,
    access: RoomAccess,
  ): Promise<{ key: string; participants: Uuid[] }> {
    if (target.type === 'room') {
      await requireMembership(access, target.room_id, actorId);
      return { key: conversationKey(target), participants: [] };
    }
    if (target.type === 'conversation') {
      const c = await requireParticipant(deps, target.conversation_id, actorId);
      return { key: conversationKey(target), participants: c.participants.map((p) => p.user_id) };
    }
    const [recipient, actor] = await Promise.all([users.getById(target.recipient), users.getById(actorId)]);
    requirePermission(actor, 'dm.use'); // guests have no DMs (extensions.md §9)
    if (recipient === null) throw new DomainError('user_not_found');
    return {
      key: conversationKey({ type: 'dm', author: actorId, recipient: target.recipient }),
      participants: [],
    };
  }

  /** A DM send also passes the one reachability rule (blocks, `dm_from`; extensions.md §7.3). */
  async function requireSendAccess(actorId: Uuid, target: MessageTarget, access: RoomAccess) {
    const found = await requireAccess(actorId, target, access);
    if (target.type === 'dm') await requireDmAllowed(deps, actorId, target.recipient);
    return found;
  }

  /**
   * Audience of an event about an existing message: for a conversation message, its current
   * participants, and only when `actorId` is one of them. @throws `message_not_found` otherwise
   */
  async function audienceOf(target: MessageTarget, actorId: Uuid) {
    if (target.type !== 'conversation') return targetAudience(target, actorId);
    const c = await deps.conversations.get(target.conversation_id);
    if (c === null || !c.participants.some((p) => p.user_id === actorId))
      throw new DomainError('message_not_found');
    return targetAudience(
      target,
      actorId,
      c.participants.map((p) => p.user_id),
    );
  }

  /** The thread root a reply joins (flat threads: a reply to a reply joins the root's thread). */
  async function replyRoot(conversation: string, replyTo: Uuid): Promise<MessageRecord> {
    const parent = await messages.getById(replyTo);
    if (parent === null || parent.deleted || parent.conversation !== conversation)
      throw new DomainError('invalid_reply');
    if (parent.thread_root_id === null) return parent;
    const root = await messages.getById(parent.thread_root_id);
    if (root === null || root.deleted) throw new DomainError('invalid_reply');
    return root;
  }

  async function checkExtensions(
    actorId: Uuid,
    target: MessageTarget,
    opts: SendOptions,
    access: RoomAccess,
  ) {
    const type = opts.message_type ?? 'text';
    const withFiles = (opts.attachment_ids?.length ?? 0) > 0;
    if (!CLIENT_TYPES.has(type) && !(withFiles && (type === 'file' || type === 'image'))) {
      throw new ValidationError(
        'validation_failed',
        type === 'system'
          ? 'Validation failed: message_type - system messages are written by the server'
          : `Validation failed: message_type - ${type} needs an attachment`,
      );
    }
    if (opts.priority === 'high' && target.type === 'room') {
      const membership = await access.membership(target.room_id, actorId);
      if (membership === null || !isModeratorOrAbove(membership.role))
        throw new DomainError('permission_denied');
    }
    return { message_type: type, priority: opts.priority ?? 'normal' };
  }

  return {
    ...lifecycle,

    async send(actorId, target, content, opts = {}) {
      const access = opts.access ?? deps.access;
      // Order: the access policy's own failure (e.g. the relay's session re-check) -> content ->
      // target (not_room_member / user_not_found); the target read starts before content is checked.
      const [checked] = await Promise.allSettled([requireSendAccess(actorId, target, access)]);
      if (
        checked.status === 'rejected' &&
        !isDomainError(checked.reason, 'not_room_member') &&
        !isDomainError(checked.reason, 'user_not_found') &&
        !isDomainError(checked.reason, 'conversation_not_found') &&
        !isDomainError(checked.reason, 'recipient_unavailable')
      ) {
        throw checked.reason;
      }
      validateContent(content);
      if (checked.status === 'rejected') throw checked.reason;
      const { key: conversation, participants } = checked.value;
      const plain =
        opts.message_type == null &&
        opts.priority == null &&
        opts.reply_to == null &&
        opts.attachment_ids == null;
      const extra = plain
        ? { message_type: 'text' as const, priority: 'normal' as const }
        : await checkExtensions(actorId, target, opts, access);
      const root = opts.reply_to == null ? null : await replyRoot(conversation, opts.reply_to);
      // Room moderation (extensions.md §9): `muted` 403, `slow_mode` 429 — cached room state, before any write.
      if (target.type === 'room') await gate.check(target.room_id, actorId, access, 'send');
      // Claimed last (after every other check); the put attaches them in its transaction.
      const attachments = opts.attachment_ids?.length
        ? await claimAttachments(deps, actorId, opts.attachment_ids)
        : [];
      // Only content naming someone costs reads (extensions.md §1.6); a plain send stays one write request.
      const mentions = content.includes('@')
        ? await resolveMentions(deps, content, actorId, target, participants)
        : [];
      const now = clock.now();
      const createdAt = toTimestamp(now);
      const record: MessageRecord = {
        ...freshLifecycle(createdAt),
        ...extra,
        id: ids.uuid(),
        author: actorId,
        target: cleanTarget(target),
        content,
        edited: false,
        created_at: createdAt,
        seq: ids.ulid(now),
        conversation,
        version: 1,
        reply_to: opts.reply_to ?? null,
        thread_root_id: root?.id ?? null,
        mentions,
        attachments,
      };
      // Hot path: a plain send is one TransactWriteItems (message + head, docs/adr/011, bench/README.md).
      const updatedRoot = root === null ? null : await messages.putReply(record, root);
      if (root === null) await messages.put(record);
      const authorUsername = opts.authorUsername ?? (await users.getById(actorId))?.username ?? actorId;
      const message = toMessage(record);
      const audience = targetAudience(target, actorId, participants);
      await emit(
        deps,
        audience,
        { type: 'message_received', message, author_username: authorUsername },
        {
          messageKey: {
            id: record.id,
            conversation,
            seq: record.seq,
            author: actorId,
            target: message.target,
          },
        },
      );
      for (const userId of mentions) {
        await emit(
          deps,
          { kind: 'users', userIds: [userId] },
          { type: 'mention', message, author_username: authorUsername },
        );
      }
      if (updatedRoot !== null) {
        await emit(deps, audience, {
          type: 'thread_updated',
          root_id: updatedRoot.id,
          target: message.target,
          reply_count: updatedRoot.reply_count,
          last_reply_at: updatedRoot.last_reply_at,
        });
      }
      return message;
    },

    async history(actorId, target, limit, opts = {}) {
      const { key: conversation } = await requireAccess(actorId, target, deps.access);
      let beforeSeq: string | undefined;
      let afterSeq: string | undefined;
      if (opts.cursor != null) {
        const c = decodeHistoryCursor(opts.cursor);
        if (c.direction === 'before') beforeSeq = c.seq;
        else afterSeq = c.seq;
      } else {
        if (opts.before != null) beforeSeq = await anchorSeq(conversation, opts.before, 'before');
        if (opts.after != null) afterSeq = await anchorSeq(conversation, opts.after, 'after');
      }
      const order = afterSeq !== undefined && beforeSeq === undefined ? 'asc' : 'desc';
      // Past retention is never returned, even before the re-stamp reaches it (extensions.md §5).
      afterSeq = laterSeq(afterSeq, floorSeq(await retention.cutoffFor(conversation)));
      const found =
        limit <= 0
          ? []
          : await messages.history({
              conversation,
              limit,
              order,
              ...(beforeSeq === undefined ? {} : { beforeSeq }),
              ...(afterSeq === undefined ? {} : { afterSeq }),
              includeDeleted: opts.includeDeleted === true,
              excludeReplies: opts.excludeReplies === true,
            });
      const hasMore = found.length === limit && limit > 0;
      const last = found.at(-1);
      // extensions.md §7.3: a blocked user's room (and group conversation) messages are hidden from the blocker's history
      // (paging stays on the unfiltered page, so a page may come back shorter than `limit`).
      const hidden =
        target.type !== 'dm' && found.length > 0 ? new Set(await deps.blocks.blockedIds(actorId)) : null;
      const shown = hidden === null || hidden.size === 0 ? found : found.filter((m) => !hidden.has(m.author));
      return {
        messages: shown.map(toMessage),
        has_more: hasMore,
        next_cursor:
          hasMore && last !== undefined
            ? encodeHistoryCursor({ direction: order === 'asc' ? 'after' : 'before', seq: last.seq })
            : null,
      };
    },

    async edit(actorId, messageId, content) {
      for (let attempt = 1; ; attempt++) {
        const current = await messages.getById(messageId);
        if (current === null || current.deleted) throw new DomainError('message_not_found');
        if (current.author !== actorId) throw new DomainError('not_message_author');
        const audience = await audienceOf(current.target, actorId); // a conversation's current participants only
        validateContent(content);
        if (current.edit_count >= LIMITS.edits) throw new DomainError('edit_limit_reached');
        let updated: MessageRecord;
        try {
          updated = await messages.updateContent(current, content, toTimestamp(clock.now()));
        } catch (e) {
          // The version moved (concurrent edit) or it vanished: re-read once and decide again.
          if (isDomainError(e, 'message_not_found') && attempt < EDIT_ATTEMPTS) continue;
          throw e;
        }
        const message = toMessage(updated);
        await emit(deps, audience, {
          type: 'message_edited',
          message,
          previous_content: current.content,
        });
        return message;
      }
    },

    async delete(actorId, messageId) {
      const message = await messages.getById(messageId);
      if (message === null || message.deleted) throw new DomainError('message_not_found');
      const audience = await audienceOf(message.target, actorId); // a conversation's current participants only
      if (message.author !== actorId) {
        if (message.target.type !== 'room') throw new DomainError('permission_denied');
        const membership = await deps.access.membership(message.target.room_id, actorId);
        if (membership === null || !isModeratorOrAbove(membership.role)) {
          throw new DomainError('permission_denied');
        }
      }
      const root = message.thread_root_id === null ? null : await messages.getById(message.thread_root_id);
      await messages.tombstone(message, toTimestamp(clock.now()), root);
      await emit(deps, audience, {
        type: 'message_deleted',
        message_id: message.id,
        target: toMessage(message).target,
        deleted_by: actorId,
      });
      if (root !== null) {
        // The root lost a reply in the same transaction: tell thread watchers the exact count.
        const after = await messages.getById(root.id);
        if (after !== null) {
          await emit(deps, audience, {
            type: 'thread_updated',
            root_id: after.id,
            target: toMessage(after).target,
            reply_count: after.reply_count,
            last_reply_at: after.last_reply_at,
          });
        }
      }
    },

    async typing(actorId, target, opts = {}) {
      try {
        // Upstream emits to any room id (tcp.md §7.17); we drop a non-member's room typing so no one
        // can show up as typing in a room they are not in. DMs stay unchecked (as upstream).
        if (
          target.type === 'room' &&
          !(await (opts.access ?? deps.access).isMember(target.room_id, actorId))
        ) {
          return;
        }
        // A conversation's typing goes to its participants, from participants only (else dropped, extensions.md §7.2).
        const audience = await audienceOf(target, actorId);
        await emit(deps, audience, {
          type: 'user_typing',
          user_id: actorId,
          target: cleanTarget(target),
        });
      } catch {
        // Never throws (tcp.md §7.17).
      }
    },
  };

  /** The seq of a `before`/`after` anchor message in this conversation. @throws `validation_failed` */
  async function anchorSeq(conversation: string, id: Uuid, field: 'before' | 'after'): Promise<string> {
    const anchor = await messages.getById(id);
    if (anchor === null || anchor.conversation !== conversation) {
      throw new ValidationError(
        'validation_failed',
        `Validation failed: ${field} - no such message in this conversation`,
      );
    }
    return anchor.seq;
  }
}
