// THE model-layer feature list: every feature's error rows and event payloads, one line each (the HTTP and TCP error tables and the event union are views of it).
// Imports only feature models, which import nothing but types at runtime: the kernel's DomainError reads ERROR_ROWS at load time.
import { KERNEL_ERRORS, type ErrorRow, type ErrorRows } from '../kernel/error-rows.js';
import * as admin from './admin/model.js';
import * as attachments from './attachments/model.js';
import * as audit from './audit/model.js';
import * as auth from './auth/model.js';
import * as conversations from './conversations/model.js';
import * as exportsModel from './exports/model.js';
import * as invitations from './invitations/model.js';
import * as messages from './messages/model.js';
import * as moderation from './moderation/model.js';
import * as notices from './notices/model.js';
import * as presence from './presence/model.js';
import * as receipts from './receipts/model.js';
import * as sync from './sync/model.js';
import * as retention from './retention/model.js';
import * as search from './search/model.js';
import * as rooms from './rooms/model.js';
import * as roomModeration from './room-moderation/model.js';
import * as social from './social/model.js';
import * as stats from './stats/model.js';
import * as users from './users/model.js';

/** Every feature's model, in dependency order. A new feature adds itself here and to {@link EventPayload} below, and to ./index.ts. */
const MODELS = [
  auth,
  users,
  rooms,
  retention,
  social,
  conversations,
  attachments,
  messages,
  search,
  exportsModel,
  invitations,
  presence,
  admin,
  audit,
  moderation,
  roomModeration,
  notices,
  stats,
  receipts,
  sync,
] as const;

type Model = (typeof MODELS)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** Every error code: the kernel's plus each feature's rows (docs/protocol/tcp.md §9.3). */
export type ErrorCode = keyof typeof KERNEL_ERRORS | keyof UnionToIntersection<Model['errors']>;

/**
 * One row `{message, http, tcp?, tcpText?}` per code. A code declared twice fails at load (the
 * rows must stay one per code); the HTTP status and TCP tables are views of these rows.
 */
export const ERROR_ROWS: Readonly<Record<ErrorCode, ErrorRow>> = (() => {
  const rows: Record<string, ErrorRow> = { ...KERNEL_ERRORS };
  for (const model of MODELS) {
    for (const [code, row] of Object.entries(model.errors as ErrorRows)) {
      if (Object.hasOwn(rows, code)) throw new Error(`error code ${code} is declared twice`);
      rows[code] = row;
    }
  }
  return rows as Record<ErrorCode, ErrorRow>;
})();

/** Extension names of docs/protocol/extensions.md §0.1. */
export type ExtensionName =
  | 'lair.messages'
  | 'lair.receipts'
  | 'lair.sync'
  | 'lair.search'
  | 'lair.invitations'
  | 'lair.social'
  | 'lair.moderation';

/**
 * Event type -> the extension a connection must have requested to receive it (extensions.md §0.2):
 * each feature's `eventExtensions`. Types not listed are upstream's and reach everyone.
 */
export const EVENT_EXTENSIONS: Readonly<Partial<Record<EventPayload['type'], ExtensionName>>> = Object.assign(
  {},
  ...MODELS.map((m) => ('eventExtensions' in m ? m.eventExtensions : {})),
) as Partial<Record<EventPayload['type'], ExtensionName>>;

/**
 * Event payloads exactly as pushed to TCP/WS clients (docs/protocol/tcp.md §8): each feature's
 * `Events` plus the kernel's `server_notice`. Only these `type`s ever reach a client.
 */
export type EventPayload =
  | FeatureEvents[keyof FeatureEvents]
  | { type: 'server_notice'; message: string; severity: 'info' | 'warning' | 'critical' };

/** Each feature's client events (`never` for a feature without any), one line per feature. */
interface FeatureEvents {
  auth: auth.Events;
  users: users.Events;
  rooms: rooms.Events;
  retention: retention.Events;
  social: social.Events;
  conversations: conversations.Events;
  attachments: attachments.Events;
  messages: messages.Events;
  search: search.Events;
  exports: exportsModel.Events;
  invitations: invitations.Events;
  presence: presence.Events;
  admin: admin.Events;
  audit: audit.Events;
  moderation: moderation.Events;
  roomModeration: roomModeration.Events;
  notices: notices.Events;
  stats: stats.Events;
  receipts: receipts.Events;
  sync: sync.Events;
}

/** Relay-internal notices: travel the event path but are never serialized to a client (docs/adr/005). */
export type RelayNotice = auth.Notices | moderation.Notices | social.Notices;
