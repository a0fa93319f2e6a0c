// The JSONL body of an export: one wire Message per line, oldest first, from paged history reads (docs/protocol/extensions.md §5).
import { toMessage, type MessageRepository } from '../messages/index.js';
import { EXPORT_LIMITS } from './model.js';

/**
 * Yields `JSON.stringify(message) + "\n"` for each live, non-deleted message of `conversation`
 * strictly between the exclusive seq bounds, oldest first (pages of {@link EXPORT_LIMITS.page}).
 */
export async function* exportLines(
  messages: Pick<MessageRepository, 'history'>,
  conversation: string,
  afterSeq: string | undefined,
  beforeSeq: string | undefined,
): AsyncGenerator<string> {
  let after = afterSeq;
  for (;;) {
    const page = await messages.history({
      conversation,
      limit: EXPORT_LIMITS.page,
      order: 'asc',
      ...(after === undefined ? {} : { afterSeq: after }),
      ...(beforeSeq === undefined ? {} : { beforeSeq }),
    });
    for (const record of page) yield `${JSON.stringify(toMessage(record))}\n`;
    const last = page.at(-1);
    if (page.length < EXPORT_LIMITS.page || last === undefined) return;
    after = last.seq;
  }
}
