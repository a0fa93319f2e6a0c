// Message lifecycle commands: versions, reactions, threads, pins, mentions (docs/protocol/extensions.md §1.2, §1.4–§1.6).
import { z } from 'zod';
import type { Message, MessageVersion } from '../../shared/features/messages/index.js';
import { clampLimit } from '../../shared/kernel/validation.js';
import { command, messageTargetSchema, okResponse, u32, type CommandResponse } from '../protocol/index.js';
import { messageId, type CommandContext } from './context.js';
import { defineCommands } from './define.js';

declare module '../protocol/server-messages.js' {
  interface ResponsePayloads {
    get_message_versions_response: { versions: MessageVersion[] };
    add_reaction_response: { message: Message };
    remove_reaction_response: { message: Message };
    get_thread_response: { root: Message; replies: Message[]; next_cursor: string | null };
    pin_message_response: { message: Message };
    unpin_message_response: { message: Message };
    list_pins_response: { messages: Message[] };
    list_mentions_response: { messages: Message[]; next_cursor: string | null };
  }
}

/** Client message schemas of the lifecycle commands (extensions.md §1). */
const schemas = {
  get_message_versions: command('get_message_versions', { message_id: z.string() }),
  add_reaction: command('add_reaction', { message_id: z.string(), emoji: z.string() }),
  remove_reaction: command('remove_reaction', { message_id: z.string(), emoji: z.string() }),
  get_thread: command('get_thread', { message_id: z.string(), limit: u32, cursor: z.string().nullish() }),
  pin_message: command('pin_message', { message_id: z.string() }),
  unpin_message: command('unpin_message', { message_id: z.string() }),
  list_pins: command('list_pins', { target: messageTargetSchema }),
  list_mentions: command('list_mentions', { limit: u32, cursor: z.string().nullish() }),
};
type Msg<K extends keyof typeof schemas> = z.output<(typeof schemas)[K]>;

/** `get_message_versions` -> `versions` oldest first, the current one last (§1.2). */
async function getMessageVersions(
  msg: Msg<'get_message_versions'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const id = messageId(msg.message_id);
  await ctx.requireSession();
  const versions = await ctx.services.messages.versions(ctx.auth.user.id, id);
  return okResponse('get_message_versions_response', msg.request_id, { versions });
}

/** `add_reaction` -> `message`; idempotent; emits `reaction_added` (lair.messages) when it changed (§1.4). */
async function addReaction(msg: Msg<'add_reaction'>, ctx: CommandContext): Promise<CommandResponse> {
  const id = messageId(msg.message_id);
  // Hot path like send_message: the lease answers session + membership (docs/adr/005).
  await ctx.requireSessionLeased();
  const { message } = await ctx.services.messages.react(ctx.auth.user.id, id, msg.emoji, true, {
    access: ctx.sendAccess,
    ...(ctx.locateMessage ? { locate: ctx.locateMessage } : {}),
  });
  return okResponse('add_reaction_response', msg.request_id, { message });
}

/** `remove_reaction` -> `message`; `reaction_not_found` when it was not there (§1.4). */
async function removeReaction(msg: Msg<'remove_reaction'>, ctx: CommandContext): Promise<CommandResponse> {
  const id = messageId(msg.message_id);
  await ctx.requireSessionLeased();
  const { message } = await ctx.services.messages.react(ctx.auth.user.id, id, msg.emoji, false, {
    access: ctx.sendAccess,
    ...(ctx.locateMessage ? { locate: ctx.locateMessage } : {}),
  });
  return okResponse('remove_reaction_response', msg.request_id, { message });
}

/** `get_thread` -> `root`, `replies` oldest first, `next_cursor` (§1.5). */
async function getThread(msg: Msg<'get_thread'>, ctx: CommandContext): Promise<CommandResponse> {
  const id = messageId(msg.message_id);
  await ctx.requireSession();
  const page = await ctx.services.messages.thread(
    ctx.auth.user.id,
    id,
    clampLimit(msg.limit),
    msg.cursor ?? null,
  );
  return okResponse('get_thread_response', msg.request_id, page);
}

/** `pin_message` / `unpin_message` -> `message`; emits `message_pinned`/`message_unpinned` (§1.6). */
const pinCommand =
  (pin: boolean) =>
  async (msg: Msg<'pin_message'> | Msg<'unpin_message'>, ctx: CommandContext): Promise<CommandResponse> => {
    const id = messageId(msg.message_id);
    await ctx.requireSession();
    const message = await ctx.services.messages.pin(ctx.auth.user.id, id, pin);
    return pin
      ? okResponse('pin_message_response', msg.request_id, { message })
      : okResponse('unpin_message_response', msg.request_id, { message });
  };

/** `list_pins {target}` -> `messages` newest first (§1.6). */
async function listPins(msg: Msg<'list_pins'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const messages = await ctx.services.messages.pins(ctx.auth.user.id, msg.target);
  return okResponse('list_pins_response', msg.request_id, { messages });
}

/** `list_mentions` -> `messages` newest first, `next_cursor` (§1.6). */
async function listMentions(msg: Msg<'list_mentions'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const page = await ctx.services.messages.mentions(
    ctx.auth.user.id,
    clampLimit(msg.limit),
    msg.cursor ?? null,
  );
  return okResponse('list_mentions_response', msg.request_id, page);
}

/** The lifecycle commands (registered in ./index.ts). */
export const messageLifecycleCommands = defineCommands({
  schemas,
  handlers: {
    get_message_versions: getMessageVersions,
    add_reaction: addReaction,
    remove_reaction: removeReaction,
    get_thread: getThread,
    pin_message: pinCommand(true),
    unpin_message: pinCommand(false),
    list_pins: listPins,
    list_mentions: listMentions,
  },
});
