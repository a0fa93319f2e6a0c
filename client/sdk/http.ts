// Minimal fetch-based client for the Lair Chat REST API (protocol docs/protocol/http.md).
import type { AuthResult } from '../../shared/features/auth/index.js';
import type { Invitation } from '../../shared/features/invitations/index.js';
import type { Message, MessageTarget } from '../../shared/features/messages/index.js';
import type { Room, RoomListItem, RoomMembership } from '../../shared/features/rooms/index.js';
import type { User } from '../../shared/features/users/index.js';

/**
 * A non-2xx answer. `code`/`message` come from the `{"error":{code,message}}` envelope
 * (docs/protocol/http.md §2.1); framework errors without an envelope get `code` `http_<status>` and the body text.
 */
export class LairHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LairHttpError';
  }
}

/** `{"success":true}` body of payload-less operations (docs/protocol/http.md §4). */
export interface SuccessBody {
  success: boolean;
}

/** HTTP message target: the DM tag is `direct_message` on this route only (docs/protocol/http.md §9.1). */
export type HttpMessageTarget =
  | { type: 'room'; room_id: string }
  | { type: 'direct_message'; recipient: string }
  | { type: 'conversation'; conversation_id: string };

/**
 * REST client bound to one base URL (e.g. `http://127.0.0.1:8082`). After {@link register} or
 * {@link login} the returned JWT is kept in {@link token} and sent as `Authorization: Bearer`.
 * Every method throws {@link LairHttpError} on a non-2xx status and `TypeError` on network failure.
 */
export class LairHttpClient {
  /** Current bearer token, set by login/register, cleared by logout. */
  token: string | undefined;

  constructor(
    readonly baseUrl: string,
    token?: string,
  ) {
    this.token = token;
  }

  /** `POST /api/v1/auth/register` (docs/protocol/http.md §5.1); stores the token. */
  async register(username: string, email: string, password: string): Promise<AuthResult> {
    const res = await this.send<AuthResult>('POST', '/api/v1/auth/register', { username, email, password });
    this.token = res.token;
    return res;
  }

  /**
   * `POST /api/v1/auth/login` with username or email (docs/protocol/http.md §5.2); stores the token.
   * @param factor - the second factor after a `totp_required` answer (docs/protocol/extensions.md §10)
   */
  async login(
    identifier: string,
    password: string,
    factor: { totp_code?: string; recovery_code?: string } = {},
  ): Promise<AuthResult> {
    const res = await this.send<AuthResult>('POST', '/api/v1/auth/login', {
      identifier,
      password,
      ...factor,
    });
    this.token = res.token;
    return res;
  }

  /** `POST /api/v1/auth/logout` (docs/protocol/http.md §5.3); clears the token. */
  async logout(): Promise<SuccessBody> {
    const res = await this.send<SuccessBody>('POST', '/api/v1/auth/logout');
    this.token = undefined;
    return res;
  }

  /** `GET /api/v1/users/me` (docs/protocol/http.md §6.1). */
  me(): Promise<{ user: User }> {
    return this.send('GET', '/api/v1/users/me');
  }

  /** `GET /api/v1/users` (docs/protocol/http.md §6.3). */
  listUsers(query: { limit?: number; offset?: number } = {}): Promise<{
    users: { user: User; online: boolean }[];
    has_more: boolean;
    total_count: number;
  }> {
    return this.send('GET', `/api/v1/users${qs(query)}`);
  }

  /** `GET /api/v1/rooms` (docs/protocol/http.md §7.2). */
  listRooms(query: { joined_only?: boolean; limit?: number; offset?: number } = {}): Promise<{
    rooms: RoomListItem[];
    has_more: boolean;
    total_count: number;
  }> {
    return this.send('GET', `/api/v1/rooms${qs(query)}`);
  }

  /** `POST /api/v1/rooms` (docs/protocol/http.md §7.1); `isPublic` defaults to true. */
  createRoom(
    name: string,
    options: { description?: string; isPublic?: boolean; maxMembers?: number } = {},
  ): Promise<{
    room: Room;
  }> {
    return this.send('POST', '/api/v1/rooms', {
      name,
      ...(options.description !== undefined ? { description: options.description } : {}),
      settings: {
        public: options.isPublic ?? true,
        ...(options.maxMembers !== undefined ? { max_members: options.maxMembers } : {}),
      },
    });
  }

  /** `POST /api/v1/rooms/{id}/join` (docs/protocol/http.md §7.6). */
  joinRoom(roomId: string): Promise<{ room: Room; membership: RoomMembership }> {
    return this.send('POST', `/api/v1/rooms/${encodeURIComponent(roomId)}/join`);
  }

  /** `POST /api/v1/rooms/{id}/leave` (docs/protocol/http.md §7.7). */
  leaveRoom(roomId: string): Promise<SuccessBody> {
    return this.send('POST', `/api/v1/rooms/${encodeURIComponent(roomId)}/leave`);
  }

  /** `POST /api/v1/messages` (docs/protocol/http.md §9.1); a `dm` target is sent as `direct_message`. */
  sendMessage(target: MessageTarget | HttpMessageTarget, content: string): Promise<{ message: Message }> {
    const httpTarget: HttpMessageTarget =
      target.type === 'room' || target.type === 'conversation' || target.type === 'direct_message'
        ? target
        : { type: 'direct_message', recipient: target.recipient };
    return this.send('POST', '/api/v1/messages', { target: httpTarget, content });
  }

  /** `GET /api/v1/messages` newest first (docs/protocol/http.md §9.2). */
  messageHistory(target: MessageTarget, limit?: number): Promise<{ messages: Message[]; has_more: boolean }> {
    const query = {
      target_type: target.type === 'dm' ? 'direct_message' : target.type,
      target_id:
        target.type === 'room'
          ? target.room_id
          : target.type === 'conversation'
            ? target.conversation_id
            : target.recipient,
      limit,
    };
    return this.send('GET', `/api/v1/messages${qs(query)}`);
  }

  /** `POST /api/v1/invitations` (docs/protocol/http.md §10.1). */
  invite(roomId: string, userId: string): Promise<{ invitation: Invitation }> {
    return this.send('POST', '/api/v1/invitations', { room_id: roomId, user_id: userId });
  }

  /** `GET /api/v1/invitations` (docs/protocol/http.md §10.2). */
  listInvitations(): Promise<{ invitations: Invitation[]; has_more: boolean }> {
    return this.send('GET', '/api/v1/invitations');
  }

  /** `POST /api/v1/invitations/{id}/accept` (docs/protocol/http.md §10.3). */
  acceptInvitation(invitationId: string): Promise<{ membership: RoomMembership; room: Room }> {
    return this.send('POST', `/api/v1/invitations/${encodeURIComponent(invitationId)}/accept`);
  }

  /** `POST /api/v1/invitations/{id}/decline` (docs/protocol/http.md §10.4). */
  declineInvitation(invitationId: string): Promise<SuccessBody> {
    return this.send('POST', `/api/v1/invitations/${encodeURIComponent(invitationId)}/decline`);
  }

  /**
   * Sends one request and returns the parsed JSON body.
   * @throws LairHttpError on a non-2xx status.
   */
  async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(new URL(path, this.baseUrl), init);
    const text = await res.text();
    if (!res.ok) throw toError(res.status, text);
    return (text === '' ? {} : JSON.parse(text)) as T;
  }
}

/** Builds the error for a failed response, preferring the envelope (docs/protocol/http.md §2). */
function toError(status: number, text: string): LairHttpError {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = parsed.error ?? {};
    if (typeof code === 'string')
      return new LairHttpError(status, code, typeof message === 'string' ? message : code);
  } catch {
    // not an envelope; fall through
  }
  return new LairHttpError(status, `http_${status}`, text === '' ? `HTTP ${status}` : text);
}

/** Query string from defined values (`?a=1&b=true`), or `''`. */
function qs(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
