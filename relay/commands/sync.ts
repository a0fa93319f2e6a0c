// The `sync` command (docs/protocol/extensions.md §3): changes since an opaque token, as GET /api/v1/sync.
import { z } from 'zod';
import type { SyncResult } from '../../shared/features/sync/index.js';
import { PAGE } from '../../shared/kernel/validation.js';
import { command, okResponse, u32, type CommandResponse } from '../protocol/index.js';
import { type CommandContext } from './context.js';
import { defineCommands } from './define.js';

declare module '../protocol/server-messages.js' {
  interface ResponsePayloads {
    sync_response: SyncResult;
  }
}

/** Client message schema (extensions.md §3): `since` opaque, `limit` per target 1–100 (default 50). */
const schemas = {
  sync: command('sync', { since: z.string().nullish(), limit: u32 }),
};

/** `sync {since?, limit?}` -> the sync result; a bad `since` is `validation_failed`. */
async function sync(msg: z.output<typeof schemas.sync>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const result = await ctx.services.sync.sync(
    ctx.auth.user.id,
    msg.since ?? null,
    msg.limit ?? PAGE.defaultLimit,
  );
  return okResponse('sync_response', msg.request_id, result);
}

/** The sync command (registered in ./index.ts). */
export const syncCommands = defineCommands({ schemas, handlers: { sync } });
