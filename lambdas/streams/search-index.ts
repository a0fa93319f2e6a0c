// Stream consumer: keeps the search index in step with message items (insert, edit, tombstone, delete, TTL), docs/protocol/extensions.md §4.
import type { StreamConsumer } from './consumer.js';
import { indexedFromItem } from '../../shared/features/search/index.js';

/**
 * Builds the consumer. Idempotent: postings are overwritten or deleted by key; only the term
 * counters (which just steer the query plan) may drift on a redelivered record. Counts
 * `searchIndexed` (postings changed for a message).
 */
export function searchIndexConsumer(): StreamConsumer {
  return {
    name: 'search-index',
    async handle(change, ctx) {
      if (change.entity !== 'message' || ctx.deps === undefined) return false;
      const before = indexedFromItem(change.oldImage);
      const after = change.eventName === 'REMOVE' ? null : indexedFromItem(change.newImage);
      if (before === null && after === null) return false;
      const { repos } = await ctx.deps();
      await repos.searchIndex.apply(before, after);
      const item = change.newImage;
      if (change.eventName === 'INSERT' && after !== null && after.conversation.startsWith('DM#')) {
        // DM scope for search without a target: both participants (from the DM key).
        await repos.searchIndex.addDmConversation(after.conversation, after.conversation.split('#').slice(1));
      }
      ctx.count('searchIndexed');
      if (item !== undefined) ctx.logger.debug({ eventId: change.eventId }, 'search index updated');
      return true;
    },
  };
}
