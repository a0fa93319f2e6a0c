// lair.social group conversations in the terminal client (docs/protocol/extensions.md §7.2): /group (create or switch), /groups, /gadd, /gleave, and the state of the group being shown.
import type { ChatSession } from '../sdk/session.js';
import type { Conversation } from '../../shared/features/conversations/index.js';
import type { EventPayload } from '../../shared/kernel/events.js';
import type { User } from '../../shared/features/users/index.js';
import type { CommandResult } from './commands.js';
import { conversationLabel, formatConversations } from './conversation-render.js';
import { style } from './render.js';

/** The known group conversations, the numbered list of the last `/groups`, and the one being shown. */
export class GroupState {
  /** Group conversation currently shown (plain text goes there); exclusive with the current room. */
  current: string | undefined;
  private readonly byId = new Map<string, Conversation>();
  private listed: Conversation[] = [];

  /** Caches `c` (from a response or an event). */
  remember(c: Conversation): void {
    this.byId.set(c.id, c);
  }

  /** The label of a known conversation (title, else the other participants' names). */
  name(id: string, myId?: string): string {
    const c = this.byId.get(id);
    return c === undefined ? 'group' : conversationLabel(c, myId);
  }

  /** Remembers the numbered list `/groups` printed. */
  setListed(list: Conversation[]): void {
    this.listed = list;
    for (const c of list) this.remember(c);
  }

  /** `n` of the last `/groups`, an id prefix or a title (case-insensitive). */
  find(ref: string): Conversation | undefined {
    const index = /^\d{1,3}$/.test(ref) ? Number(ref) - 1 : -1;
    const wanted = ref.toLowerCase();
    return (
      this.listed[index] ??
      [...this.byId.values()].find((c) => c.id.startsWith(wanted) || c.title?.toLowerCase() === wanted)
    );
  }

  /** Learns conversations from events; stops showing one the user left. */
  observe(event: EventPayload, myId: string): void {
    if (event.type === 'conversation_created' || event.type === 'participant_added')
      this.remember(event.conversation);
    if (event.type === 'participant_left' && event.user_id === myId) {
      this.byId.delete(event.conversation_id);
      if (this.current === event.conversation_id) this.current = undefined;
    }
  }
}

/** What the conversation commands need from the chat state. */
export interface ConversationCommandHost {
  readonly session: ChatSession;
  readonly myId: string;
  readonly groups: GroupState;
  /** The room shown; cleared when a group is entered. */
  currentRoomId: string | undefined;
  /** A user by name (the chat state's cache / `list_users`). */
  findUser(username: string): Promise<User | null>;
}

type Raw = Record<string, unknown> & { success: boolean; error?: { code: string; message: string } };
const usage = (text: string): CommandResult => ({ lines: [style.yellow(`Usage: ${text}`)] });

/** Sends a command; a failure becomes one red line. */
async function send(
  host: ConversationCommandHost,
  msg: Record<string, unknown>,
): Promise<Raw | CommandResult> {
  const res = (await host.session.request(msg as never)) as unknown as Raw;
  if (!res.success)
    return { lines: [style.red(`✖ ${res.error?.code ?? 'error'}: ${res.error?.message ?? ''}`)] };
  return res;
}
const failed = (r: Raw | CommandResult): r is CommandResult => 'lines' in r;

/** `/group`, `/groups`, `/gadd`, `/gleave`, merged into the chat state's command table. */
export function conversationCommands(
  host: ConversationCommandHost,
): Record<string, (rest: string) => Promise<CommandResult>> {
  const enter = (c: Conversation): CommandResult => {
    host.groups.remember(c);
    host.groups.current = c.id;
    host.currentRoomId = undefined;
    return {
      lines: [
        style.green(`Now in group “${conversationLabel(c, host.myId)}” (${c.participants.length} people)`),
      ],
    };
  };

  /** `/group <n|title>` switches; `/group <user> <user…> [title]` creates (leading known users, the rest is the title). */
  async function group(rest: string): Promise<CommandResult> {
    const words = rest.split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) return usage('/group <user> <user…> [title]  or  /group <n|title>');
    if (words.length === 1 || /^\d{1,3}$/.test(words[0] ?? '')) {
      const known = host.groups.find(rest);
      if (known === undefined) return { lines: [style.red(`No group ${rest} — /groups lists them`)] };
      return enter(known);
    }
    const users: User[] = [];
    let i = 0;
    for (; i < words.length; i++) {
      const u = await host.findUser(words[i] ?? '');
      if (u === null) break;
      if (u.id !== host.myId && !users.some((x) => x.id === u.id)) users.push(u);
    }
    if (users.length < 2)
      return { lines: [style.red('A group needs at least two other people: /group <user> <user…> [title]')] };
    const title = words.slice(i).join(' ');
    const res = await send(host, {
      type: 'create_conversation',
      participant_ids: users.map((u) => u.id),
      ...(title !== '' ? { title } : {}),
    });
    return failed(res) ? res : enter(res.conversation as Conversation);
  }

  async function groups(): Promise<CommandResult> {
    const res = await send(host, { type: 'list_conversations', limit: 100 });
    if (failed(res)) return res;
    const list = (res.conversations as Conversation[] | undefined) ?? [];
    host.groups.setListed(list);
    return {
      lines: [
        'Groups (most recent first; /group <n> to switch):',
        ...formatConversations(list, host.groups.current, host.myId),
      ],
    };
  }

  async function gadd(rest: string): Promise<CommandResult> {
    const id = host.groups.current;
    if (id === undefined) return { lines: [style.yellow('Enter a group first: /group <n>')] };
    const names = rest.split(/\s+/).filter((w) => w !== '');
    if (names.length === 0) return usage('/gadd <user> [user…]');
    const users: User[] = [];
    for (const n of names) {
      const u = await host.findUser(n);
      if (u === null) return { lines: [style.red(`No user named ${n}`)] };
      users.push(u);
    }
    const res = await send(host, {
      type: 'add_participants',
      conversation_id: id,
      user_ids: users.map((u) => u.id),
    });
    if (failed(res)) return res;
    host.groups.remember(res.conversation as Conversation);
    return { lines: [style.dim(`* added ${users.map((u) => u.username).join(', ')}`)] };
  }

  async function gleave(): Promise<CommandResult> {
    const id = host.groups.current;
    if (id === undefined) return { lines: [style.yellow('Not in a group')] };
    const label = host.groups.name(id, host.myId);
    const res = await send(host, { type: 'leave_conversation', conversation_id: id });
    if (failed(res)) return res;
    host.groups.current = undefined;
    return { lines: [style.yellow(`Left group “${label}”`)] };
  }

  return { group, groups: () => groups(), gadd, gleave: () => gleave() };
}
