// lair.social group-conversation commands (docs/protocol/extensions.md §7.2): create, list, get, add participants, leave (+ our update_conversation).
import { z } from 'zod';
import type { Conversation } from '../../shared/features/conversations/index.js';
import { pageOf } from '../../shared/features/social/index.js';
import { command, okResponse, type CommandResponse } from '../protocol/index.js';
import type { CommandContext } from './context.js';
import { defineCommands } from './define.js';

declare module '../protocol/server-messages.js' {
  interface ResponsePayloads {
    create_conversation_response: { conversation: Conversation };
    list_conversations_response: { conversations: Conversation[]; next_cursor: string | null };
    get_conversation_response: { conversation: Conversation };
    update_conversation_response: { conversation: Conversation };
    add_participants_response: { conversation: Conversation };
    leave_conversation_response: Record<string, never>;
  }
}

const ids = z.array(z.string()).max(100);

/** Client message schemas (extensions.md §7.2 names; `update_conversation` is ours, the PATCH route's twin). */
const schemas = {
  create_conversation: command('create_conversation', {
    participant_ids: ids,
    title: z.string().nullish(),
  }),
  list_conversations: command('list_conversations', {
    cursor: z.string().nullish(),
    limit: z.number().int().nullish(),
  }),
  get_conversation: command('get_conversation', { conversation_id: z.string() }),
  update_conversation: command('update_conversation', {
    conversation_id: z.string(),
    title: z.string().nullish(),
  }),
  add_participants: command('add_participants', { conversation_id: z.string(), user_ids: ids }),
  leave_conversation: command('leave_conversation', { conversation_id: z.string() }),
};
type Msg<K extends keyof typeof schemas> = z.output<(typeof schemas)[K]>;

const me = (ctx: CommandContext): string => ctx.auth.user.id;

/** `create_conversation {participant_ids, title?}` -> `{conversation}`. Errors: `validation_failed`, `user_not_found`, `recipient_unavailable`. */
async function create(msg: Msg<'create_conversation'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const conversation = await ctx.services.conversations.create(me(ctx), {
    participant_ids: msg.participant_ids,
    title: msg.title ?? null,
  });
  return okResponse('create_conversation_response', msg.request_id, { conversation });
}

/** `list_conversations {cursor?, limit?}` -> `{conversations, next_cursor}`, most recent activity first. */
async function list(msg: Msg<'list_conversations'>, ctx: CommandContext): Promise<CommandResponse> {
  const p = pageOf(await ctx.services.conversations.list(me(ctx)), msg.cursor, msg.limit);
  return okResponse('list_conversations_response', msg.request_id, {
    conversations: p.items,
    next_cursor: p.next_cursor,
  });
}

/** `get_conversation {conversation_id}` -> `{conversation}`. Errors: `conversation_not_found`. */
async function get(msg: Msg<'get_conversation'>, ctx: CommandContext): Promise<CommandResponse> {
  const conversation = await ctx.services.conversations.get(me(ctx), msg.conversation_id);
  return okResponse('get_conversation_response', msg.request_id, { conversation });
}

/** `update_conversation {conversation_id, title}` -> `{conversation}`. Errors: `conversation_not_found`, `validation_failed`. */
async function update(msg: Msg<'update_conversation'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const conversation = await ctx.services.conversations.update(me(ctx), msg.conversation_id, {
    title: msg.title ?? null,
  });
  return okResponse('update_conversation_response', msg.request_id, { conversation });
}

/** `add_participants {conversation_id, user_ids}` -> `{conversation}`. Errors: `conversation_not_found`, `validation_failed`, `user_not_found`, `recipient_unavailable`. */
async function add(msg: Msg<'add_participants'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const conversation = await ctx.services.conversations.addParticipants(
    me(ctx),
    msg.conversation_id,
    msg.user_ids,
  );
  return okResponse('add_participants_response', msg.request_id, { conversation });
}

/** `leave_conversation {conversation_id}` -> `{}`. Errors: `conversation_not_found`. */
async function leave(msg: Msg<'leave_conversation'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  await ctx.services.conversations.leave(me(ctx), msg.conversation_id);
  return okResponse('leave_conversation_response', msg.request_id, {});
}

/** The conversation command group. */
export const conversationCommands = defineCommands({
  schemas,
  handlers: {
    create_conversation: create,
    list_conversations: list,
    get_conversation: get,
    update_conversation: update,
    add_participants: add,
    leave_conversation: leave,
  },
});
