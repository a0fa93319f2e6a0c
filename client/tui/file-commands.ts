// File commands of the terminal client: /upload <path> sends a file to the current room, /download <n> saves a message's attachments (docs/protocol/extensions.md §1.7).
import type { ChatSession } from '../sdk/session.js';
import type { UploadedFile } from '../sdk/attachments.js';
import type { CommandResult } from './commands.js';
import { parseRef } from './message-book.js';
import type { MessageBook } from './message-book.js';
import { style } from './render.js';

/** How files move (HTTP in the real client; a fake in tests). */
export interface FileTransfer {
  upload(path: string): Promise<UploadedFile>;
  /** Saves attachment `id` under the download folder. @returns the path written */
  download(id: string): Promise<string>;
}

/** What the file commands need from the chat state. */
export interface FileCommandHost {
  readonly session: ChatSession;
  readonly book: MessageBook;
  readonly currentRoomId: string | undefined;
  readonly files?: FileTransfer | undefined;
}

/** `/upload` and `/download`, merged into the chat state's command table. */
export function fileCommands(
  host: FileCommandHost,
): Record<string, (rest: string) => Promise<CommandResult>> {
  return {
    async upload(rest) {
      const path = rest.trim();
      if (path === '') return { lines: [style.yellow('Usage: /upload <path>')] };
      if (host.files === undefined) return { lines: [style.red('File transfer is not available')] };
      const roomId = host.currentRoomId;
      if (roomId === undefined) return { lines: [style.yellow('Not in a room')] };
      const file = await host.files.upload(path);
      const type = file.content_type.startsWith('image/') ? 'image' : 'file';
      // The message itself arrives as message_received and is printed with its number.
      await host.session.sendMessage({ type: 'room', room_id: roomId }, file.filename, {
        message_type: type,
        attachment_ids: [file.id],
      });
      return { lines: [style.dim(`* uploaded ${file.filename} (${file.size_bytes} bytes)`)] };
    },

    async download(rest) {
      const n = parseRef(rest);
      if (n === null) return { lines: [style.yellow('Usage: /download <n>')] };
      if (host.files === undefined) return { lines: [style.red('File transfer is not available')] };
      const message = host.book.byNumber(n);
      if (message === undefined)
        return { lines: [style.red(`No message [${n}] — numbers come from printed messages`)] };
      if (message.attachments.length === 0)
        return { lines: [style.yellow(`Message [${n}] has no attachment`)] };
      const lines: string[] = [];
      for (const a of message.attachments)
        lines.push(style.dim(`* saved ${await host.files.download(a.id)}`));
      return { lines };
    },
  };
}
