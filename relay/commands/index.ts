// THE TCP/WS command registry: one list of feature command groups, from which the client message parser, the dispatch table and the failure counters are derived.
import type { z } from 'zod';
import {
  coreMessageSchemas,
  createClientMessageParser,
  failResponse as buildFailResponse,
  responseTypeFor,
  type CommandResponse,
  type CountersOf,
  type ResponseErrorCode,
  type ResponseOf,
  type ResponseType,
} from '../protocol/index.js';
import type { CommandContext } from './context.js';
import type { Handler } from './define.js';
import { toResponseError } from './errors.js';
import { DomainError } from '../../shared/kernel/errors.js';
import { invitationLifecycleCommands } from './invitation-lifecycle.js';
import { invitationCommands } from './invitations.js';
import { messageLifecycleCommands } from './message-lifecycle.js';
import { messageCommands } from './messages.js';
import { moderationCommands } from './moderation.js';
import { receiptCommands } from './receipts.js';
import { roomCommands } from './rooms.js';
import { syncCommands } from './sync.js';
import { searchCommands } from './search.js';
import { socialCommands } from './social.js';
import { conversationCommands } from './conversations.js';
import { userCommands } from './users.js';
import { countCommand } from '../stats/live-counters.js';

export { runAuth, runLogout, type AuthMessage, type AuthOutcome } from './auth.js';
export { typing } from './messages.js';
export { delivered } from './receipts.js';
export {
  commandContext,
  type AuthContext,
  type AuthSnapshot,
  type CommandContext,
  type SendLease,
} from './context.js';
export { TCP_ERROR_TABLE, toResponseError, INTERNAL_ERROR_TEXT } from './errors.js';

/** Every feature's command group, in docs/protocol/tcp.md §7 order. Adding a feature = one line here. */
const GROUPS = [
  messageCommands,
  messageLifecycleCommands,
  searchCommands,
  roomCommands,
  invitationCommands,
  invitationLifecycleCommands,
  userCommands,
  moderationCommands,
  receiptCommands,
  syncCommands,
  socialCommands,
  conversationCommands,
] as const;

type Group = (typeof GROUPS)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;
type CommandSchemas = UnionToIntersection<Group['schemas']>;

/** Every client -> server message schema, keyed by `type` (docs/protocol/tcp.md §4.2, §5.1, §6, §7). */
export const clientMessageSchemas = Object.assign(
  {},
  coreMessageSchemas,
  ...GROUPS.map((g) => g.schemas),
) as typeof coreMessageSchemas & CommandSchemas;

type AllSchemas = typeof clientMessageSchemas;

/** Client message `type` tags. */
export type ClientMessageType = keyof AllSchemas;

/** The set of known client message types. */
export const CLIENT_MESSAGE_TYPES = Object.keys(clientMessageSchemas) as ClientMessageType[];

/** A parsed client message (output type: target UUIDs canonicalised, unknown keys dropped). */
export type ClientMessage = { [K in ClientMessageType]: z.output<AllSchemas[K]> }[ClientMessageType];

/** The parsed message of one `type`, e.g. `ClientMessageOf<'send_message'>`. */
export type ClientMessageOf<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>;

/** What a client may send (input type: null/undefined optionals, any UUID form). */
export type ClientMessageInput = { [K in ClientMessageType]: z.input<AllSchemas[K]> }[ClientMessageType];

/**
 * Decodes one frame payload (plaintext, or already decrypted) into a client message; never throws
 * (docs/protocol/tcp.md §1.1, §9.2; see `createClientMessageParser`).
 */
export const parseClientMessage = createClientMessageParser(clientMessageSchemas);

/** Request types answered by a `<type>_response` through a feature's handler. */
export type CommandType = keyof CommandSchemas;

/** Handler per command type (deprecated ones, docs/protocol/tcp.md §7 "Dep.", are served too). */
export const COMMANDS = Object.assign({}, ...GROUPS.map((g) => g.handlers)) as {
  readonly [K in CommandType]: Handler<ClientMessageOf<K>>;
};

/** Commands upstream marks deprecated (logged at debug level when used). */
const DEPRECATED: ReadonlySet<string> = new Set(GROUPS.flatMap((g) => g.deprecated ?? []));

/** `false`/`0` counters of failed responses, per response type (docs/protocol/tcp.md §2.2). */
const FAILURE_COUNTERS: Readonly<Record<string, object>> = Object.fromEntries(
  GROUPS.flatMap((g) => Object.entries(g.failureCounters ?? {})),
);

/** True when `type` is answered through {@link COMMANDS}. */
export function isCommandType(type: ClientMessageType): type is CommandType {
  return Object.hasOwn(COMMANDS, type);
}

/**
 * Builds a failed response (docs/protocol/tcp.md §2.2): `error: {code, message}`, no payload fields, the
 * command's counters present with `false`/`0` unless overridden.
 * @param requestId the request's `request_id` (`undefined` => `null`).
 */
export function failResponse<K extends ResponseType>(
  type: K,
  requestId: string | null | undefined,
  code: ResponseErrorCode,
  message: string,
  counters?: Partial<CountersOf<K>>,
): ResponseOf<K> {
  return buildFailResponse(type, requestId, code, message, {
    ...(FAILURE_COUNTERS[type] as Partial<CountersOf<K>> | undefined),
    ...counters,
  });
}

/**
 * Runs one command and always returns its response: `request_id` echoed, DomainErrors mapped by
 * the one code table, anything else `internal_error` "Internal error" (logged, never echoed).
 */
export async function runCommand(
  msg: ClientMessageOf<CommandType>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  if (DEPRECATED.has(msg.type)) ctx.logger.debug({ command: msg.type }, 'deprecated command used');
  const handler = COMMANDS[msg.type] as Handler<ClientMessageOf<CommandType>>;
  try {
    const response = await handler(msg, ctx);
    countCommand(msg.type, response.success); // stats/live (relay/stats/live-counters.ts)
    return response;
  } catch (err) {
    countCommand(msg.type, false);
    const e = toResponseError(err, ctx.logger, { command: msg.type, userId: ctx.auth.user.id });
    const response = failResponse(
      responseTypeFor(msg.type),
      msg.request_id,
      e.code,
      e.message,
    ) as CommandResponse;
    // A refusal that says when to retry (slow mode) carries `retry_after_ms` inside `error` (docs/protocol/extensions.md §0.6).
    const retry = err instanceof DomainError ? (err as { retryAfterMs?: unknown }).retryAfterMs : undefined;
    if (typeof retry === 'number' && response.error)
      (response.error as { retry_after_ms?: number }).retry_after_ms = Math.ceil(retry);
    return response;
  }
}
