// Receipt use cases (docs/protocol/extensions.md §2): mark read, unread list and counts, delivery confirmation, receipts of a message, preferences (§7.1 subset).
import { emit, type EmitDeps } from '../../kernel/events.js';
import { DomainError, ValidationError } from '../../kernel/errors.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import {
  conversationKey,
  type HeadRepository,
  type MessageRecord,
  type MessageRepository,
  type TargetHead,
} from '../messages/index.js';
import {
  requireMembership,
  type MembershipRepository,
  type RoomAccess,
  type RoomRepository,
} from '../rooms/index.js';
import type { UserRepository } from '../users/index.js';
import { requireParticipant, type ConversationRepository } from '../conversations/index.js';
import {
  MAX_DELIVERED_BATCH,
  RECEIPT_ROOM_LIMIT,
  UNREAD_CAP,
  unreadCount,
  type MessageReceipts,
  type Preferences,
  type HeadCopy,
  type ReadMarker,
  type ReadReceipt,
  type ReadTarget,
  type ReceiptRepository,
  type UnreadCounts,
  type UnreadEntry,
} from './model.js';

/** What the ReceiptService needs. */
export interface ReceiptServiceDeps extends EmitDeps {
  receipts: ReceiptRepository;
  heads: HeadRepository;
  messages: Pick<MessageRepository, 'getById'>;
  memberships: Pick<MembershipRepository, 'listByUser' | 'listByRoom'>;
  rooms: Pick<RoomRepository, 'get'>;
  users: Pick<UserRepository, 'getById'>;
  access: RoomAccess;
  /** Group conversations (extensions.md §7.2): participants mark, count and see receipts. */
  conversations: Pick<ConversationRepository, 'get'>;
}

/** `mark_read` result (extensions.md §2). */
export interface MarkReadResult {
  unread_count: number;
  receipt: ReadReceipt;
}

/** Read state (docs/protocol/extensions.md §2, docs/adr/011). */
export interface ReceiptService {
  /**
   * Moves the caller's marker on `target` forward to message `upTo` (an older one is a no-op);
   * emits `read_marker_updated` to the caller and `read_receipt` to the other members of DMs and
   * rooms of ≤ 100 members unless the caller's `privacy.send_read_receipts` is false.
   * @throws `not_room_member` | `user_not_found` | `validation_failed` (upTo is no message of this target)
   */
  markRead(actorId: Uuid, target: ReadTarget, upTo: Uuid): Promise<MarkReadResult>;
  /**
   * Every joined room and DM with something unread or a mention after the marker: one Query of
   * the user's GSI1 index (rooms, markers, DM peers), then one BatchGetItem per 100 heads and one
   * mention Query, in parallel. Counts exact up to 1000.
   */
  unread(actorId: Uuid): Promise<UnreadEntry[]>;
  /** The `unread_counts` object of `GET /users/me` (extensions.md §2); `total` sums the capped counts. */
  unreadCounts(actorId: Uuid): Promise<UnreadCounts>;
  /** The caller's unread count on one target (no access check: callers checked it). */
  unreadOn(actorId: Uuid, conversation: string): Promise<number>;
  /**
   * Delivery confirmation (extensions.md §2): for each DM message the caller received and has not
   * confirmed yet, records it and emits `delivery_receipt` to the author. Other ids are ignored
   * silently (no response exists to carry an error). At most 100 ids.
   */
  delivered(actorId: Uuid, messageIds: readonly Uuid[]): Promise<number>;
  /**
   * `delivered` (DMs) and `read` (markers at or past the message) of one message; author or
   * participants only. @throws `message_not_found` (also when the caller may not see it)
   */
  receiptsOf(actorId: Uuid, messageId: Uuid): Promise<MessageReceipts>;
  /** The caller's preferences (defaults filled in). */
  preferences(actorId: Uuid): Promise<Preferences>;
  /** Replaces the caller's preferences (already validated and merged by the adapter). */
  setPreferences(actorId: Uuid, prefs: Preferences): Promise<Preferences>;
}

/** Head snapshot attempts while sends race a `mark_read` (each send moves `n`). */
const SNAPSHOT_ATTEMPTS = 5;

/** Builds the ReceiptService (docs/adr/011 for the arithmetic). */
export function createReceiptService(deps: ReceiptServiceDeps): ReceiptService {
  const { receipts, heads, messages, clock } = deps;

  async function conversationOf(actorId: Uuid, target: ReadTarget): Promise<string> {
    if (target.type === 'room') {
      await requireMembership(deps.access, target.room_id, actorId);
      return conversationKey(target);
    }
    if (target.type === 'conversation') {
      await requireParticipant(deps, target.conversation_id, actorId);
      return conversationKey(target);
    }
    if ((await deps.users.getById(target.recipient)) === null) throw new DomainError('user_not_found');
    return conversationKey({ type: 'dm', author: actorId, recipient: target.recipient });
  }

  /**
   * `n_at`/`own_at` for a marker on `message`: the head and the count of messages after it, read
   * until two rounds agree (a send moves both: message and head change in one transaction).
   */
  async function snapshot(
    actorId: Uuid,
    message: MessageRecord,
  ): Promise<{ head: TargetHead; n_at: number; own_at: number }> {
    for (let attempt = 1; ; attempt++) {
      // A Query may see a transaction's message before (or after) its head update (read-committed
      // per item, docs/adr/011): head, count, head, count, head must all agree.
      const before = await heads.one(message.conversation);
      const after = await heads.countAfter(message.conversation, message.seq, actorId);
      const mid = await heads.one(message.conversation);
      const recount = await heads.countAfter(message.conversation, message.seq, actorId);
      const again = await heads.one(message.conversation);
      const stable =
        before.n === mid.n && mid.n === again.n && after.all === recount.all && after.own === recount.own;
      if (stable || attempt >= SNAPSHOT_ATTEMPTS) {
        return {
          head: again,
          n_at: Math.max(0, again.n - after.all),
          own_at: Math.max(0, (again.byAuthor.get(actorId) ?? 0) - after.own),
        };
      }
    }
  }

  async function sendsReceipts(userId: Uuid): Promise<boolean> {
    return (await receipts.preferences(userId)).privacy.send_read_receipts;
  }

  /** Who gets `read_receipt` for a marker on `target`: the DM peer, or the other members of a room of ≤ 100. */
  async function receiptAudience(actorId: Uuid, target: ReadTarget): Promise<Uuid[]> {
    if (target.type === 'dm') return target.recipient === actorId ? [] : [target.recipient];
    if (target.type === 'conversation') {
      const c = await deps.conversations.get(target.conversation_id);
      return (c?.participants ?? []).map((p) => p.user_id).filter((u) => u !== actorId);
    }
    const room = await deps.rooms.get(target.room_id);
    if (room === null || room.member_count > RECEIPT_ROOM_LIMIT) return [];
    const members = await deps.memberships.listByRoom(target.room_id);
    return members.map((m) => m.user_id).filter((u) => u !== actorId);
  }

  /**
   * Every target of the user with its marker and head: one index Query (fan-out targets carry the
   * member's copy of the head on their row, docs/adr/028), then the heads of the other targets ‖ mentions.
   */
  async function targetsOf(actorId: Uuid) {
    const index = await receipts.userIndex(actorId);
    const byConversation = new Map(index.markers.map((m) => [m.conversation, m]));
    const targets = new Map<string, ReadTarget>();
    const copies = new Map<string, TargetHead>();
    const fromCopy = (conversation: string, c: HeadCopy): TargetHead => ({
      conversation,
      n: c.n,
      byAuthor: new Map([[actorId, c.own]]),
      deleted: c.deleted,
      last_message_id: c.last_message_id,
      last_seq: c.last_seq,
    });
    for (const r of index.rooms) {
      targets.set(r.room_id, { type: 'room', room_id: r.room_id });
      if (r.copy !== null) copies.set(r.room_id, fromCopy(r.room_id, r.copy));
    }
    for (const p of index.dmPeers) {
      targets.set(p.conversation, { type: 'dm', recipient: p.peer });
      if (p.copy !== null) copies.set(p.conversation, fromCopy(p.conversation, p.copy));
    }
    for (const m of index.markers) if (m.target.type === 'dm') targets.set(m.conversation, m.target);
    for (const id of index.conversations)
      targets.set(conversationKey({ type: 'conversation', conversation_id: id }), {
        type: 'conversation',
        conversation_id: id,
      });
    const oldest = [...targets.keys()].reduce<string | null>((low, c) => {
      const seq = byConversation.get(c)?.up_to_seq ?? '';
      return low === null || seq < low ? seq : low;
    }, null);
    const headMode = [...targets.keys()].filter((c) => !copies.has(c));
    const [read, mentionMarks] = await Promise.all([
      // Head mode only (big, legacy and group-conversation targets): no round trip when every target fans out.
      headMode.length === 0 ? Promise.resolve(new Map<string, TargetHead>()) : heads.many(headMode, actorId),
      oldest === null ? Promise.resolve([]) : heads.mentionsAfter(actorId, oldest, UNREAD_CAP * 2),
    ]);
    const headsBy = new Map([...read, ...copies]);
    return { targets, byConversation, headsBy, mentionMarks };
  }

  return {
    async markRead(actorId, target, upTo) {
      const conversation = await conversationOf(actorId, target);
      const message = await messages.getById(upTo);
      if (message === null || message.conversation !== conversation) {
        throw new ValidationError(
          'validation_failed',
          'Validation failed: up_to - no such message in this target',
        );
      }
      const current = await receipts.marker(actorId, conversation);
      if (current !== null && current.up_to_seq >= message.seq) {
        // An older (or the same) up_to is a no-op (extensions.md §2).
        return {
          unread_count: await this.unreadOn(actorId, conversation),
          receipt: { target, user_id: actorId, up_to: current.up_to, read_at: current.read_at },
        };
      }
      const snap = await snapshot(actorId, message);
      const marker: ReadMarker = {
        user_id: actorId,
        conversation,
        target,
        up_to: message.id,
        up_to_seq: message.seq,
        read_at: toTimestamp(clock.now()),
        n_at: snap.n_at,
        own_at: snap.own_at,
      };
      if (!(await receipts.advance(marker))) {
        // A concurrent mark moved further: report that one, change nothing.
        const now = await receipts.marker(actorId, conversation);
        return {
          unread_count: await this.unreadOn(actorId, conversation),
          receipt: {
            target,
            user_id: actorId,
            up_to: now?.up_to ?? upTo,
            read_at: now?.read_at ?? marker.read_at,
          },
        };
      }
      const unread_count = unreadCount(snap.head, marker, actorId);
      const receipt: ReadReceipt = { target, user_id: actorId, up_to: marker.up_to, read_at: marker.read_at };
      await emit(
        deps,
        { kind: 'users', userIds: [actorId] },
        { type: 'read_marker_updated', target, up_to: marker.up_to, unread_count },
      );
      if (await sendsReceipts(actorId)) {
        const audience = await receiptAudience(actorId, target);
        if (audience.length > 0)
          await emit(deps, { kind: 'users', userIds: audience }, { type: 'read_receipt', ...receipt });
      }
      return { unread_count, receipt };
    },

    async unread(actorId) {
      const { targets, byConversation, headsBy, mentionMarks } = await targetsOf(actorId);
      const out: UnreadEntry[] = [];
      for (const [conversation, target] of targets) {
        const head = headsBy.get(conversation);
        if (head === undefined) continue;
        const marker = byConversation.get(conversation) ?? null;
        const after = marker?.up_to_seq ?? '';
        const deleted = new Set(head.deleted.map((d) => d.seq));
        const unread_count = unreadCount(head, marker, actorId);
        const mention_count = Math.min(
          UNREAD_CAP,
          mentionMarks.filter((m) => m.conversation === conversation && m.seq > after && !deleted.has(m.seq))
            .length,
        );
        if (unread_count === 0 && mention_count === 0) continue;
        out.push({
          target,
          unread_count,
          mention_count,
          last_message_id: head.last_message_id,
          up_to: marker?.up_to ?? null,
        });
      }
      return out;
    },

    async unreadCounts(actorId) {
      const counts: UnreadCounts = { total: 0, by_room: {}, by_dm: {}, by_conversation: {} };
      for (const e of await this.unread(actorId)) {
        if (e.unread_count === 0) continue;
        counts.total += e.unread_count;
        if (e.target.type === 'room') counts.by_room[e.target.room_id] = e.unread_count;
        else if (e.target.type === 'conversation')
          counts.by_conversation[e.target.conversation_id] = e.unread_count;
        else counts.by_dm[e.target.recipient] = e.unread_count;
      }
      return counts;
    },

    async unreadOn(actorId, conversation) {
      const [head, marker] = await Promise.all([
        heads.one(conversation),
        receipts.marker(actorId, conversation),
      ]);
      return unreadCount(head, marker, actorId);
    },

    async delivered(actorId, messageIds) {
      let recorded = 0;
      const at = toTimestamp(clock.now());
      for (const id of [...new Set(messageIds)].slice(0, MAX_DELIVERED_BATCH)) {
        const message = await messages.getById(id, { consistent: false });
        // DMs and conversations only (extensions.md §2); a recipient confirms, never the author.
        if (message === null || message.target.type === 'room' || message.author === actorId) continue;
        const t = message.target;
        const recipient =
          t.type === 'dm'
            ? t.recipient === actorId
            : ((await deps.conversations.get(t.conversation_id))?.participants.some(
                (p) => p.user_id === actorId,
              ) ?? false);
        if (!recipient) continue;
        if (!(await receipts.recordDelivery(id, actorId, at))) continue;
        recorded += 1;
        await emit(
          deps,
          { kind: 'users', userIds: [message.author] },
          {
            type: 'delivery_receipt',
            message_id: id,
            target: t.type === 'dm' ? { type: 'dm', recipient: actorId } : t,
            user_id: actorId,
            delivered_at: at,
          },
        );
      }
      return recorded;
    },

    async receiptsOf(actorId, messageId) {
      const message = await messages.getById(messageId);
      if (message === null) throw new DomainError('message_not_found');
      let others: Uuid[];
      if (message.target.type === 'dm') {
        const parties = [message.author, message.target.recipient];
        if (!parties.includes(actorId)) throw new DomainError('message_not_found');
        others = parties.filter((u) => u !== message.author);
      } else if (message.target.type === 'conversation') {
        const c = await requireParticipant(deps, message.target.conversation_id, actorId).catch(() => {
          throw new DomainError('message_not_found');
        });
        others = c.participants.map((p) => p.user_id).filter((u) => u !== message.author);
      } else {
        // No existence oracle (extensions.md §0.6): a non-member gets not found.
        if (!(await deps.access.isMember(message.target.room_id, actorId)))
          throw new DomainError('message_not_found');
        others = (await deps.memberships.listByRoom(message.target.room_id))
          .map((m) => m.user_id)
          .filter((u) => u !== message.author);
      }
      const [markers, delivered] = await Promise.all([
        receipts.markersOf(others, message.conversation),
        message.target.type !== 'room' ? receipts.deliveries(messageId) : Promise.resolve([]),
      ]);
      const read = markers
        .filter((m) => m.up_to_seq >= message.seq)
        .map((m) => ({ user_id: m.user_id, at: m.read_at }));
      return { delivered, read };
    },

    preferences: (actorId) => receipts.preferences(actorId),

    async setPreferences(actorId, prefs) {
      await receipts.putPreferences(actorId, prefs);
      return prefs;
    },
  };
}
