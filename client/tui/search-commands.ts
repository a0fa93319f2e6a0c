// Search commands of the terminal client: /find-rooms <text> and /find-users <text> (list filters, issue 17 finding 5).
import type { ChatSession } from '../sdk/session.js';
import type { CommandResult } from './commands.js';
import { formatRooms, style } from './render.js';

/** What the search commands need from the chat state. */
export interface SearchCommandHost {
  readonly session: ChatSession;
  readonly currentRoomId: string | undefined;
}

/** `/find-rooms` (public rooms whose name contains the text) and `/find-users` (usernames containing it, ● = online). */
export function searchCommands(
  host: SearchCommandHost,
): Record<string, (rest: string) => Promise<CommandResult>> {
  return {
    async 'find-rooms'(rest) {
      const search = rest.trim();
      if (search === '') return { lines: [style.yellow('Usage: /find-rooms <text>')] };
      const res = await host.session.call({ type: 'list_rooms', filter: { search }, limit: 100 });
      return { lines: [`Rooms matching "${search}":`, ...formatRooms(res.rooms ?? [], host.currentRoomId)] };
    },
    async 'find-users'(rest) {
      const search = rest.trim();
      if (search === '') return { lines: [style.yellow('Usage: /find-users <text>')] };
      const res = await host.session.call({ type: 'list_users', filter: { search }, limit: 100 });
      const online = new Set(res.online_user_ids ?? []);
      const users = res.users ?? [];
      if (users.length === 0) return { lines: [`Users matching "${search}":`, style.dim('(nobody)')] };
      return {
        lines: [
          `Users matching "${search}":`,
          ...users.map((u) => `  ${online.has(u.id) ? '●' : '○'} ${u.username}`),
        ],
      };
    },
  };
}
