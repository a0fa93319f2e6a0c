// lair.social commands (docs/protocol/extensions.md §7.1, §7.3): blocks, friend requests, friends, preferences.
import { z } from 'zod';
import {
  pageOf,
  type Block,
  type FriendRequest,
  type FriendRow,
  type Friendship,
  type FriendTarget,
  type Preferences,
} from '../../shared/features/social/index.js';
import type { User } from '../../shared/features/users/index.js';
import { command, okResponse, type CommandResponse } from '../protocol/index.js';
import type { CommandContext } from './context.js';
import { defineCommands } from './define.js';

declare module '../protocol/server-messages.js' {
  interface ResponsePayloads {
    block_user_response: Record<string, never>;
    unblock_user_response: Record<string, never>;
    list_blocks_response: { blocks: Block[]; next_cursor: string | null };
    send_friend_request_response: { request: FriendRequest } | { friendship: Friendship };
    respond_friend_request_response: { friendship: Friendship } | Record<string, never>;
    cancel_friend_request_response: Record<string, never>;
    list_friends_response: { friends: FriendRow[]; next_cursor: string | null };
    list_friend_requests_response: { requests: FriendRequest[]; next_cursor: string | null };
    remove_friend_response: Record<string, never>;
    get_preferences_response: { preferences: Preferences };
    update_preferences_response: { preferences: Preferences };
    set_presence_response: Record<string, never>;
    update_profile_response: { user: User };
  }
}

/** `user_id` or `username` names the other user. */
const who = { user_id: z.string().nullish(), username: z.string().nullish() };
const page = { cursor: z.string().nullish(), limit: z.number().int().nullish() };

/** Client message schemas (extensions.md §7.3 names; `cancel_friend_request` and the preferences pair are ours). */
const schemas = {
  block_user: command('block_user', who),
  unblock_user: command('unblock_user', who),
  list_blocks: command('list_blocks', page),
  send_friend_request: command('send_friend_request', { ...who, message: z.string().nullish() }),
  respond_friend_request: command('respond_friend_request', {
    friend_request_id: z.string(),
    accept: z.boolean(),
  }),
  cancel_friend_request: command('cancel_friend_request', { friend_request_id: z.string() }),
  list_friends: command('list_friends', page),
  list_friend_requests: command('list_friend_requests', {
    ...page,
    direction: z.enum(['incoming', 'outgoing']).nullish(),
  }),
  remove_friend: command('remove_friend', who),
  get_preferences: command('get_preferences', {}),
  update_preferences: command('update_preferences', { preferences: z.record(z.string(), z.unknown()) }),
  set_presence: command('set_presence', { status: z.enum(['online', 'away', 'dnd']) }),
  update_profile: command('update_profile', {
    display_name: z.string().nullish(),
    status_message: z.string().nullish(),
    avatar_url: z.string().nullish(),
    timezone: z.string().nullish(),
    locale: z.string().nullish(),
  }),
};
type Msg<K extends keyof typeof schemas> = z.output<(typeof schemas)[K]>;

const me = (ctx: CommandContext): string => ctx.auth.user.id;
const target = (m: FriendTarget): FriendTarget => ({
  user_id: m.user_id ?? null,
  username: m.username ?? null,
});

/** `block_user {user_id|username}` -> `{}` (idempotent). Errors: `user_not_found`, `validation_failed` (yourself). */
async function blockUser(msg: Msg<'block_user'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const user = await ctx.services.friends.resolve(target(msg));
  await ctx.services.blocks.block(me(ctx), user.id);
  return okResponse('block_user_response', msg.request_id, {});
}

/** `unblock_user {user_id|username}` -> `{}`. Errors: `user_not_found`, `not_found` (not blocked). */
async function unblockUser(msg: Msg<'unblock_user'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const user = await ctx.services.friends.resolve(target(msg));
  await ctx.services.blocks.unblock(me(ctx), user.id);
  return okResponse('unblock_user_response', msg.request_id, {});
}

/** `list_blocks {cursor?, limit?}` -> `blocks`, `next_cursor`. */
async function listBlocks(msg: Msg<'list_blocks'>, ctx: CommandContext): Promise<CommandResponse> {
  const p = pageOf(await ctx.services.blocks.list(me(ctx)), msg.cursor, msg.limit);
  return okResponse('list_blocks_response', msg.request_id, { blocks: p.items, next_cursor: p.next_cursor });
}

/** `send_friend_request {user_id|username, message?}` -> `request`, or `friendship` (mutual auto-accept). */
async function sendFriendRequest(
  msg: Msg<'send_friend_request'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  await ctx.requireSession();
  const out = await ctx.services.friends.send(me(ctx), target(msg), msg.message ?? null);
  return okResponse('send_friend_request_response', msg.request_id, out);
}

/** `respond_friend_request {friend_request_id, accept}` -> `friendship` (accept) or `{}` (decline). Errors: `not_found`, `friend_limit`. */
async function respondFriendRequest(
  msg: Msg<'respond_friend_request'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  await ctx.requireSession();
  const out = await ctx.services.friends.respond(me(ctx), msg.friend_request_id, msg.accept);
  return okResponse('respond_friend_request_response', msg.request_id, 'friendship' in out ? out : {});
}

/** `cancel_friend_request {friend_request_id}` -> `{}`. Errors: `not_found`. */
async function cancelFriendRequest(
  msg: Msg<'cancel_friend_request'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  await ctx.requireSession();
  await ctx.services.friends.cancel(me(ctx), msg.friend_request_id);
  return okResponse('cancel_friend_request_response', msg.request_id, {});
}

/** `list_friends {cursor?, limit?}` -> `friends`, `next_cursor`. */
async function listFriends(msg: Msg<'list_friends'>, ctx: CommandContext): Promise<CommandResponse> {
  const p = pageOf(await ctx.services.friends.list(me(ctx)), msg.cursor, msg.limit);
  return okResponse('list_friends_response', msg.request_id, {
    friends: p.items,
    next_cursor: p.next_cursor,
  });
}

/** `list_friend_requests {direction?: incoming (default) | outgoing, cursor?, limit?}` -> `requests`, `next_cursor`. */
async function listFriendRequests(
  msg: Msg<'list_friend_requests'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const all = await ctx.services.friends.listRequests(me(ctx), msg.direction ?? 'incoming');
  const p = pageOf(all, msg.cursor, msg.limit);
  return okResponse('list_friend_requests_response', msg.request_id, {
    requests: p.items,
    next_cursor: p.next_cursor,
  });
}

/** `remove_friend {user_id|username}` -> `{}`. Errors: `user_not_found`, `not_found` (not friends). */
async function removeFriend(msg: Msg<'remove_friend'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const user = await ctx.services.friends.resolve(target(msg));
  await ctx.services.friends.remove(me(ctx), user.id);
  return okResponse('remove_friend_response', msg.request_id, {});
}

/** `get_preferences` -> `preferences` (extensions.md §7.1). */
async function getPreferences(msg: Msg<'get_preferences'>, ctx: CommandContext): Promise<CommandResponse> {
  const preferences = await ctx.services.preferences.get(me(ctx));
  return okResponse('get_preferences_response', msg.request_id, { preferences });
}

/** `update_preferences {preferences: partial}` -> `preferences`. Errors: `validation_failed`. */
async function updatePreferences(
  msg: Msg<'update_preferences'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  await ctx.requireSession();
  const preferences = await ctx.services.preferences.update(me(ctx), msg.preferences);
  return okResponse('update_preferences_response', msg.request_id, { preferences });
}

/** `set_presence {status: online|away|dnd}` -> `{}`; contacts get `presence_changed` (extensions.md §8). */
async function setPresence(msg: Msg<'set_presence'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.services.presence.setStatus(ctx.auth.user, msg.status);
  return okResponse('set_presence_response', msg.request_id, {});
}

/** `update_profile {display_name?, status_message?, avatar_url?, timezone?, locale?}` (ours; HTTP is `PATCH /users/me`) -> `user`. Errors: `validation_failed`. */
async function updateProfile(msg: Msg<'update_profile'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const { type: _t, request_id: _r, ...input } = msg;
  const user = await ctx.services.profiles.update(me(ctx), input);
  return okResponse('update_profile_response', msg.request_id, { user });
}

/** The lair.social commands (registered in ./index.ts). */
export const socialCommands = defineCommands({
  schemas,
  handlers: {
    block_user: blockUser,
    unblock_user: unblockUser,
    list_blocks: listBlocks,
    send_friend_request: sendFriendRequest,
    respond_friend_request: respondFriendRequest,
    cancel_friend_request: cancelFriendRequest,
    list_friends: listFriends,
    list_friend_requests: listFriendRequests,
    remove_friend: removeFriend,
    get_preferences: getPreferences,
    update_preferences: updatePreferences,
    set_presence: setPresence,
    update_profile: updateProfile,
  },
});
