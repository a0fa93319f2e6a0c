// Client -> server message schema building blocks, the connection-level schemas (handshake, auth, typing, ping) and the payload parser factory.
import { z } from 'zod';
import { parseUuid } from '../../shared/kernel/validation.js';

export * from './server-messages.js';

/** `request_id` where declared: JSON string or null, optional; a number fails (docs/protocol/tcp.md §2.1). */
export const requestId = z.string().nullish();

/** Unsigned 32-bit integer field (`limit`, `offset`, `max_members`); null means absent. */
export const u32 = z.number().int().min(0).max(0xffff_ffff).nullish();

/**
 * UUID inside `target`, parsed with the frame like upstream `uuid::parse_str` (docs/protocol/domain.md §1);
 * emitted in canonical lowercase hyphenated form. A bad one fails the whole frame (docs/protocol/tcp.md §7).
 */
const uuidField = z.string().transform((value, ctx) => {
  const parsed = parseUuid(value);
  if (parsed === null) {
    ctx.issues.push({ code: 'custom', message: `invalid UUID ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }
  return parsed;
});

/** MessageTarget as upstream accepts it on TCP/WS: `room` or `dm` tag only (docs/protocol/domain.md §4.6). */
export const upstreamTargetSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('room'), room_id: uuidField }),
  z.object({ type: z.literal('dm'), recipient: uuidField }),
]);

/**
 * MessageTarget as parsed: upstream's two tags plus `conversation` (docs/protocol/extensions.md §7.2).
 * A connection without `lair.social` gets the upstream parse error for it ({@link upstreamTargetRefusal}).
 */
export const messageTargetSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('room'), room_id: uuidField }),
  z.object({ type: z.literal('dm'), recipient: uuidField }),
  z.object({ type: z.literal('conversation'), conversation_id: uuidField }),
]);

/** The discriminator complaint of a schema for an unknown `target.type` (computed once from zod's own text). */
function tagComplaint(schema: z.ZodType): string {
  const r = schema.safeParse({ type: '' });
  return r.success ? '' : (r.error.issues[0]?.message ?? '');
}
const TAG_COMPLAINTS = {
  social: tagComplaint(messageTargetSchema),
  upstream: tagComplaint(upstreamTargetSchema),
};

/**
 * The parse-error detail as an upstream client must see it (extensions.md §0.4): a bad target tag
 * lists only `room` | `dm`, never the `conversation` variant.
 */
export function upstreamDetail(detail: string): string {
  return detail.split(TAG_COMPLAINTS.social).join(TAG_COMPLAINTS.upstream);
}

/**
 * extensions.md §0.4: a connection that did not request `lair.social` may not use the
 * `conversation` target. Returns the exact `Invalid JSON: …` detail the upstream schema gives
 * such a frame (so the client sees what an upstream server would answer), or null when allowed.
 */
export function upstreamTargetRefusal(
  msg: { type: string; target?: unknown },
  hasSocial: boolean,
): string | null {
  if (hasSocial || typeof msg.target !== 'object' || msg.target === null) return null;
  if ((msg.target as { type?: unknown }).type !== 'conversation') return null;
  const result = upstreamTargetSchema.safeParse(msg.target);
  const issues = result.success ? [] : result.error.issues;
  return formatIssues(
    msg.type,
    issues.map((i) => ({ ...i, path: ['target', ...i.path] })),
  );
}

/** Builds a command schema: `type` literal + optional `request_id` + the given fields. */
export function command<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.object({ type: z.literal(type), request_id: requestId, ...shape });
}

/**
 * The connection-level client messages (docs/protocol/tcp.md §4.2, §5.1, §6, §7.17–7.18): the
 * handshake, the auth messages of AWAIT_AUTH, `typing`, `ping` and `delivered`. Every other type is a command
 * declared by its feature in relay/commands/<area>.ts.
 */
export const coreMessageSchemas = {
  client_hello: z.object({
    type: z.literal('client_hello'),
    version: z.string(),
    client_name: z.string().nullish(),
    features: z.array(z.string()).optional(),
  }),
  key_exchange: z.object({ type: z.literal('key_exchange'), public_key: z.string() }),
  authenticate: command('authenticate', { token: z.string() }),
  // totp_code / recovery_code: docs/protocol/extensions.md §10 (second factor after `totp_required`).
  login: command('login', {
    identifier: z.string(),
    password: z.string(),
    totp_code: z.string().optional(),
    recovery_code: z.string().optional(),
  }),
  register: command('register', { username: z.string(), email: z.string(), password: z.string() }),
  logout: command('logout', {}),
  typing: z.object({ type: z.literal('typing'), target: messageTargetSchema }),
  ping: z.object({ type: z.literal('ping') }),
  // docs/protocol/extensions.md §2: delivery confirmation, answered by no response (batched).
  delivered: z.object({ type: z.literal('delivered'), message_ids: z.array(z.string()).max(100) }),
} as const;

/** A parsed connection-level message of one `type`, e.g. `CoreMessageOf<'login'>`. */
export type CoreMessageOf<T extends keyof typeof coreMessageSchemas> = z.output<
  (typeof coreMessageSchemas)[T]
>;

/** A set of client message schemas keyed by their `type` tag. */
export type MessageSchemas = Readonly<
  Record<string, z.ZodObject<{ type: z.ZodLiteral<string> } & z.ZodRawShape>>
>;

/**
 * Result of {@link parseClientMessage}:
 * - `not_utf8`: close the socket silently (docs/protocol/tcp.md §1.1, §5.4);
 * - `invalid`: reply `error`/`invalid_message` with text `Invalid JSON: <detail>`, stay open (§9.2).
 */
export type ParseResult<M = unknown> =
  { ok: true; message: M } | { ok: false; kind: 'not_utf8' } | { ok: false; kind: 'invalid'; detail: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Builds the frame-payload parser over a set of schemas (the relay's command registry passes
 * {@link coreMessageSchemas} plus every feature's). Objects are non-strict: unknown keys are
 * stripped, never rejected (docs/protocol/domain.md §1). The parser never throws: empty payloads, bad JSON,
 * non-objects, unknown `type` and schema failures (including a bad UUID in `target` or a numeric
 * `request_id`) are `invalid` (docs/protocol/tcp.md §1.1, §9.2); non-UTF-8 is `not_utf8`.
 */
export function createClientMessageParser<S extends MessageSchemas>(
  schemas: S,
): (payload: Buffer) => ParseResult<z.output<S[keyof S]>> {
  const types = Object.keys(schemas);
  const known: ReadonlySet<string> = new Set(types);
  const expected = types.map((t) => `\`${t}\``).join(', ');
  return (payload) => {
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
    const schema = known.has(type) ? schemas[type] : undefined;
    if (schema === undefined) {
      return {
        ok: false,
        kind: 'invalid',
        detail: `unknown variant \`${type}\`, expected one of ${expected}`,
      };
    }
    const result = schema.safeParse(json);
    if (!result.success)
      return { ok: false, kind: 'invalid', detail: formatIssues(type, result.error.issues) };
    return { ok: true, message: result.data as z.output<S[keyof S]> };
  };
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
