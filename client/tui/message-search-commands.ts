// Search and export commands of the terminal client: /search <query> over TCP search_messages, /search-all <query> over HTTP (moderators), /export [file] of the current room over HTTP (docs/protocol/extensions.md §4, §5).
import type { Message } from '../../shared/features/messages/index.js';
import type { ChatSession } from '../sdk/session.js';
import type { CommandResult } from './commands.js';
import type { MessageBook } from './message-book.js';
import { clock, style } from './render.js';
import type { AccountApi } from './security-commands.js';

/** How a room export is fetched (HTTP in the real client; a fake in tests). */
export interface ExportTransfer {
  /** Starts an export of `roomId`, waits until done and saves it to `file`. @returns messages written */
  exportRoom(roomId: string, file: string): Promise<number>;
}

/** What the search commands need from the chat state. */
export interface SearchCommandHost {
  readonly session: ChatSession;
  readonly book: MessageBook;
  readonly currentRoomId: string | undefined;
  readonly files?: Partial<ExportTransfer> | undefined;
  roomName(id: string): string;
  userName(id: string): string;
  /** Authenticated HTTP calls, for `/search-all` (the admin search is HTTP only). */
  readonly account?: Pick<AccountApi, 'send'> | undefined;
}

type Hit = { message: Message; highlights: [number, number][] };

/** `content` with the `[start, end)` ranges in bold. */
function highlight(content: string, ranges: [number, number][]): string {
  let out = '';
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    out += content.slice(at, start) + style.bold(content.slice(start, end));
    at = end;
  }
  return out + content.slice(at);
}

/** `/search`, `/search-all` and `/export`, merged into the chat state's command table. */
export function messageSearchCommands(
  host: SearchCommandHost,
): Record<string, (rest: string) => Promise<CommandResult>> {
  /** The numbered result lines of a search (the numbers work with /reply, /react, … like history's). */
  function hitLines(results: readonly Hit[], query: string): string[] {
    if (results.length === 0) return [style.dim(`* no messages match ${query}`)];
    const lines = [
      style.dim(`* ${results.length} match${results.length === 1 ? '' : 'es'} for ${query}, newest first:`),
    ];
    for (const hit of results) {
      const m = hit.message;
      const n = host.book.remember(m);
      const where = m.target.type === 'room' ? `#${host.roomName(m.target.room_id)}` : 'DM';
      lines.push(
        `[${n}] ${style.dim(clock(m.created_at))} ${style.cyan(where)} <${host.userName(m.author)}> ${highlight(m.content, hit.highlights)}`,
      );
    }
    return lines;
  }

  return {
    async search(rest) {
      const query = rest.trim();
      if (query === '')
        return {
          lines: [
            style.yellow('Usage: /search <words> (also "phrase", pre*, -word, from:name, in:room, has:pin)'),
          ],
        };
      const results = (await host.session.call({ type: 'search_messages', query, limit: 20 })).results ?? [];
      return { lines: hitLines(results, query) };
    },

    /** System moderators and admins: every room (and, with from:name, that user's DMs); audited by the server. */
    async 'search-all'(rest) {
      const query = rest.trim();
      if (query === '')
        return { lines: [style.yellow('Usage: /search-all <words> (moderators; every room)')] };
      if (host.account === undefined) return { lines: [style.red('Admin search is not available')] };
      const page = await host.account.send<{ results: Hit[] }>(
        'GET',
        `/api/v1/admin/search/messages?${new URLSearchParams({ q: query, limit: '20' }).toString()}`,
      );
      return { lines: hitLines(page.results, query) };
    },

    async export(rest) {
      const roomId = host.currentRoomId;
      if (roomId === undefined) return { lines: [style.yellow('Not in a room')] };
      const exportRoom = host.files?.exportRoom;
      if (exportRoom === undefined) return { lines: [style.red('Export is not available')] };
      const file = rest.trim() === '' ? `${host.roomName(roomId)}-export.jsonl` : rest.trim();
      const n = await exportRoom(roomId, file);
      return { lines: [style.dim(`* exported ${n} messages of #${host.roomName(roomId)} to ${file}`)] };
    },
  };
}
