// Client -> server message schemas (zod discriminated union on `type`) and the payload parser.
import { z } from 'zod';
import { parseUuid } from '../../shared/kernel/validation.js';

export * from './server-messages.js';

/** `request_id` where declared: JSON string or null, optional; a number fails (tcp.md §2.1). */
const requestId = z.string().nullish();

/** Unsigned 32-bit integer field (`limit`, `offset`, `max_members`); null means absent. */
const u32 = z.number().int().min(0).max(0xffff_ffff).nullish();

/**
 * UUID inside `target`, parsed with the frame like upstream `uuid::parse_str` (domain.md §1);
 * emitted in canonical lowercase hyphenated form. A bad one fails the whole frame (tcp.md §7).
 */
const uuidField = z.string().transform((value, ctx) => {
  const parsed = parseUuid(value);
  if (parsed === null) {
    ctx.issues.push({ code: 'custom', message: `invalid UUID ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }
  return parsed;
});

/** MessageTarget as accepted on TCP/WS: `room` or `dm` tag only (domain.md §4.6). */
export const messageTargetSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('room'), room_id: uuidField }),
  z.object({ type: z.literal('dm'), recipient: uuidField }),
]);

/** Builds a command schema: `type` literal + optional `request_id` + the given fields. */
function command<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.object({ type: z.literal(type), request_id: requestId, ...shape });
}

/** Every client -> server message schema, keyed by `type` (tcp.md §4.2, §5.1, §6, §7). */
export const clientMessageSchemas = {
  client_hello: z.object({
    type: z.literal('client_hello'),
    version: z.string(),
    client_name: z.string().nullish(),
    features: z.array(z.string()).optional(),
  }),
  key_exchange: z.object({ type: z.literal('key_exchange'), public_key: z.string() }),
  authenticate: command('authenticate', { token: z.string() }),
  login: command('login', { identifier: z.string(), password: z.string() }),
  register: command('register', { username: z.string(), email: z.string(), password: z.string() }),
  logout: command('logout', {}),
  send_message: command('send_message', { target: messageTargetSchema, content: z.string() }),
  edit_message: command('edit_message', { message_id: z.string(), content: z.string() }),
  delete_message: command('delete_message', { message_id: z.string() }),
  get_messages: command('get_messages', {
    target: messageTargetSchema,
    limit: u32,
    before: z.string().nullish(),
  }),
  create_room: command('create_room', {
    name: z.string(),
    description: z.string().nullish(),
    settings: z.object({ public: z.boolean().nullish(), max_members: u32 }).nullish(),
  }),
  get_room: command('get_room', { room_id: z.string() }),
  list_rooms: command('list_rooms', {
    filter: z
      .object({
        search: z.string().nullish(),
        joined_only: z.boolean().nullish(),
        public_only: z.boolean().nullish(),
      })
      .nullish(),
    limit: u32,
    offset: u32,
  }),
  join_room: command('join_room', { room_id: z.string() }),
  leave_room: command('leave_room', { room_id: z.string() }),
  invite_to_room: command('invite_to_room', {
    room_id: z.string(),
    user_id: z.string(),
    message: z.string().nullish(),
  }),
  accept_invitation: command('accept_invitation', { invitation_id: z.string() }),
  decline_invitation: command('decline_invitation', { invitation_id: z.string() }),
  list_invitations: command('list_invitations', {}),
  get_user: command('get_user', { user_id: z.string() }),
  list_users: command('list_users', {
    filter: z.object({ search: z.string().nullish(), online_only: z.boolean().nullish() }).nullish(),
    limit: u32,
    offset: u32,
  }),
  get_current_user: command('get_current_user', {}),
  typing: z.object({ type: z.literal('typing'), target: messageTargetSchema }),
  ping: z.object({ type: z.literal('ping') }),
} as const;

/** Client message `type` tags, in tcp.md order. */
export type ClientMessageType = keyof typeof clientMessageSchemas;

/** The set of known client message types. */
export const CLIENT_MESSAGE_TYPES = Object.keys(clientMessageSchemas) as ClientMessageType[];

/**
 * Discriminated union of every client -> server message (tcp.md §2.1). Objects are non-strict:
 * unknown keys are stripped, never rejected (domain.md §1).
 */
export const clientMessageSchema = z.discriminatedUnion('type', [
  clientMessageSchemas.client_hello,
  clientMessageSchemas.key_exchange,
  clientMessageSchemas.authenticate,
  clientMessageSchemas.login,
  clientMessageSchemas.register,
  clientMessageSchemas.logout,
  clientMessageSchemas.send_message,
  clientMessageSchemas.edit_message,
  clientMessageSchemas.delete_message,
  clientMessageSchemas.get_messages,
  clientMessageSchemas.create_room,
  clientMessageSchemas.get_room,
  clientMessageSchemas.list_rooms,
  clientMessageSchemas.join_room,
  clientMessageSchemas.leave_room,
  clientMessageSchemas.invite_to_room,
  clientMessageSchemas.accept_invitation,
  clientMessageSchemas.decline_invitation,
  clientMessageSchemas.list_invitations,
  clientMessageSchemas.get_user,
  clientMessageSchemas.list_users,
  clientMessageSchemas.get_current_user,
  clientMessageSchemas.typing,
  clientMessageSchemas.ping,
]);

/** A parsed client message (output type: target UUIDs canonicalised, unknown keys dropped). */
export type ClientMessage = z.output<typeof clientMessageSchema>;

/** The parsed message of one `type`, e.g. `ClientMessageOf<'send_message'>`. */
export type ClientMessageOf<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>;

/** What a client may send (input type: null/undefined optionals, any UUID form). */
export type ClientMessageInput = z.input<typeof clientMessageSchema>;

/**
 * Result of {@link parseClientMessage}:
 * - `not_utf8`: close the socket silently (tcp.md §1.1, §5.4);
 * - `invalid`: reply `error`/`invalid_message` with text `Invalid JSON: <detail>`, stay open (§9.2).
 */
export type ParseResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; kind: 'not_utf8' }
  | { ok: false; kind: 'invalid'; detail: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const KNOWN_TYPES: ReadonlySet<string> = new Set(CLIENT_MESSAGE_TYPES);

/**
 * Decodes one frame payload (plaintext, or already decrypted) into a client message.
 * Never throws. Empty payloads, bad JSON, non-objects, unknown `type` and schema failures
 * (including a bad UUID in `target` or a numeric `request_id`) are `invalid` (tcp.md §1.1, §9.2).
 */
export function parseClientMessage(payload: Buffer): ParseResult {
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return { ok: false, kind: 'not_utf8' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, kind: 'invalid', detail: err instanceof Error ? err.message : 'malformed JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return {
      ok: false,
      kind: 'invalid',
      detail: `invalid type: expected a JSON object, got ${describe(json)}`,
    };
  }
  const type = (json as { type?: unknown }).type;
  if (typeof type !== 'string') {
    return { ok: false, kind: 'invalid', detail: 'missing or non-string field `type`' };
  }
  if (!KNOWN_TYPES.has(type)) {
    return {
      ok: false,
      kind: 'invalid',
      detail: `unknown variant \`${type}\`, expected one of ${CLIENT_MESSAGE_TYPES.map((t) => `\`${t}\``).join(', ')}`,
    };
  }
  const result = clientMessageSchema.safeParse(json);
  if (!result.success) return { ok: false, kind: 'invalid', detail: formatIssues(type, result.error.issues) };
  return { ok: true, message: result.data };
}

/** Renders zod issues as `<type>: <path>: <message>; …`. */
function formatIssues(type: string, issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `field \`${path}\`: ${issue.message}`;
  });
  return `${type}: ${parts.join('; ')}`;
}

/** Short JSON type name for error texts. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
