// Message lifecycle commands of the terminal client: /history, /more, /reply, /edit, /delete, /react, /thread, /versions, /pin, /unpin, /pins, /mentions (docs/protocol/extensions.md §1).
import { LairRequestError } from '../sdk/session.js';
import type { ChatSession } from '../sdk/session.js';
import type { Message, MessageTarget } from '../../shared/features/messages/index.js';
import type { CommandResult } from './commands.js';
import { parseRef, parseRefAndEmoji, parseRefAndText } from './message-book.js';
import type { MessageBook } from './message-book.js';
import { clock, formatMessage, formatReactions, style } from './render.js';
import type { RenderContext } from './render.js';

/** Default page size of /history, /more and /thread. */
export const PAGE_SIZE = 20;

/** What the message commands need from the chat state. */
export interface MessageCommandHost extends RenderContext {
  readonly session: ChatSession;
  readonly book: MessageBook;
  /** Tells the read-state tracker that a room's message is on screen (marks it read, debounced). */
  shownInRoom?(roomId: string, messageId: string): void;
  /** Learns the names of authors it does not know yet (e.g. a deleted user's `deleted-user`) before printing. */
  resolveAuthors?(ids: readonly string[]): Promise<void>;
}

/** Where `/more` continues: the last `/history` (older messages) or `/thread` (later replies). */
type Pager =
  | {
      kind: 'history';
      target: MessageTarget;
      limit: number;
      cursor: string | null;
      oldestId: string | undefined;
      hasMore: boolean;
    }
  | { kind: 'thread'; rootId: string; cursor: string | null };

function usage(text: string): CommandResult {
  return { lines: [style.yellow(`Usage: ${text}`)] };
}

/** The target shown: the current group conversation (extensions.md §7.2), else the current room. */
function shownTarget(host: RenderContext): MessageTarget | undefined {
  if (host.currentConversationId !== undefined)
    return { type: 'conversation', conversation_id: host.currentConversationId };
  return host.currentRoomId === undefined ? undefined : { type: 'room', room_id: host.currentRoomId };
}

function fail(text: string): CommandResult {
  return { lines: [style.red(text)] };
}

/**
 * Handlers for the lifecycle commands. Every `<n>` is a number shown in front of a printed
 * message (`[12]`, see {@link MessageBook}); results print through the pushed events where the
 * server sends one to us anyway (new, edited and deleted messages).
 */
export class MessageCommands {
  private pager: Pager | undefined;

  constructor(private readonly host: MessageCommandHost) {}

  /** Command name -> handler, merged into the chat state's table. */
  readonly handlers: Readonly<Record<string, (rest: string) => Promise<CommandResult>>> = {
    history: (rest) => this.history(rest),
    more: () => this.more(),
    reply: (rest) => this.reply(rest),
    edit: (rest) => this.edit(rest),
    delete: (rest) => this.remove(rest),
    react: (rest) => this.react(rest),
    thread: (rest) => this.thread(rest),
    versions: (rest) => this.versions(rest),
    pin: (rest) => this.pin(rest),
    unpin: (rest) => this.pin(rest, false),
    pins: () => this.pins(),
    mentions: () => this.mentions(),
  };

  private get session(): ChatSession {
    return this.host.session;
  }

  /** Prints messages (oldest first), numbering the ones not yet numbered. */
  private async show(messages: readonly Message[], indent = ''): Promise<string[]> {
    await this.host.resolveAuthors?.(messages.map((m) => m.author));
    return messages.map((m) => {
      this.host.book.remember(m);
      return `${indent}${formatMessage(this.host.book.get(m.id) ?? m, this.host.userName(m.author), this.host)}`;
    });
  }

  /** The live message behind `[n]`, or the reason it cannot be used. */
  private lookup(n: number, allowDeleted = false): Message | CommandResult {
    const message = this.host.book.byNumber(n);
    if (message === undefined) return fail(`No message [${n}] — numbers come from printed messages`);
    if (message.deleted && !allowDeleted) return fail(`Message [${n}] was deleted`);
    return message;
  }

  private async history(rest: string): Promise<CommandResult> {
    const target = shownTarget(this.host);
    if (target === undefined) return { lines: [style.yellow('Not in a room')] };
    if (rest !== '' && !/^\d+$/.test(rest)) return usage('/history [n]');
    const limit = rest !== '' ? Math.min(Math.max(Number(rest), 1), 100) : PAGE_SIZE;
    const page = await this.session.getMessages(target, { limit });
    this.pager = {
      kind: 'history',
      target,
      limit,
      cursor: page.next_cursor,
      oldestId: page.messages.at(-1)?.id,
      hasMore: page.has_more,
    };
    if (page.messages.length === 0) return { lines: [style.dim('(no messages yet)')] };
    const lines = await this.show([...page.messages].reverse()); // the server sends newest first
    // The newest page is on screen: the room is read up to its newest message (extensions.md §2).
    const newest = page.messages[0];
    if (newest !== undefined && target.type === 'room') this.host.shownInRoom?.(target.room_id, newest.id);
    if (page.has_more) lines.unshift(style.dim('… older messages: /more'));
    return { lines };
  }

  private async more(): Promise<CommandResult> {
    const pager = this.pager;
    if (pager === undefined)
      return { lines: [style.yellow('Nothing to continue — use /history or /thread first')] };
    if (pager.kind === 'thread') return this.moreReplies(pager);
    if (!pager.hasMore || (pager.cursor === null && pager.oldestId === undefined))
      return { lines: [style.dim('(no older messages)')] };
    const page = await this.session.getMessages(
      pager.target,
      pager.cursor !== null
        ? { limit: pager.limit, cursor: pager.cursor }
        : { limit: pager.limit, before: pager.oldestId },
    );
    this.pager = {
      ...pager,
      cursor: page.next_cursor,
      oldestId: page.messages.at(-1)?.id ?? pager.oldestId,
      hasMore: page.has_more && page.messages.length > 0,
    };
    if (page.messages.length === 0) return { lines: [style.dim('(no older messages)')] };
    const lines = [style.dim('— older messages —'), ...(await this.show([...page.messages].reverse()))];
    if (this.pager.hasMore) lines.push(style.dim('… older messages: /more'));
    return { lines };
  }

  private async moreReplies(pager: Extract<Pager, { kind: 'thread' }>): Promise<CommandResult> {
    if (pager.cursor === null) return { lines: [style.dim('(no more replies)')] };
    const page = await this.session.getThread(pager.rootId, { limit: PAGE_SIZE, cursor: pager.cursor });
    this.pager = { ...pager, cursor: page.next_cursor };
    const lines = await this.show(page.replies, '  ');
    if (lines.length === 0) return { lines: [style.dim('(no more replies)')] };
    if (page.next_cursor !== null) lines.push(style.dim('  … more replies: /more'));
    return { lines };
  }

  private async reply(rest: string): Promise<CommandResult> {
    const parsed = parseRefAndText(rest);
    if (parsed === null) return usage('/reply <n> <text>');
    const parent = this.lookup(parsed.n);
    if (!isMessage(parent)) return parent;
    await this.session.sendMessage(parent.target, parsed.text, { reply_to: parent.id });
    return { lines: [] }; // the reply comes back as message_received
  }

  private async edit(rest: string): Promise<CommandResult> {
    const parsed = parseRefAndText(rest);
    if (parsed === null) return usage('/edit <n> <text>');
    const message = this.lookup(parsed.n);
    if (!isMessage(message)) return message;
    if (message.author !== this.host.myId) return fail(`[${parsed.n}] is not your message`);
    this.host.book.update(await this.session.editMessage(message.id, parsed.text));
    return { lines: [] }; // message_edited re-prints it
  }

  private async remove(rest: string): Promise<CommandResult> {
    const n = parseRef(rest);
    if (n === null) return usage('/delete <n>');
    const message = this.lookup(n);
    if (!isMessage(message)) return message;
    await this.session.deleteMessage(message.id);
    return { lines: [] }; // message_deleted re-prints it as [deleted]
  }

  /** Adds the reaction, or removes it when we already reacted with that emoji (a toggle). */
  private async react(rest: string): Promise<CommandResult> {
    const parsed = parseRefAndEmoji(rest);
    if (parsed === null) return usage('/react <n> <emoji>');
    const message = this.lookup(parsed.n);
    if (!isMessage(message)) return message;
    const { emoji } = parsed;
    const before = message.reactions.find((r) => r.emoji === emoji);
    const mine = before?.users.includes(this.host.myId) === true;
    // `users` lists only the first 25 reactors: beyond that we cannot tell locally.
    const unsure = !mine && before !== undefined && before.count > before.users.length;
    let updated: Message;
    let added: boolean;
    if (mine) {
      [updated, added] = await this.removeOrAdd(message.id, emoji);
    } else {
      updated = await this.session.addReaction(message.id, emoji);
      added = true;
      const after = updated.reactions.find((r) => r.emoji === emoji)?.count ?? 0;
      if (unsure && after <= (before?.count ?? 0)) {
        updated = await this.session.removeReaction(message.id, emoji); // it was already ours
        added = false;
      }
    }
    this.host.book.update(updated);
    const summary = formatReactions(updated.reactions);
    const text = added ? `You reacted ${emoji} on [${parsed.n}]` : `You removed ${emoji} from [${parsed.n}]`;
    return { lines: [style.dim(`* ${text}${summary !== '' ? `  ${summary}` : ''}`)] };
  }

  /** Removes our reaction; if the server says it was not there (stale state), adds it instead. */
  private async removeOrAdd(id: string, emoji: string): Promise<[Message, boolean]> {
    try {
      return [await this.session.removeReaction(id, emoji), false];
    } catch (err) {
      if (!(err instanceof LairRequestError) || err.code !== 'reaction_not_found') throw err;
      return [await this.session.addReaction(id, emoji), true];
    }
  }

  private async thread(rest: string): Promise<CommandResult> {
    const n = parseRef(rest);
    if (n === null) return usage('/thread <n>');
    const message = this.lookup(n, true);
    if (!isMessage(message)) return message;
    const page = await this.session.getThread(message.id, { limit: PAGE_SIZE });
    this.pager = { kind: 'thread', rootId: page.root.id, cursor: page.next_cursor };
    const [rootLine = ''] = await this.show([page.root]);
    const replies = await this.show(page.replies, '  ');
    const lines = [rootLine, ...(replies.length > 0 ? replies : [style.dim('  (no replies yet)')])];
    if (page.next_cursor !== null) lines.push(style.dim('  … more replies: /more'));
    return { lines };
  }

  private async pin(rest: string, pin = true): Promise<CommandResult> {
    const n = parseRef(rest);
    if (n === null) return usage(pin ? '/pin <n>' : '/unpin <n>');
    const message = this.lookup(n);
    if (!isMessage(message)) return message;
    await this.session.setPinned(message.id, pin);
    return { lines: [style.dim(`* ${pin ? 'pinned' : 'unpinned'} [${n}]`)] };
  }

  private async pins(): Promise<CommandResult> {
    const target = shownTarget(this.host);
    if (target === undefined) return { lines: [style.yellow('Not in a room')] };
    const pinned = await this.session.listPins(target);
    if (pinned.length === 0) return { lines: [style.dim('(no pinned messages)')] };
    return { lines: ['Pinned:', ...(await this.show([...pinned].reverse(), '  '))] };
  }

  private async mentions(): Promise<CommandResult> {
    const page = await this.session.listMentions({ limit: PAGE_SIZE });
    if (page.messages.length === 0) return { lines: [style.dim('(no mentions)')] };
    return { lines: ['Mentions:', ...(await this.show([...page.messages].reverse(), '  '))] };
  }

  private async versions(rest: string): Promise<CommandResult> {
    const n = parseRef(rest);
    if (n === null) return usage('/versions <n>');
    const message = this.lookup(n);
    if (!isMessage(message)) return message;
    const versions = await this.session.getMessageVersions(message.id);
    const rows = versions.map(
      (v, i) =>
        `  v${v.version} ${style.dim(clock(v.created_at))} ${v.content}${i === versions.length - 1 ? style.dim(' (current)') : ''}`,
    );
    return { lines: [`Versions of [${n}]:`, ...rows] };
  }
}

function isMessage(value: Message | CommandResult): value is Message {
  return 'id' in value;
}
