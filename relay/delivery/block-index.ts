// Per-user cache of whom each locally connected user blocked, and THE delivery filter "a blocked user's messages never reach the blocker's sockets" (docs/protocol/extensions.md §7.3).
import type { EventPayload, RelayNotice } from '../../shared/kernel/events.js';
import type { Uuid } from '../../shared/kernel/types.js';

/** Loads the ids `userId` blocked (storage read). */
export type BlockLoader = (userId: Uuid) => Promise<Uuid[]>;

type BlocksChanged = Extract<RelayNotice, { type: 'blocks_changed' }>;

/**
 * The user whose content or action an event carries, when a blocker must not receive it: the author
 * of a pushed, edited, pinned or unpinned message or mention (the blocker never saw the message, so
 * an edit or a pin by someone else must not reveal it), the typer, the user who reacted. Everything
 * else (joins, deletions, thread counts, system events) passes.
 */
export function authorOf(payload: EventPayload): Uuid | undefined {
  switch (payload.type) {
    case 'message_received':
    case 'message_edited':
    case 'message_pinned':
    case 'message_unpinned':
    case 'mention':
      return payload.message.author;
    case 'user_typing':
    case 'reaction_added':
    case 'reaction_removed':
      return payload.user_id;
    default:
      return undefined;
  }
}

/**
 * Blocked-id sets of the users connected to this relay, loaded once with the user's first
 * connection and kept current by the `blocks_changed` relay notice. A lookup is one Map get plus
 * one Set has per recipient.
 */
export class BlockIndex {
  private readonly byUser = new Map<Uuid, Set<Uuid>>();
  /** Unblocks seen while a user's set was loading (the load must not resurrect them). */
  private readonly loadingRemoved = new Map<Uuid, Set<Uuid>>();

  /** Loads `userId`'s set (once per user while connected); notices arriving meanwhile are merged. */
  async load(userId: Uuid, loader: BlockLoader): Promise<void> {
    if (this.byUser.has(userId)) return;
    const set = new Set<Uuid>();
    const removed = new Set<Uuid>();
    this.byUser.set(userId, set);
    this.loadingRemoved.set(userId, removed);
    try {
      for (const id of await loader(userId)) if (!removed.has(id)) set.add(id);
    } catch (err) {
      this.byUser.delete(userId);
      throw err;
    } finally {
      this.loadingRemoved.delete(userId);
    }
  }

  /** Applies a `blocks_changed` notice (ignored for users not connected here). */
  apply(n: BlocksChanged): void {
    const set = this.byUser.get(n.user_id);
    if (set === undefined) return;
    if (n.blocked) {
      set.add(n.other_id);
      this.loadingRemoved.get(n.user_id)?.delete(n.other_id);
    } else {
      set.delete(n.other_id);
      this.loadingRemoved.get(n.user_id)?.add(n.other_id);
    }
  }

  /** True when `recipientId` blocked `authorId`. */
  hides(recipientId: Uuid, authorId: Uuid): boolean {
    return this.byUser.get(recipientId)?.has(authorId) === true;
  }

  /** Forgets a user (last local connection gone). */
  forget(userId: Uuid): void {
    this.byUser.delete(userId);
  }
}
