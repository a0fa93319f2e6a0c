// Transport-independent client session: request/response correlation, event dispatch, keepalive.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { EventPayload, EventType } from '../../shared/kernel/events.js';
import type { Message, MessageTarget, MessageVersion } from '../../shared/features/messages/index.js';
import type { ClientMessageInput, ClientMessageType } from '../../relay/commands/index.js';
import type { ErrorMessage, ResponseOf, ResponseType, ServerMessage } from '../../relay/protocol/messages.js';

/** Interval between keepalive `ping`s, ms (upstream TUI: 30 s; server idle limit ≥ 30 s, docs/protocol/tcp.md §3). */
export const KEEPALIVE_MS = 25_000;
/** Default time to wait for a response, ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/**
 * Event types pushed by the server (docs/protocol/tcp.md §8, docs/protocol/extensions.md); a
 * record so that adding an event type to the catalog without listing it here fails to compile.
 */
const EVENT_TYPE_FLAGS: Record<EventType, true> = {
  message_received: true,
  message_edited: true,
  message_deleted: true,
  user_joined_room: true,
  user_left_room: true,
  member_role_changed: true,
  room_deleted: true,
  user_online: true,
  user_offline: true,
  user_typing: true,
  invitation_received: true,
  invitation_cancelled: true,
  invitation_status_changed: true,
  invitation_reminder: true,
  room_updated: true,
  server_notice: true,
  session_expiring: true,
  reaction_added: true,
  reaction_removed: true,
  thread_updated: true,
  mention: true,
  message_pinned: true,
  message_unpinned: true,
  member_muted: true,
  member_unmuted: true,
  read_marker_updated: true,
  read_receipt: true,
  delivery_receipt: true,
  friend_request_received: true,
  friend_request_accepted: true,
  friend_removed: true,
  presence_changed: true,
  user_updated: true,
  conversation_created: true,
  participant_added: true,
  participant_left: true,
};
const EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(EVENT_TYPE_FLAGS));

/** The extension name of the message lifecycle (docs/protocol/extensions.md §1). */
export const LAIR_MESSAGES = 'lair.messages';
/** Read state and delivery (docs/protocol/extensions.md §2). */
export const LAIR_RECEIPTS = 'lair.receipts';
/** Catch-up after being away (docs/protocol/extensions.md §3). */
export const LAIR_SYNC = 'lair.sync';

/** Client message types that get a `<type>_response` (docs/protocol/tcp.md §6, §7). */
export type RequestType = {
  [K in ClientMessageType]: `${K}_response` extends ResponseType ? K : never;
}[ClientMessageType];

/** What the caller passes to {@link ChatSession.request}: the message without `request_id`. */
export type RequestInput<T extends RequestType> = Omit<
  Extract<ClientMessageInput, { type: T }>,
  'request_id'
>;

/** The response to request type `T`, e.g. `ResponseFor<'join_room'>` = `join_room_response`. */
export type ResponseFor<T extends RequestType> = ResponseOf<`${T}_response`>;

/** One listener tuple per pushed event type. */
type EventListenerArgs = { [K in EventType]: [Extract<EventPayload, { type: K }>] };

/** Listener signatures of {@link ChatSession} (`on('event', …)`, `on('message_received', …)`, …). */
export interface SessionEventMap extends EventListenerArgs {
  /** Every pushed event (docs/protocol/tcp.md §8). */
  event: [EventPayload];
  /** A top-level `error` frame (docs/protocol/tcp.md §9.1); `timeout`/`version_mismatch` are followed by close. */
  server_error: [ErrorMessage];
  /** Every inbound message, before dispatch (debugging). */
  message: [ServerMessage];
  /** A frame the client could not use (bad JSON, unknown response); the connection stays open. */
  warning: [Error];
  /** The transport closed; `reason` is set for errors. Pending requests are rejected. */
  close: [Error | undefined];
}

/** Optional inputs of `send_message` (docs/protocol/extensions.md §1.1): `reply_to`, `message_type`, `priority`. */
export type SendOptions = Omit<RequestInput<'send_message'>, 'type' | 'target' | 'content'>;
/** Paging and filters of `get_messages` (extensions.md §0.5, §1.3, §1.5). */
export type HistoryOptions = Omit<RequestInput<'get_messages'>, 'type' | 'target'>;

/** One page of history, newest first (oldest first with `after`); `next_cursor` continues it. */
export interface MessagePage {
  messages: Message[];
  has_more: boolean;
  next_cursor: string | null;
}

/** One page of a thread (extensions.md §1.5): the root and replies oldest first. */
export interface ThreadPage {
  root: Message;
  replies: Message[];
  next_cursor: string | null;
}

/** A `*_response` with `success: false`, thrown by {@link ChatSession.call}. */
export class LairRequestError extends Error {
  constructor(
    readonly responseType: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LairRequestError';
  }
}

/** No response arrived in time, or the connection closed first. */
export class LairTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no reply within ${ms} ms`);
    this.name = 'LairTimeoutError';
  }
}

interface Pending {
  requestId: string;
  responseType: string;
  resolve: (msg: ServerMessage) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

interface Waiter {
  type: string;
  resolve: (msg: ServerMessage) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Shared client logic for TCP and WebSocket. Subclasses implement {@link transmit} and
 * {@link closeTransport}, and feed every inbound JSON message to {@link dispatch} and the end of
 * the connection to {@link handleClosed}.
 *
 * Correlation: each request carries a unique `request_id`. A response is matched by that id; if
 * the server sends `request_id: null` (upstream does for most responses, docs/protocol/tcp.md §2.2) it goes to
 * the oldest pending request expecting that response type.
 */
export abstract class ChatSession extends EventEmitter<SessionEventMap> {
  /** Response timeout, ms. */
  requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
  private readonly idPrefix = randomUUID().slice(0, 8);
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private waiters: Waiter[] = [];
  private keepalive: NodeJS.Timeout | undefined;
  private closed = false;

  /** Sends one message object (already complete, `request_id` included). */
  protected abstract transmit(msg: object): void;
  /** Closes the underlying connection gracefully. */
  protected abstract closeTransport(): void;

  /** True once the transport has closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Sends a request and resolves with its response, whatever `success` says.
   * @throws LairTimeoutError after {@link requestTimeoutMs}, or if the connection closes first.
   */
  request<T extends RequestType>(msg: RequestInput<T> & { type: T }): Promise<ResponseFor<T>> {
    if (this.closed) return Promise.reject(new Error('Connection is closed'));
    const requestId = `${this.idPrefix}-${this.nextId++}`;
    const responseType = `${msg.type}_response`;
    return new Promise<ResponseFor<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new LairTimeoutError(responseType, this.requestTimeoutMs));
      }, this.requestTimeoutMs);
      this.pending.set(requestId, {
        requestId,
        responseType,
        resolve: (m) => {
          resolve(m as ResponseFor<T>);
        },
        reject,
        timer,
      });
      this.transmit({ ...msg, request_id: requestId });
    });
  }

  /**
   * {@link request}, then fails unless `success` is true.
   * @throws LairRequestError with the response's `error.code`/`message`; LairTimeoutError.
   */
  async call<T extends RequestType>(msg: RequestInput<T> & { type: T }): Promise<ResponseFor<T>> {
    const res = await this.request<T>(msg);
    if (!res.success) {
      throw new LairRequestError(
        res.type,
        res.error?.code ?? 'unknown',
        res.error?.message ?? 'Request failed',
      );
    }
    return res;
  }

  /** `authenticate` with a JWT from HTTP login/register (docs/protocol/tcp.md §6.1); throws LairRequestError on failure. */
  authenticate(token: string): Promise<ResponseFor<'authenticate'>> {
    return this.call({ type: 'authenticate', token });
  }

  /** `logout` (docs/protocol/tcp.md §6.4): deletes the session server-side; the server then closes. */
  async logout(): Promise<ResponseFor<'logout'>> {
    const res = await this.request({ type: 'logout' });
    this.close();
    return res;
  }

  /** Sends `ping` and resolves with `pong.server_time` (docs/protocol/tcp.md §7.18). */
  async ping(): Promise<string> {
    const pong = this.waitFor('pong', this.requestTimeoutMs);
    this.transmit({ type: 'ping' });
    return (await pong).server_time;
  }

  /** `send_message`, optionally as a reply (extensions.md §1.5); resolves with the stored message. */
  async sendMessage(target: MessageTarget, content: string, options: SendOptions = {}): Promise<Message> {
    return present(await this.call({ type: 'send_message', target, content, ...options }), 'message');
  }

  /** `edit_message` (author only); the server also pushes `message_edited`. */
  async editMessage(messageId: string, content: string): Promise<Message> {
    return present(await this.call({ type: 'edit_message', message_id: messageId, content }), 'message');
  }

  /** `delete_message`: leaves a tombstone (extensions.md §1.3); the server pushes `message_deleted`. */
  async deleteMessage(messageId: string): Promise<void> {
    await this.call({ type: 'delete_message', message_id: messageId });
  }

  /** `get_messages`: one page, newest first; pass `next_cursor` back as `cursor` for older ones. */
  async getMessages(target: MessageTarget, options: HistoryOptions = {}): Promise<MessagePage> {
    const res = await this.call({ type: 'get_messages', target, ...options });
    return { messages: res.messages ?? [], has_more: res.has_more, next_cursor: res.next_cursor ?? null };
  }

  /** `get_message_versions` (extensions.md §1.2): oldest first, the current content last. */
  async getMessageVersions(messageId: string): Promise<MessageVersion[]> {
    return (await this.call({ type: 'get_message_versions', message_id: messageId })).versions ?? [];
  }

  /** `add_reaction` (idempotent; extensions.md §1.4); `emoji` is one emoji or `:shortcode:`. */
  async addReaction(messageId: string, emoji: string): Promise<Message> {
    return present(await this.call({ type: 'add_reaction', message_id: messageId, emoji }), 'message');
  }

  /** `remove_reaction`; fails with `reaction_not_found` when we had not reacted with `emoji`. */
  async removeReaction(messageId: string, emoji: string): Promise<Message> {
    return present(await this.call({ type: 'remove_reaction', message_id: messageId, emoji }), 'message');
  }

  /** `get_thread` (extensions.md §1.5); `messageId` may be the root or any reply of it. */
  async getThread(messageId: string, options: { limit?: number; cursor?: string } = {}): Promise<ThreadPage> {
    const res = await this.call({ type: 'get_thread', message_id: messageId, ...options });
    return { root: present(res, 'root'), replies: res.replies ?? [], next_cursor: res.next_cursor ?? null };
  }

  /** `pin_message` / `unpin_message` (docs/protocol/extensions.md §1.6). */
  async setPinned(messageId: string, pin: boolean): Promise<Message> {
    const res = pin
      ? await this.call({ type: 'pin_message', message_id: messageId })
      : await this.call({ type: 'unpin_message', message_id: messageId });
    return present(res, 'message');
  }

  /** `list_pins`: the target's pinned messages, newest first. */
  async listPins(target: MessageTarget): Promise<Message[]> {
    return (await this.call({ type: 'list_pins', target })).messages ?? [];
  }

  /** `list_mentions`: messages naming us, newest first. */
  async listMentions(
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ messages: Message[]; next_cursor: string | null }> {
    const res = await this.call({ type: 'list_mentions', ...options });
    return { messages: res.messages ?? [], next_cursor: res.next_cursor ?? null };
  }

  /** Sends `typing` for a target; there is never a response (docs/protocol/tcp.md §7.17). */
  typing(target: MessageTarget): void {
    if (!this.closed) this.transmit({ type: 'typing', target });
  }

  /** Closes the connection; pending requests are rejected. Idempotent. */
  close(): void {
    this.stopKeepalive();
    if (!this.closed) this.closeTransport();
  }

  /**
   * Resolves with the next inbound message of `type` (handshake messages, `pong`).
   * @throws LairTimeoutError after `timeoutMs`, or Error if the connection closes first.
   */
  protected waitFor<K extends ServerMessage['type']>(
    type: K,
    timeoutMs: number,
  ): Promise<Extract<ServerMessage, { type: K }>> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        type,
        resolve: (m) => {
          resolve(m as Extract<ServerMessage, { type: K }>);
        },
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new LairTimeoutError(type, timeoutMs));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Starts the unref'd keepalive `ping` timer ({@link KEEPALIVE_MS}). */
  protected startKeepalive(intervalMs = KEEPALIVE_MS): void {
    this.stopKeepalive();
    this.keepalive = setInterval(() => {
      if (!this.closed) this.transmit({ type: 'ping' });
    }, intervalMs);
    this.keepalive.unref();
  }

  private stopKeepalive(): void {
    if (this.keepalive !== undefined) clearInterval(this.keepalive);
    this.keepalive = undefined;
  }

  /**
   * Routes one inbound message: handshake waiters, responses to their request, events to
   * listeners, top-level errors to `server_error`.
   */
  protected dispatch(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null || typeof (raw as { type?: unknown }).type !== 'string') {
      this.emit('warning', new Error('Server message without a string `type`'));
      return;
    }
    const msg = raw as ServerMessage;
    this.emit('message', msg);
    const waiter = this.waiters.find((w) => w.type === msg.type);
    if (waiter !== undefined) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(msg);
      return;
    }
    if (msg.type === 'error') {
      this.emit('server_error', msg);
    } else if (EVENT_TYPES.has(msg.type)) {
      const event = msg as EventPayload;
      this.emit('event', event);
      (this.emit as (name: string, e: EventPayload) => boolean)(event.type, event);
    } else if (msg.type.endsWith('_response') && 'success' in msg) {
      this.settle(msg);
    } else if (msg.type !== 'pong') {
      this.emit('warning', new Error(`Unexpected server message type ${msg.type}`));
    }
  }

  /** Matches a response to its pending request (by id, else oldest of that type). */
  private settle(msg: ServerMessage & { request_id: string | null }): void {
    let entry = msg.request_id !== null ? this.pending.get(msg.request_id) : undefined;
    if (entry?.responseType !== msg.type) {
      entry = [...this.pending.values()].find((p) => p.responseType === msg.type);
    }
    if (entry === undefined) {
      this.emit('warning', new Error(`Unmatched ${msg.type} (request_id ${String(msg.request_id)})`));
      return;
    }
    this.pending.delete(entry.requestId);
    clearTimeout(entry.timer);
    entry.resolve(msg);
  }

  /** Called by the transport once the connection is gone: rejects everything pending, emits `close`. */
  protected handleClosed(reason?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.stopKeepalive();
    const err = reason ?? new Error('Connection closed');
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.waiters = [];
    this.emit('close', reason);
  }
}

/** A payload field a successful response must carry. @throws Error when the server left it out */
function present<R extends { type: string }, K extends keyof R>(res: R, field: K): NonNullable<R[K]> {
  const value = res[field];
  if (value === undefined || value === null) throw new Error(`${res.type} without \`${String(field)}\``);
  return value;
}
