// Server -> client message types (handshake, responses, pong, error, events), builders and serializer.
import type { ErrorCode } from '../../shared/kernel/errors.js';
import type { EventPayload } from '../../shared/kernel/events.js';
import { IMPLEMENTED_EXTENSIONS } from '../../shared/kernel/extensions.js';
import type { SessionInfo } from '../../shared/features/auth/index.js';
import type { User } from '../../shared/features/users/index.js';

/** `server_hello`, sent in plaintext right after accept (docs/protocol/tcp.md §4.1). */
export interface ServerHello {
  type: 'server_hello';
  version: string;
  server_name: string;
  features: string[];
  encryption_required: boolean;
}

/**
 * The `server_hello` values (docs/protocol/tcp.md §4.1): upstream's, with `features` listing
 * `"encryption"` plus every extension this build implements (docs/protocol/extensions.md §0.1).
 */
export const SERVER_HELLO: ServerHello = {
  type: 'server_hello',
  version: '1.0',
  server_name: 'Lair Chat',
  features: ['encryption', ...IMPLEMENTED_EXTENSIONS],
  encryption_required: false,
};

/** `key_exchange_response`: the server's ephemeral X25519 key, padded base64 (docs/protocol/tcp.md §5.1). */
export interface KeyExchangeResponse {
  type: 'key_exchange_response';
  public_key: string;
}

/** `pong`: `server_time` is UTC RFC 3339 in `+00:00` form (docs/protocol/tcp.md §7.18). */
export interface Pong {
  type: 'pong';
  server_time: string;
}

/** Codes of the top-level `error` message (docs/protocol/tcp.md §9.2; `unsupported`/`not_supported`: docs/protocol/websocket.md §4). */
export type TopLevelErrorCode =
  | 'invalid_message'
  | 'unauthorized'
  | 'version_mismatch'
  | 'invalid_state'
  | 'not_implemented'
  | 'timeout'
  | 'unsupported'
  | 'not_supported'
  | 'account_banned';

/** Top-level `error` (docs/protocol/tcp.md §9.1); `request_id`/`details` are never set. */
export interface ErrorMessage {
  type: 'error';
  code: TopLevelErrorCode;
  message: string;
}

/** Error code inside a `*_response.error` (docs/protocol/tcp.md §9.3): engine codes plus adapter `unauthorized`. */
export type ResponseErrorCode = ErrorCode | 'unauthorized';

/** A response without payload fields or counters. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- intentionally no fields
export interface NoFields {}

/**
 * Payload fields per response type, present only on success and only when non-null
 * (docs/protocol/tcp.md §2.2, §6, §7). Fields typed `| null` here may be omitted even on success.
 * This module declares the auth responses; each feature's command file (relay/commands/<area>.ts)
 * adds its own by declaration merging, so the map is complete without a hand-kept list.
 */
export interface ResponsePayloads {
  authenticate_response: { user: User; session: SessionInfo };
  login_response: { user: User; session: SessionInfo; token: string };
  register_response: { user: User; session: SessionInfo; token: string };
  logout_response: NoFields;
}

/** Response `type` tags (`<command>_response`, docs/protocol/tcp.md §7 table). */
export type ResponseType = keyof ResponsePayloads;

/**
 * Always-present counters, `false`/`0` on failure (docs/protocol/tcp.md §2.2), per response type; declared by
 * each feature's command file (declaration merging) next to its runtime failure defaults.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface ResponseCounters {}

/** Counters of response type `K` (empty object for types without any). */
export type CountersOf<K extends ResponseType> = K extends keyof ResponseCounters
  ? ResponseCounters[K]
  : NoFields;

/** `{code, message}` inside a failed response (docs/protocol/tcp.md §2.2). */
export interface ResponseError {
  code: string;
  message: string;
}

/**
 * Wire shape of a `<command>_response` (docs/protocol/tcp.md §2.2): `request_id` always present (string|null),
 * `success`, `error` only on failure, payload fields only when non-null, counters always.
 */
export type ResponseOf<K extends ResponseType> = {
  type: K;
  request_id: string | null;
  success: boolean;
  error?: ResponseError;
} & { [F in keyof ResponsePayloads[K]]?: NonNullable<ResponsePayloads[K][F]> } & CountersOf<K>;

/** Any command/auth response. */
export type CommandResponse = { [K in ResponseType]: ResponseOf<K> }[ResponseType];

/** Every message the server may send on TCP/WS (docs/protocol/tcp.md §4–§9), events included. */
export type ServerMessage =
  ServerHello | KeyExchangeResponse | Pong | ErrorMessage | CommandResponse | EventPayload;

/** Server message `type` tags. */
export type ServerMessageType = ServerMessage['type'];

/**
 * Builds a top-level `error` (docs/protocol/tcp.md §9.1), e.g. `errorFrame('invalid_message', 'Invalid JSON: …')`.
 */
export function errorFrame(code: TopLevelErrorCode, message: string): ErrorMessage {
  return { type: 'error', code, message };
}

/**
 * Builds a successful response (docs/protocol/tcp.md §2.2). Payload fields that are `null`/`undefined` are
 * omitted; counters (`has_more`, `total_count`, `member_count`) must be given where listed.
 * @param requestId the request's `request_id` (we echo it everywhere; `undefined` => `null`).
 */
export function okResponse<K extends ResponseType>(
  type: K,
  requestId: string | null | undefined,
  payload: ResponsePayloads[K] & CountersOf<K>,
): ResponseOf<K> {
  const out: Record<string, unknown> = { type, request_id: requestId ?? null, success: true };
  for (const [key, value] of Object.entries(payload)) {
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out as ResponseOf<K>;
}

/**
 * Builds a failed response (docs/protocol/tcp.md §2.2): `error: {code, message}`, no payload fields, and the
 * given counters (a command's `false`/`0` defaults come from its group: relay/commands/index.ts).
 * @param requestId the request's `request_id` (`undefined` => `null`).
 */
export function failResponse<K extends ResponseType>(
  type: K,
  requestId: string | null | undefined,
  code: ResponseErrorCode,
  message: string,
  counters?: Partial<CountersOf<K>>,
): ResponseOf<K> {
  return {
    type,
    request_id: requestId ?? null,
    success: false,
    error: { code, message },
    ...counters,
  } as ResponseOf<K>;
}

/** Response `type` for a command `type` (`join_room` => `join_room_response`). */
export function responseTypeFor<T extends string>(commandType: T): `${T}_response` {
  return `${commandType}_response`;
}

/**
 * Serializes one server message as compact UTF-8 JSON with `type` as the first key
 * (docs/protocol/tcp.md §1.1). `undefined` fields are dropped; `null` entity fields are kept.
 * @returns the frame payload (wrap with `encodeFrame`, which rejects > 1 MiB).
 */
export function serializeServerMessage(msg: ServerMessage): Buffer {
  // Assigning onto `{ type }` keeps `type` in first position whatever the input's key order.
  return Buffer.from(JSON.stringify(Object.assign({ type: msg.type }, msg)), 'utf8');
}
