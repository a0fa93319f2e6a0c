// How a feature declares its TCP/WS commands: the client message schemas, one handler per type, deprecations and failure counters (one object per feature).
import type { z } from 'zod';
import type { CommandResponse, MessageSchemas } from '../protocol/index.js';
import type { CommandContext } from './context.js';

/** One handler: parse ids -> (re-validate session) -> one service call -> response (docs/protocol/tcp.md §7). */
export type Handler<M> = (msg: M, ctx: CommandContext) => Promise<CommandResponse>;

/**
 * A feature's commands. The compiler checks that every schema has exactly one handler; the
 * registry (./index.ts) merges the groups into the parser, the dispatch table and the failure
 * counters.
 */
export interface CommandGroup<S extends MessageSchemas> {
  /** Client message schemas keyed by `type` (docs/protocol/tcp.md §7). */
  schemas: S;
  /** One handler per schema. */
  handlers: { readonly [K in keyof S]: Handler<z.output<S[K]>> };
  /** Types upstream marks deprecated (docs/protocol/tcp.md §7 "Dep."): served, logged at debug level. */
  deprecated?: readonly (keyof S & string)[];
  /** Counters a failed `<type>_response` carries as `false`/`0` (docs/protocol/tcp.md §2.2), keyed by response type. */
  failureCounters?: Readonly<Record<string, Readonly<Record<string, boolean | number>>>>;
}

/** Declares a feature's commands (identity at runtime; gives the handlers their message types). */
export function defineCommands<S extends MessageSchemas>(group: CommandGroup<S>): CommandGroup<S> {
  return group;
}
