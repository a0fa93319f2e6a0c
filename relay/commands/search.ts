// Search command: `search_messages` (docs/protocol/extensions.md §4), same service and rules as GET /api/v1/search/messages.
import { z } from 'zod';
import type { SearchResult } from '../../shared/features/search/index.js';
import { command, okResponse, type CommandResponse } from '../protocol/index.js';
import type { CommandContext } from './context.js';
import { defineCommands } from './define.js';

declare module '../protocol/server-messages.js' {
  interface ResponsePayloads {
    search_messages_response: { results: SearchResult[]; next_cursor: string | null };
  }
}

const filters = z
  .object({
    room_id: z.string().nullish(),
    dm_user_id: z.string().nullish(),
    conversation_id: z.string().nullish(),
    from: z.string().nullish(),
    before: z.string().nullish(),
    after: z.string().nullish(),
    message_type: z.string().nullish(),
    has: z.string().nullish(),
  })
  .nullish();

/** Client message schemas of the search command. */
const schemas = {
  search_messages: command('search_messages', {
    query: z.string().nullish(),
    filters,
    cursor: z.string().nullish(),
    limit: z.number().int().nullish(),
  }),
};
type Msg<K extends keyof typeof schemas> = z.output<(typeof schemas)[K]>;

/** `search_messages` -> `results` newest first with `highlights`, `next_cursor` (§4). */
async function searchMessages(msg: Msg<'search_messages'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const f: Record<string, string> = {}; // SearchFilters: the given, non-empty string filters
  for (const [k, v] of Object.entries(msg.filters ?? {})) if (typeof v === 'string' && v !== '') f[k] = v;
  const page = await ctx.services.search.search(ctx.auth.user.id, msg.query ?? undefined, f, {
    ...(msg.cursor == null ? {} : { cursor: msg.cursor }),
    ...(msg.limit == null ? {} : { limit: msg.limit }),
  });
  return okResponse('search_messages_response', msg.request_id, page);
}

/** The search command group. */
export const searchCommands = defineCommands({ schemas, handlers: { search_messages: searchMessages } });
