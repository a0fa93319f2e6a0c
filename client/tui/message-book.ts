// Session-local message references of the terminal client: short numbers [n] -> message id, and the latest known state of each printed message.
import type { Message, ReactionSummary } from '../../shared/features/messages/index.js';
import type { EventPayload } from '../../shared/kernel/events.js';

/** How many reactor ids a reaction summary keeps (extensions.md §1.4: the first 25). */
const MAX_REACTION_USERS = 25;

/**
 * Parses a message reference as typed by the user: `12` or `[12]`.
 * @returns the number, or `null` when `text` is not one
 */
export function parseRef(text: string): number | null {
  const m = /^\[?(\d{1,9})\]?$/.exec(text.trim());
  if (m === null) return null;
  const n = Number(m[1]);
  return n >= 1 ? n : null;
}

/** `<n> <text>` (for /edit and /reply); `null` when either part is missing. */
export function parseRefAndText(rest: string): { n: number; text: string } | null {
  const m = /^(\S+)\s+(.*\S.*)$/s.exec(rest.trim());
  if (m === null) return null;
  const n = parseRef(m[1] ?? '');
  return n === null ? null : { n, text: (m[2] ?? '').trim() };
}

/** `<n> <emoji>` (for /react): exactly two words. */
export function parseRefAndEmoji(rest: string): { n: number; emoji: string } | null {
  const m = /^(\S+)\s+(\S+)$/.exec(rest.trim());
  if (m === null) return null;
  const n = parseRef(m[1] ?? '');
  return n === null ? null : { n, emoji: m[2] ?? '' };
}

/** Epoch ms of a timestamp, or NaN. */
function when(timestamp: string): number {
  return Date.parse(timestamp);
}

/**
 * The messages this session has printed. Each gets the next number the first time it is
 * {@link remember}ed; its stored state then follows responses and pushed events (edits,
 * tombstones, reactions, reply counts), so commands and re-rendering see the latest version.
 */
export class MessageBook {
  private next = 1;
  private readonly ids = new Map<number, string>();
  private readonly numbers = new Map<string, number>();
  private readonly messages = new Map<string, Message>();

  /** Number of messages numbered so far. */
  get size(): number {
    return this.ids.size;
  }

  /**
   * Stores `message` (unless what we hold is newer, by `updated_at`) and returns its number,
   * assigning the next free one the first time.
   */
  remember(message: Message): number {
    this.store(message);
    let n = this.numbers.get(message.id);
    if (n === undefined) {
      n = this.next++;
      this.numbers.set(message.id, n);
      this.ids.set(n, message.id);
    }
    return n;
  }

  /** Updates a message we already hold (no number is assigned); returns false when unknown. */
  update(message: Message): boolean {
    if (!this.messages.has(message.id)) return false;
    this.store(message);
    return true;
  }

  /** The number of a printed message. */
  numberOf(id: string): number | undefined {
    return this.numbers.get(id);
  }

  /** The message id behind `[n]`. */
  idOf(n: number): string | undefined {
    return this.ids.get(n);
  }

  /** Latest known state of a message, by id. */
  get(id: string): Message | undefined {
    return this.messages.get(id);
  }

  /** The newest message (by `created_at`, then id) held for room `roomId`, or undefined when none is. */
  newestInRoom(roomId: string): Message | undefined {
    let newest: Message | undefined;
    for (const m of this.messages.values()) {
      if (m.target.type !== 'room' || m.target.room_id !== roomId) continue;
      if (
        newest === undefined ||
        m.created_at > newest.created_at ||
        (m.created_at === newest.created_at && m.id > newest.id)
      )
        newest = m;
    }
    return newest;
  }

  /** Latest known state of `[n]`. */
  byNumber(n: number): Message | undefined {
    const id = this.ids.get(n);
    return id === undefined ? undefined : this.messages.get(id);
  }

  /**
   * Applies a pushed event: new and edited messages are remembered (they are about to be
   * printed); deletes, reactions and thread updates patch messages we hold.
   */
  observe(event: EventPayload): void {
    switch (event.type) {
      case 'message_received':
        this.remember(event.message);
        break;
      case 'message_edited':
        this.remember(event.message);
        break;
      case 'message_deleted':
        this.tombstone(event.message_id);
        break;
      case 'reaction_added':
      case 'reaction_removed':
        this.patch(event.message_id, (m) => ({
          ...m,
          reactions: applyReaction(
            m.reactions,
            event.emoji,
            event.user_id,
            event.count,
            event.type === 'reaction_added',
          ),
        }));
        break;
      case 'thread_updated':
        this.patch(event.root_id, (m) => ({
          ...m,
          reply_count: event.reply_count,
          last_reply_at: event.last_reply_at,
        }));
        break;
      default:
        break;
    }
  }

  private store(message: Message): void {
    const held = this.messages.get(message.id);
    // Never let an older snapshot (a slow response) undo a newer state (an event), nor revive a tombstone.
    if (
      held !== undefined &&
      (when(message.updated_at) < when(held.updated_at) || (held.deleted && !message.deleted))
    )
      return;
    this.messages.set(message.id, message);
  }

  private patch(id: string, change: (m: Message) => Message): void {
    const held = this.messages.get(id);
    if (held !== undefined) this.messages.set(id, change(held));
  }

  /** Marks a held message deleted (extensions.md §1.3) and takes one reply off its known root. */
  private tombstone(id: string): void {
    const held = this.messages.get(id);
    if (held === undefined || held.deleted) return;
    const now = new Date().toISOString();
    this.messages.set(id, {
      ...held,
      content: '',
      deleted: true,
      deleted_at: now,
      reactions: [],
      updated_at: now,
    });
    if (held.thread_root_id !== null) {
      this.patch(held.thread_root_id, (root) => ({
        ...root,
        reply_count: Math.max(0, root.reply_count - 1),
      }));
    }
  }
}

/** A reaction summary after `userId` added or removed `emoji`, `count` being the server's new total. */
export function applyReaction(
  reactions: readonly ReactionSummary[],
  emoji: string,
  userId: string,
  count: number,
  added: boolean,
): ReactionSummary[] {
  const out = reactions.map((r) => ({ ...r, users: [...r.users] }));
  let entry = out.find((r) => r.emoji === emoji);
  if (entry === undefined) {
    if (!added || count <= 0) return out;
    entry = { emoji, count, users: [] };
    out.push(entry);
  }
  entry.count = count;
  if (added && !entry.users.includes(userId) && entry.users.length < MAX_REACTION_USERS)
    entry.users.push(userId);
  if (!added) entry.users = entry.users.filter((u) => u !== userId);
  return out.filter((r) => r.count > 0);
}
