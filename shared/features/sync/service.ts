// Sync use case (docs/protocol/extensions.md §3): every change of every target of the caller since a token, plus the registered sections.
import { ValidationError } from '../../kernel/errors.js';
import type { Clock } from '../../kernel/ports.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import {
  conversationKey,
  toMessage,
  type HeadRepository,
  type MessageRecord,
  type MessageRepository,
} from '../messages/index.js';
import { unreadCount, type ReadTarget, type ReceiptRepository } from '../receipts/index.js';
import type { BlockRepository } from '../social/index.js';
import {
  decodeSyncToken,
  encodeSyncToken,
  SYNC_MARGIN_MS,
  type MembershipChange,
  type SyncResult,
  type SyncTarget,
} from './model.js';
import { SYNC_SECTIONS, type SectionDeps } from './sections.js';
import type { ChangeRepository } from './store.js';

/** What the SyncService needs. */
export interface SyncServiceDeps extends SectionDeps {
  changes: ChangeRepository;
  heads: HeadRepository;
  receipts: Pick<ReceiptRepository, 'userIndex'>;
  messages: Pick<MessageRepository, 'history'>;
  clock: Clock;
  /** extensions.md §7.3: room messages by users the caller blocked are left out (absent ⇒ no filter). */
  blocks?: Pick<BlockRepository, 'blockedIds'>;
  /** Override of {@link GLOBAL_WINDOW} (tests of the per-target path). */
  syncGlobalWindow?: number;
}

/** Sync (extensions.md §3). */
export interface SyncService {
  /**
   * Messages created or changed since `since` in every joined room and DM (current state,
   * tombstones included, oldest change first, ≤ `limit` per target with `has_more`); without
   * `since` the last `limit` messages of each target. `next_since` stands
   * {@link SYNC_MARGIN_MS} behind the sync's start (and never after the first change a
   * `has_more` target left out), so nothing is missed.
   * @param limit - per target, 1–100 (extensions.md §0.5)
   * @throws `validation_failed` when `since` is garbage or another user's token, or `limit` is out of range
   */
  sync(actorId: Uuid, since: string | null, limit: number): Promise<SyncResult>;
}

/** Targets read at once (DynamoDB Local and the SDK's socket pool both like a bound). */
const PARALLEL = 16;

/**
 * Changes read from the global feed (GSI4) before falling back to one GSI3 query per target
 * (docs/adr/012): a short absence costs one Query, a long one stays bounded per target.
 */
export const GLOBAL_WINDOW = 2000;

async function mapPool<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/** Splits the global feed (oldest change first) into the caller's targets, `limit` each. */
function perTarget(conversations: readonly string[], messages: readonly MessageRecord[], limit: number) {
  const by = new Map<string, MessageRecord[]>(conversations.map((c) => [c, []]));
  for (const m of messages) by.get(m.conversation)?.push(m);
  return conversations.map((c) => {
    const all = by.get(c) ?? [];
    return { messages: all.slice(0, limit), hasMore: all.length > limit };
  });
}

/** Builds the SyncService (docs/adr/012). */
export function createSyncService(deps: SyncServiceDeps): SyncService {
  const { clock } = deps;

  return {
    async sync(actorId, since, limit) {
      const start = clock.now();
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        throw new ValidationError('validation_failed', 'Validation failed: limit - must be 1 to 100');
      }
      let sinceMs: number | null = null;
      if (since !== null) {
        const token = decodeSyncToken(since, actorId, start);
        if (token === null) {
          throw new ValidationError(
            'validation_failed',
            'Validation failed: since - not a sync token of this user',
          );
        }
        sinceMs = token.t;
      }
      const sinceIso = sinceMs === null ? null : toTimestamp(sinceMs);
      const index = await deps.receipts.userIndex(actorId);
      const { rooms: memberships, dmPeers: peers, markers } = index;
      const targets = new Map<string, ReadTarget>();
      for (const m of memberships) targets.set(m.room_id, { type: 'room', room_id: m.room_id });
      for (const p of peers) targets.set(p.conversation, { type: 'dm', recipient: p.peer });
      for (const m of markers) if (m.target.type === 'dm') targets.set(m.conversation, m.target);
      for (const id of index.conversations)
        // extensions.md §7.2: the caller's group conversations
        targets.set(conversationKey({ type: 'conversation', conversation_id: id }), {
          type: 'conversation',
          conversation_id: id,
        });
      const conversations = [...targets.keys()];
      const markerBy = new Map(markers.map((m) => [m.conversation, m]));
      const [heads, pages, blocked] = await Promise.all([
        deps.heads.many(conversations),
        (async () => {
          if (sinceIso !== null) {
            const global = await deps.changes.changedEverywhere(
              sinceIso,
              deps.syncGlobalWindow ?? GLOBAL_WINDOW,
            );
            if (global.complete) return perTarget(conversations, global.messages, limit);
          }
          return mapPool(conversations, PARALLEL, async (conversation) => {
            if (sinceIso !== null) return deps.changes.changedSince(conversation, sinceIso, limit);
            const newest = await deps.messages.history({ conversation, limit, order: 'desc' });
            return { messages: newest.reverse(), hasMore: newest.length === limit };
          });
        })(),
        deps.blocks?.blockedIds(actorId).then((ids) => new Set(ids)) ?? new Set<Uuid>(),
      ]);
      // The token never moves past a change a has_more target has not returned yet.
      let nextMs = start - SYNC_MARGIN_MS;
      if (sinceMs !== null) nextMs = Math.max(nextMs, sinceMs);
      const out: SyncTarget[] = [];
      conversations.forEach((conversation, i) => {
        const page = pages[i] ?? { messages: [], hasMore: false };
        const target = targets.get(conversation) as ReadTarget;
        const head = heads.get(conversation);
        if (sinceIso !== null && page.hasMore) {
          const last = page.messages.at(-1);
          if (last !== undefined) nextMs = Math.min(nextMs, Date.parse(last.updated_at));
        }
        // extensions.md §7.3: a blocked user's room messages are hidden from the blocker (as history does).
        const shown =
          target.type === 'room' && blocked.size > 0
            ? page.messages.filter((m) => !blocked.has(m.author))
            : page.messages;
        if (sinceIso !== null && shown.length === 0) return;
        out.push({
          target,
          messages: shown.map(toMessage),
          has_more: page.hasMore,
          unread_count:
            head === undefined ? 0 : unreadCount(head, markerBy.get(conversation) ?? null, actorId),
        });
      });
      const changes: MembershipChange[] = memberships
        .filter((m) => sinceMs === null || Date.parse(m.joined_at) >= sinceMs)
        .map((m) => ({ room_id: m.room_id, change: 'joined', at: m.joined_at }));
      const sections = Object.fromEntries(
        await Promise.all(
          Object.entries(SYNC_SECTIONS).map(
            async ([key, section]) => [key, await section(deps, actorId, sinceMs, start)] as const,
          ),
        ),
      );
      return {
        ...sections,
        next_since: encodeSyncToken({ v: 1, u: actorId, t: nextMs }),
        targets: out,
        memberships: changes,
      };
    },
  };
}
