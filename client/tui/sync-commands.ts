// Catch-up and read state in the terminal client (docs/protocol/extensions.md §2, §3): sync on every (re)connect with "while you were away: N new in #room", /unread, /sync, unread counts for /rooms.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ChatSession } from '../sdk/session.js';
import type { Message } from '../../shared/features/messages/index.js';
import type { UnreadEntry } from '../../shared/features/receipts/index.js';
import type { SyncResult } from '../../shared/features/sync/index.js';
import type { Invitation } from '../../shared/features/invitations/index.js';
import { formatInvitationChange } from './invitation-render.js';
import type { EventPayload } from '../../shared/kernel/events.js';
import type { CommandResult } from './commands.js';
import type { MessageBook } from './message-book.js';
import { formatMessage, style, type RenderContext } from './render.js';

/** What the client last knew of a message: enough to tell new, edited and deleted apart. */
interface Seen {
  u: string;
  e: number;
  d: boolean;
}

/** What is kept between runs, per user: the last `next_since` and what was seen since it. */
interface SavedState {
  since: string | null;
  seen: Record<string, Seen>;
}

/** What the catch-up needs from the chat state. */
export interface CatchUpHost extends RenderContext {
  readonly session: ChatSession;
  readonly book: MessageBook;
  readonly myId: string;
}

/** Where the catch-up state lives: `$LAIR_CLIENT_STATE_DIR` or `~/.lair-chat`, one file per user. */
export function catchUpFile(userId: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.LAIR_CLIENT_STATE_DIR ?? join(homedir(), '.lair-chat'), `sync-${userId}.json`);
}

/** Messages seen are remembered this long past the token (the server's margin is 10 s, docs/adr/012). */
const SEEN_KEEP_MS = 60_000;

/**
 * The client side of sync: keeps the token and the messages seen, syncs on (re)connect and
 * prints one summary line per target with something missed, then the messages themselves.
 */
export class CatchUp {
  private since: string | null = null;
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly host: CatchUpHost,
    /** State file (null: keep in memory only, e.g. tests). */
    private readonly file: string | null,
  ) {
    if (file === null) return;
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
      this.since = typeof saved.since === 'string' ? saved.since : null;
      for (const [id, s] of Object.entries(saved.seen ?? {})) this.seen.set(id, s);
    } catch {
      // First run or unreadable state: start without a token.
    }
  }

  private pendingRead: { roomId: string; id: string } | undefined;
  private readTimer: NodeJS.Timeout | undefined;

  /**
   * A message shown live in the room on screen counts as read: marks it (debounced 1 s, one
   * `mark_read` per burst) so /unread and other devices agree (extensions.md §2).
   */
  shownInRoom(roomId: string, messageId: string): void {
    this.pendingRead = { roomId, id: messageId };
    if (this.readTimer !== undefined) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = undefined;
      const p = this.pendingRead;
      this.pendingRead = undefined;
      if (p === undefined) return;
      this.host.session
        .call({ type: 'mark_read', target: { type: 'room', room_id: p.roomId }, up_to: p.id })
        .catch(() => undefined);
    }, 1000);
    this.readTimer.unref();
  }

  /** Records what a pushed event shows us (so a later sync does not report it as missed). */
  observe(event: EventPayload): void {
    if (event.type === 'message_received' || event.type === 'message_edited') this.note(event.message);
    else if (event.type === 'message_deleted') {
      const prev = this.seen.get(event.message_id);
      this.seen.set(event.message_id, { u: prev?.u ?? '', e: prev?.e ?? 0, d: true });
    }
  }

  /** Saves the token and the recently seen messages (best effort). */
  save(): void {
    if (this.file === null) return;
    const cutoff = new Date(Date.now() - SEEN_KEEP_MS).toISOString();
    const seen = Object.fromEntries([...this.seen].filter(([, s]) => s.u >= cutoff || s.u === ''));
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, JSON.stringify({ since: this.since, seen } satisfies SavedState));
    } catch {
      // Not fatal: the next start syncs from the last saved token.
    }
  }

  /**
   * Syncs from the saved token (or, the very first time, takes a token and reports unread
   * counts) and returns the lines to print: "while you were away: N new in #room (E edited, D
   * deleted)" per target, followed by the missed messages of that target.
   */
  /** `<invitation id>:<status>` already printed by this process. */
  private readonly invitationsSeen = new Set<string>();

  async run(): Promise<string[]> {
    const first = this.since === null;
    let res: Partial<SyncResult>;
    try {
      res = await this.host.session.call({
        type: 'sync',
        limit: 100,
        ...(first ? {} : { since: this.since }),
      });
    } catch {
      // A token this server refuses (another server, wiped data): start over without one.
      this.since = null;
      res = await this.host.session.call({ type: 'sync', limit: 100 });
    }
    const lines: string[] = [];
    for (const row of res.targets ?? []) {
      const label = targetLabel(row.target, this.host);
      if (first) {
        for (const m of row.messages) this.note(m);
        if (row.unread_count > 0) lines.push(style.cyan(`${row.unread_count} unread in ${label}`));
        continue;
      }
      const missed = this.classify(row.messages);
      const parts = [
        missed.edited > 0 ? `${missed.edited} edited` : '',
        missed.deleted > 0 ? `${missed.deleted} deleted` : '',
      ].filter((p) => p !== '');
      if (missed.fresh.length === 0 && parts.length === 0) continue;
      lines.push(
        style.cyan(
          `while you were away: ${missed.fresh.length} new in ${label}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`,
        ),
      );
      // The feed is in change order (an edit moves a message to the end): show them as sent.
      const inOrder = [...missed.fresh].sort(
        (a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id),
      );
      for (const m of inOrder) {
        this.host.book.remember(m);
        lines.push(`  ${formatMessage(m, this.host.userName(m.author), this.host)}`);
      }
      if (row.has_more) lines.push(style.dim('  … more: /history'));
    }
    if (!first) {
      // A change inside the server's margin comes twice: print each (invitation, status) once.
      for (const inv of (res.invitations ?? []) as Invitation[]) {
        if (this.invitationsSeen.has(`${inv.id}:${inv.status}`)) continue;
        this.invitationsSeen.add(`${inv.id}:${inv.status}`);
        lines.push(formatInvitationChange(inv, this.host.myId));
      }
    }
    if (!first && lines.length === 0) lines.push(style.dim('while you were away: nothing new'));
    this.since = res.next_since ?? this.since;
    this.save();
    return lines;
  }

  /** Splits synced messages into new ones (by others, not deleted), edits and deletions the client had not seen. */
  private classify(messages: readonly Message[]): { fresh: Message[]; edited: number; deleted: number } {
    const fresh: Message[] = [];
    let edited = 0;
    let deleted = 0;
    for (const m of messages) {
      const prev = this.seen.get(m.id);
      if (prev !== undefined && prev.u === m.updated_at && prev.d === m.deleted) continue;
      if (m.deleted) {
        if (prev?.d !== true && m.author !== this.host.myId) deleted += 1;
      } else if (prev === undefined) {
        if (m.author !== this.host.myId) fresh.push(m);
        if (m.edit_count > 0 && m.author !== this.host.myId) edited += 1;
      } else if (m.edit_count > prev.e) edited += 1;
      this.note(m);
    }
    return { fresh, edited, deleted };
  }

  private note(m: Message): void {
    this.seen.set(m.id, { u: m.updated_at, e: m.edit_count, d: m.deleted });
  }
}

/** `#room`, `@user` or `[group]` (docs/protocol/extensions.md §7.2) for a target. */
function targetLabel(
  t: UnreadEntry['target'],
  host: Pick<RenderContext, 'roomName' | 'userName' | 'conversationName'>,
): string {
  if (t.type === 'room') return `#${host.roomName(t.room_id)}`;
  if (t.type === 'conversation') return `[${host.conversationName?.(t.conversation_id) ?? 'group'}]`;
  return `@${host.userName(t.recipient)}`;
}

/** `/unread` rows: `  #general  3 unread, 1 mention`. */
export function formatUnread(rows: readonly UnreadEntry[], host: RenderContext): string[] {
  if (rows.length === 0) return [style.dim('(nothing unread)')];
  return rows.map((r) => {
    const label = targetLabel(r.target, host);
    const mentions =
      r.mention_count > 0
        ? style.magenta(`, ${r.mention_count} mention${r.mention_count === 1 ? '' : 's'}`)
        : '';
    return `  ${label}  ${r.unread_count} unread${mentions}`;
  });
}

/** `/unread`, `/sync` and `/read`, merged into the chat state's command table. */
export function syncCommands(
  host: CatchUpHost & { readonly catchUp: CatchUp; readonly currentRoomId: string | undefined },
): Record<string, (rest: string) => Promise<CommandResult>> {
  return {
    async unread() {
      const res = await host.session.call({ type: 'get_unread' });
      return { lines: ['Unread:', ...formatUnread(res.unread ?? [], host)] };
    },
    async sync() {
      return { lines: await host.catchUp.run() };
    },
    async read() {
      const roomId = host.currentRoomId;
      if (roomId === undefined) return { lines: [style.yellow('Not in a room')] };
      const target = { type: 'room' as const, room_id: roomId };
      const last = (await host.session.call({ type: 'get_messages', target, limit: 1 })).messages?.[0];
      if (last === undefined) return { lines: [style.dim('(nothing to mark)')] };
      await host.session.call({ type: 'mark_read', target, up_to: last.id });
      return { lines: [style.dim(`* marked #${host.roomName(roomId)} read`)] };
    },
  };
}
