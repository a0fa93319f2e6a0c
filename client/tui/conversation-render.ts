// Terminal rendering of lair.social group conversations: their events and list rows (docs/protocol/extensions.md §7.2).
import type { EventPayload } from '../../shared/kernel/events.js';
import type { Conversation } from '../../shared/features/conversations/index.js';
import { style } from './render.js';

type ConversationEvent = Extract<
  EventPayload,
  { type: 'conversation_created' | 'participant_added' | 'participant_left' }
>;

/** A conversation's label: its title, else its participants' usernames (the viewer left out). */
export function conversationLabel(c: Conversation, myId?: string): string {
  if (c.title !== null) return c.title;
  const names = c.participants.filter((p) => p.user_id !== myId).map((p) => p.username);
  return names.join(', ');
}

/** One line for a conversation event; `ctx.userName` names ids, `ctx.conversationName` names a known conversation. */
export function formatConversationEvent(
  event: ConversationEvent,
  ctx: { userName(id: string): string; myId?: string; conversationName?(id: string): string },
): string | null {
  switch (event.type) {
    case 'conversation_created':
      return event.conversation.created_by === ctx.myId
        ? null
        : style.magenta(
            `✉ ${ctx.userName(event.conversation.created_by)} started the group “${conversationLabel(event.conversation, ctx.myId)}” — /groups`,
          );
    case 'participant_added': {
      const names = event.user_ids.map(
        (id) => event.conversation.participants.find((p) => p.user_id === id)?.username ?? ctx.userName(id),
      );
      return style.dim(
        `* ${ctx.userName(event.added_by)} added ${names.join(', ')} to “${conversationLabel(event.conversation, ctx.myId)}”`,
      );
    }
    case 'participant_left':
      return style.dim(
        `* ${ctx.userName(event.user_id)} left “${ctx.conversationName?.(event.conversation_id) ?? 'a group'}”`,
      );
  }
}

/** `/groups` rows: `  1. title  (alice, bob)  (current)`. */
export function formatConversations(
  list: Conversation[],
  currentId: string | undefined,
  myId?: string,
): string[] {
  if (list.length === 0) return [style.dim('(no group conversations — /group <user> <user…> [title])')];
  return list.map((c, i) => {
    const people = c.participants.map((p) => p.username).join(', ');
    const current = c.id === currentId ? ` ${style.green('(current)')}` : '';
    return `  ${i + 1}. ${conversationLabel(c, myId)}  ${style.dim(`(${people})`)}${current}`;
  });
}
