// Slash-command handling for the terminal client: state, name caches and one handler per command.
import type { ChatSession } from '../sdk/session.js';
import type { Invitation } from '../../shared/features/invitations/index.js';
import type { Room } from '../../shared/features/rooms/index.js';
import type { User } from '../../shared/features/users/index.js';
import type { Message } from '../../shared/features/messages/index.js';
import type { EventPayload } from '../../shared/kernel/events.js';
import { parseUuid } from '../../shared/kernel/validation.js';
import { MessageBook } from './message-book.js';
import { searchCommands } from './search-commands.js';
import { fileCommands, type FileTransfer } from './file-commands.js';
import { securityCommands, type AccountApi } from './security-commands.js';
import { moderationCommands } from './moderation-commands.js';
import { roomModerationCommands } from './room-moderation-commands.js';
import { socialCommands } from './social-commands.js';
import { conversationCommands, GroupState } from './conversation-commands.js';
import { invitationCommands, type InviteLinkMaker } from './invitation-commands.js';
import { messageSearchCommands, type ExportTransfer } from './message-search-commands.js';
import { MessageCommands } from './message-commands.js';
import { CatchUp, syncCommands } from './sync-commands.js';
import { HELP, formatInvitations, formatRooms, formatWho, shortId, style } from './render.js';
import type { RenderContext } from './render.js';

/** Result of a command: lines to print, and whether to quit. */
export interface CommandResult {
  lines: string[];
  quit?: boolean;
}

/** Splits `/name rest of line` into the command name and its argument text. */
export function parseCommand(line: string): { name: string; rest: string } | null {
  const m = /^\/(\S+)\s*(.*)$/s.exec(line.trim());
  return m === null ? null : { name: (m[1] ?? '').toLowerCase(), rest: (m[2] ?? '').trim() };
}

/**
 * Client-side state of one terminal session: who we are, the current room, id <-> name caches
 * filled from responses and events, and the numbered messages printed so far.
 */
export class ChatState implements RenderContext {
  currentRoomId: string | undefined;
  /** Group conversations and the one shown (docs/protocol/extensions.md §7.2). */
  readonly groups = new GroupState();
  /** Every printed message by its short number `[n]` (per session). */
  readonly book = new MessageBook();
  private readonly lifecycle = new MessageCommands(this);
  /** Sync on (re)connect and read state (docs/protocol/extensions.md §2, §3). */
  readonly catchUp: CatchUp;
  private readonly rooms = new Map<string, Room>();
  private readonly users = new Map<string, User>();
  /** Usernames learnt from events that carry no full User (presence, messages, invitations). */
  private readonly names = new Map<string, string>();
  private invitations: Invitation[] = [];

  constructor(
    /** The connection in use; replaced after a reconnect. */
    public session: ChatSession,
    readonly me: User,
    /** HTTP file transfer for /upload and /download (absent: those commands say so). */
    readonly files?: FileTransfer & Partial<ExportTransfer>,
    /** HTTP account API + terminal questions for /2fa and /sessions (absent: those commands say so). */
    readonly account?: AccountApi & { print: (...lines: string[]) => void },
    /** HTTP invite-link creation for /invite-link (absent: the command says so). */
    readonly links?: InviteLinkMaker,
    /** Where the sync token is kept between runs (null: memory only). */
    catchUpFile: string | null = null,
  ) {
    this.users.set(me.id, me);
    this.catchUp = new CatchUp(this, catchUpFile);
  }

  /**
   * {@link MessageCommandHost.resolveAuthors}: one `get_user` per unknown id (at most 20 per call,
   * in parallel); a deleted user answers `deleted-user` (extensions.md §9). Failures leave the short id.
   */
  async resolveAuthors(ids: readonly string[]): Promise<void> {
    const unknown = [...new Set(ids)].filter((id) => !this.users.has(id) && !this.names.has(id)).slice(0, 20);
    await Promise.all(
      unknown.map(async (id) => {
        try {
          const res = await this.session.call({ type: 'get_user', user_id: id });
          if (res.user !== undefined) this.names.set(id, res.user.username);
        } catch {
          // Unknown to the server too: the short id stays.
        }
      }),
    );
  }

  /** {@link MessageCommandHost.shownInRoom}: forwards to the catch-up's debounced `mark_read`. */
  shownInRoom(roomId: string, messageId: string): void {
    this.catchUp.shownInRoom(roomId, messageId);
  }

  get myId(): string {
    return this.me.id;
  }

  roomName(id: string): string {
    return this.rooms.get(id)?.name ?? shortId(id);
  }

  get currentConversationId(): string | undefined {
    return this.groups.current;
  }

  conversationName(id: string): string {
    return this.groups.name(id, this.myId);
  }

  userName(id: string): string {
    return this.users.get(id)?.username ?? this.names.get(id) ?? shortId(id);
  }

  messageRef(id: string): number | undefined {
    return this.book.numberOf(id);
  }

  knownMessage(id: string): Message | undefined {
    return this.book.get(id);
  }

  /** Fills the name caches (first 100 users, joined rooms, group conversations) so events render with names. */
  async warmUp(): Promise<void> {
    const [users, joined, groups] = await Promise.all([
      this.session.call({ type: 'list_users', limit: 100 }),
      this.session.call({ type: 'list_rooms', filter: { joined_only: true } }),
      this.session.call({ type: 'list_conversations', limit: 100 }).catch(() => ({ conversations: [] })),
    ]);
    for (const c of groups.conversations ?? []) this.groups.remember(c);
    for (const u of users.users ?? []) this.users.set(u.id, u);
    for (const item of joined.rooms ?? []) this.rooms.set(item.room.id, item.room);
  }

  /** Learns names and message state from a pushed event and keeps the current room valid. */
  observe(event: EventPayload): void {
    this.book.observe(event);
    this.catchUp.observe(event);
    this.groups.observe(event, this.myId);
    if (
      event.type === 'message_received' &&
      event.message.target.type === 'room' &&
      event.message.target.room_id === this.currentRoomId &&
      event.message.author !== this.myId
    ) {
      this.catchUp.shownInRoom(event.message.target.room_id, event.message.id);
    }
    switch (event.type) {
      case 'user_joined_room':
        this.users.set(event.user.id, event.user);
        break;
      case 'message_received':
        this.names.set(event.message.author, event.author_username);
        break;
      case 'user_online':
      case 'user_offline':
      case 'member_role_changed':
        this.names.set(event.user_id, event.username);
        break;
      case 'room_updated':
        this.rooms.set(event.room.id, event.room);
        break;
      case 'invitation_received':
        this.invitations.push(event.invitation);
        this.names.set(event.invitation.inviter_id, event.invitation.inviter_name);
        break;
      default:
        break;
    }
    const gone =
      (event.type === 'room_deleted' && event.room_id === this.currentRoomId) ||
      (event.type === 'user_left_room' &&
        event.user_id === this.myId &&
        event.room_id === this.currentRoomId);
    if (gone) this.currentRoomId = undefined;
  }

  /** Runs one input line: a slash command, or text for the current room. */
  async run(line: string): Promise<CommandResult> {
    const cmd = parseCommand(line);
    if (cmd === null) return this.say(line);
    const handler = this.handlers[cmd.name];
    if (handler === undefined) return { lines: [style.red(`Unknown command /${cmd.name} — try /help`)] };
    return handler(cmd.rest);
  }

  private readonly handlers: Record<string, ((rest: string) => Promise<CommandResult>) | undefined> = {
    help: () => Promise.resolve({ lines: [...HELP] }),
    quit: () => Promise.resolve({ lines: [], quit: true }),
    exit: () => Promise.resolve({ lines: [], quit: true }),
    rooms: () => this.listRooms(),
    join: (rest) => this.join(rest),
    create: (rest) => this.create(rest),
    leave: () => this.leave(),
    msg: (rest) => this.dm(rest),
    who: () => this.who(),
    invite: (rest) => this.invite(rest),
    invites: () => this.listInvites(),
    accept: (rest) => this.answerInvite(rest, 'accept_invitation'),
    decline: (rest) => this.answerInvite(rest, 'decline_invitation'),
    ...this.lifecycle.handlers,
    ...fileCommands(this),
    ...searchCommands(this),
    ...messageSearchCommands(this),
    ...securityCommands(
      () => this.account,
      (...lines) => this.account?.print(...lines),
    ),
    ...moderationCommands(this),
    ...roomModerationCommands(this),
    ...socialCommands(this),
    ...conversationCommands(this),
    ...invitationCommands(this),
    ...syncCommands(this),
  };

  /** The numbered invitation list (from /invites) that /accept, /decline and /revoke refer to. */
  rememberInvitations(list: Invitation[]): void {
    this.invitations = list;
  }

  /** The invitation `[n]` of the last list, or the one whose id starts with `ref`. */
  numberedInvitation(ref: string): Invitation | undefined {
    const index = /^\d{1,3}$/.test(ref) ? Number(ref) - 1 : -1;
    return this.invitations[index] ?? this.invitations.find((i) => i.id.startsWith(ref.toLowerCase()));
  }

  /** Makes a just-joined room current. */
  enterRoom(roomId: string, name: string): void {
    this.rooms.set(roomId, { ...placeholderRoom(roomId), name });
    this.currentRoomId = roomId;
  }

  private async say(text: string): Promise<CommandResult> {
    if (text.trim() === '') return { lines: [] };
    if (this.groups.current !== undefined) {
      await this.session.sendMessage({ type: 'conversation', conversation_id: this.groups.current }, text);
      return { lines: [] };
    }
    if (this.currentRoomId === undefined)
      return { lines: [style.yellow('Not in a room: /join <room>, /group <n> or /msg <user> <text>')] };
    await this.session.sendMessage({ type: 'room', room_id: this.currentRoomId }, text);
    return { lines: [] }; // our own message comes back as message_received
  }

  private async listRooms(): Promise<CommandResult> {
    const [pub, joined, unread] = await Promise.all([
      this.session.call({ type: 'list_rooms', limit: 100 }),
      this.session.call({ type: 'list_rooms', filter: { joined_only: true } }),
      this.session.call({ type: 'get_unread' }).catch(() => ({ unread: [] })),
    ]);
    const counts = new Map(
      (unread.unread ?? []).flatMap((u) =>
        u.target.type === 'room' ? [[u.target.room_id, u.unread_count] as const] : [],
      ),
    );
    const all = new Map<string, NonNullable<typeof pub.rooms>[number]>();
    for (const item of [...(pub.rooms ?? []), ...(joined.rooms ?? [])]) {
      this.rooms.set(item.room.id, item.room);
      all.set(item.room.id, item);
    }
    const sorted = [...all.values()].sort((a, b) => a.room.name.localeCompare(b.room.name));
    return { lines: ['Rooms:', ...formatRooms(sorted, this.currentRoomId, counts)] };
  }

  /** Resolves `#name`, a name or a UUID to a room id (searching joined rooms, then public ones). */
  private async findRoom(nameOrId: string): Promise<{ id: string; joined: boolean } | null> {
    const name = nameOrId.replace(/^#/, '').toLowerCase();
    const joined = await this.session.call({ type: 'list_rooms', filter: { joined_only: true } });
    const pub = await this.session.call({ type: 'list_rooms', limit: 100 });
    for (const item of [...(joined.rooms ?? []), ...(pub.rooms ?? [])]) {
      this.rooms.set(item.room.id, item.room);
      if (item.room.name.toLowerCase() === name || item.room.id === nameOrId)
        return { id: item.room.id, joined: item.is_member };
    }
    const uuid = parseUuid(nameOrId);
    return uuid === null ? null : { id: uuid, joined: false };
  }

  private async join(rest: string): Promise<CommandResult> {
    if (rest === '') return usage('/join <name|id>');
    const found = await this.findRoom(rest);
    if (found === null) return { lines: [style.red(`No room named ${rest}`)] };
    if (!found.joined) {
      const res = await this.session.call({ type: 'join_room', room_id: found.id });
      if (res.room !== undefined) this.rooms.set(res.room.id, res.room);
    }
    this.currentRoomId = found.id;
    this.groups.current = undefined;
    // Entering a room shows it: what was printed of it (catch-up, history) counts as read.
    const newest = this.book.newestInRoom(found.id);
    if (newest !== undefined) this.catchUp.shownInRoom(found.id, newest.id);
    return { lines: [style.green(`Now in #${this.roomName(found.id)}`)] };
  }

  private async create(rest: string): Promise<CommandResult> {
    const isPrivate = /(^|\s)--private(\s|$)/.test(rest);
    const name = rest.replace(/(^|\s)--private(\s|$)/, ' ').trim();
    if (name === '') return usage('/create <name> [--private]');
    const res = await this.session.call({ type: 'create_room', name, settings: { public: !isPrivate } });
    if (res.room === undefined) return { lines: [] };
    this.rooms.set(res.room.id, res.room);
    this.currentRoomId = res.room.id;
    this.groups.current = undefined;
    return {
      lines: [style.green(`Created ${isPrivate ? 'private ' : ''}room #${res.room.name}; you are in it`)],
    };
  }

  private async leave(): Promise<CommandResult> {
    const roomId = this.currentRoomId;
    if (roomId === undefined) return { lines: [style.yellow('Not in a room')] };
    await this.session.call({ type: 'leave_room', room_id: roomId });
    this.currentRoomId = undefined;
    return { lines: [style.yellow(`Left #${this.roomName(roomId)}`)] };
  }

  /** Finds a user by username (case-insensitive), paging through `list_users` if needed. */
  /** A user by name: the cache, else `list_users` pages. */
  async findUser(username: string): Promise<User | null> {
    const wanted = username.replace(/^@/, '').toLowerCase();
    const cached = [...this.users.values()].find((u) => u.username.toLowerCase() === wanted);
    if (cached !== undefined) return cached;
    for (let offset = 0; ; offset += 100) {
      const page = await this.session.call({ type: 'list_users', limit: 100, offset });
      for (const u of page.users ?? []) this.users.set(u.id, u);
      const hit = (page.users ?? []).find((u) => u.username.toLowerCase() === wanted);
      if (hit !== undefined) return hit;
      if (!page.has_more) return null;
    }
  }

  private async dm(rest: string): Promise<CommandResult> {
    const m = /^(\S+)\s+(.+)$/s.exec(rest);
    if (m === null) return usage('/msg <user> <text>');
    const user = await this.findUser(m[1] ?? '');
    if (user === null) return { lines: [style.red(`No user named ${m[1] ?? ''}`)] };
    await this.session.sendMessage({ type: 'dm', recipient: user.id }, m[2] ?? '');
    return { lines: [] };
  }

  private async who(): Promise<CommandResult> {
    const res = await this.session.call({ type: 'list_users', limit: 100 });
    for (const u of res.users ?? []) this.users.set(u.id, u);
    const online = new Set(res.online_user_ids ?? []);
    const known = [...this.users.values()].sort((a, b) => a.username.localeCompare(b.username));
    return { lines: [`Online (${online.size}):`, ...formatWho(known, online, this.myId)] };
  }

  private async invite(rest: string): Promise<CommandResult> {
    if (rest === '') return usage('/invite <user>');
    if (this.currentRoomId === undefined) return { lines: [style.yellow('Join a room first')] };
    const user = await this.findUser(rest);
    if (user === null) return { lines: [style.red(`No user named ${rest}`)] };
    await this.session.call({ type: 'invite_to_room', room_id: this.currentRoomId, user_id: user.id });
    return { lines: [style.green(`Invited ${user.username} to #${this.roomName(this.currentRoomId)}`)] };
  }

  private async listInvites(): Promise<CommandResult> {
    const res = await this.session.call({ type: 'list_invitations' });
    this.invitations = res.invitations ?? [];
    return { lines: ['Invitations:', ...formatInvitations(this.invitations)] };
  }

  private async answerInvite(
    rest: string,
    type: 'accept_invitation' | 'decline_invitation',
  ): Promise<CommandResult> {
    if (rest === '') return usage(`/${type.split('_')[0] ?? ''} <n|id>`);
    const index = /^\d{1,3}$/.test(rest) ? Number(rest) - 1 : -1;
    const inv = this.invitations[index] ?? this.invitations.find((i) => i.id.startsWith(rest.toLowerCase()));
    const id = inv?.id ?? rest;
    if (type === 'decline_invitation') {
      await this.session.call({ type, invitation_id: id });
      this.invitations = this.invitations.filter((i) => i.id !== id);
      return { lines: [style.yellow('Invitation declined')] };
    }
    const res = await this.session.call({ type, invitation_id: id });
    this.invitations = this.invitations.filter((i) => i.id !== id);
    if (res.membership !== undefined) this.currentRoomId = res.membership.room_id;
    if (inv !== undefined)
      this.rooms.set(inv.room_id, { ...placeholderRoom(inv.room_id), name: inv.room_name });
    return { lines: [style.green(`Joined #${inv?.room_name ?? this.roomName(this.currentRoomId ?? id)}`)] };
  }
}

function usage(text: string): CommandResult {
  return { lines: [style.yellow(`Usage: ${text}`)] };
}

/** A name-only room cache entry for rooms learnt from invitations. */
function placeholderRoom(id: string): Room {
  return {
    id,
    name: shortId(id),
    owner: '',
    settings: { description: null, is_private: true, max_members: null, retention_days: null },
    created_at: '',
  };
}
