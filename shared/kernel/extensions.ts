// The opt-in rule (docs/protocol/extensions.md §0): which extensions this build implements, and THE one check "may this connection receive this event".
import { EVENT_EXTENSIONS, type ExtensionName } from '../features/catalog.js';
import type { EventPayload } from './events.js';

export type { ExtensionName };

/**
 * Extensions this build implements, in the order `server_hello.features` lists them after
 * `"encryption"` (extensions.md §0.1). Only names listed here are ever honoured from a client.
 */
export const IMPLEMENTED_EXTENSIONS: readonly ExtensionName[] = [
  'lair.messages',
  'lair.invitations',
  'lair.receipts',
  'lair.sync',
  'lair.moderation',
  'lair.social',
];

const IMPLEMENTED: ReadonlySet<string> = new Set(IMPLEMENTED_EXTENSIONS);

/** The extensions one connection asked for (an immutable set of known names). */
export type FeatureSet = ReadonlySet<ExtensionName>;

/** No extension requested: what every upstream client gets. */
export const NO_FEATURES: FeatureSet = new Set();

/**
 * The requested names this build implements; unknown names (and `"encryption"`, which is a
 * transport matter) are ignored (extensions.md §0.1, tcp.md §4.2).
 * @param requested - `client_hello.features`, or `/ws?features=a,b` split on commas
 */
export function negotiateFeatures(requested: readonly string[]): FeatureSet {
  const out = new Set<ExtensionName>();
  for (const name of requested) {
    const trimmed = name.trim();
    if (IMPLEMENTED.has(trimmed)) out.add(trimmed as ExtensionName);
  }
  return out.size === 0 ? NO_FEATURES : out;
}

/**
 * THE delivery rule of extensions.md §0.2: an event type that belongs to an extension reaches a
 * connection only if that connection requested the extension; upstream event types reach
 * everyone, except that an event about a `conversation`-target message (§0.4) needs `lair.social`. Every relay delivery path asks this, and nothing else decides it.
 */
export function mayReceive(features: FeatureSet, payload: Pick<EventPayload, 'type'>): boolean {
  const extension = (EVENT_EXTENSIONS as Readonly<Record<string, ExtensionName | undefined>>)[payload.type];
  if (extension !== undefined && !features.has(extension)) return false;
  // §0.4: an event about a message whose target is the `conversation` variant is lair.social's.
  return features.has('lair.social') || !aboutConversation(payload);
}

/** True when the event carries a `conversation` target (its own `target`, or its `message.target`). */
function aboutConversation(payload: object): boolean {
  const p = payload as { target?: { type?: unknown }; message?: { target?: { type?: unknown } } };
  return p.target?.type === 'conversation' || p.message?.target?.type === 'conversation';
}
