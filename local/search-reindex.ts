// Search index backfill (docs/protocol/extensions.md §4, docs/adr/013): indexes message items the stream consumer never saw (stored before the index existed, or sent while the poller was down).
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../shared/platform/system.js';
import {
  ALL_TERM,
  DynamoSearchIndex,
  indexedFromItem,
  searchFeature,
} from '../shared/features/search/index.js';
import type { Item } from '../shared/storage/items.js';
import { batchGet } from '../shared/storage/operations.js';

/** What {@link reindexMessages} did. */
export interface ReindexResult {
  /** Message items seen (tombstones included). */
  scanned: number;
  /** Messages that had no posting yet and were indexed now. */
  indexed: number;
  /** Live messages already in the index (left alone, so the term counters stay exact). */
  alreadyIndexed: number;
}

/**
 * Scans the table with `segments` parallel Scan segments (AWS "Parallel scan"), keeps message
 * items, and for every live one without its catch-all posting (`SIDX#<conversation>#*`) writes its
 * postings and counters exactly as the stream consumer would (`DynamoSearchIndex.apply(null, m)`)
 * plus the DM scope rows. Idempotent: a second run indexes nothing. Runs beside a live server; a
 * message the consumer indexes meanwhile is at worst written twice with identical postings.
 * @param onProgress - called after every scanned page with the running totals
 * @throws DomainError `database_error` when a batch stays unprocessed; SDK errors of Scan
 */
export async function reindexMessages(opts: {
  doc: DynamoDBDocumentClient;
  tableName: string;
  segments?: number;
  onProgress?: (r: ReindexResult) => void;
}): Promise<ReindexResult> {
  const index = new DynamoSearchIndex(opts.doc, opts.tableName, systemClock);
  const result: ReindexResult = { scanned: 0, indexed: 0, alreadyIndexed: 0 };
  const segments = Math.max(1, opts.segments ?? 4);
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await opts.doc.send(
          new ScanCommand({
            TableName: opts.tableName,
            Segment: segment,
            TotalSegments: segments,
            FilterExpression: 'entity = :m',
            ExpressionAttributeValues: { ':m': 'message' },
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }),
        );
        start = page.LastEvaluatedKey;
        const items = (page.Items ?? []) as Item[];
        result.scanned += items.length;
        const live = items.flatMap((i) => {
          const m = indexedFromItem(i);
          return m === null ? [] : [m];
        });
        const present = new Set(
          (
            await batchGet(
              opts.doc,
              opts.tableName,
              live.map((m) => searchFeature.keys.searchPosting(m.conversation, ALL_TERM, m.seq)),
              false,
            )
          ).map((i) => `${String(i.PK)}|${String(i.SK)}`),
        );
        for (const m of live) {
          const k = searchFeature.keys.searchPosting(m.conversation, ALL_TERM, m.seq);
          if (present.has(`${k.PK}|${k.SK}`)) {
            result.alreadyIndexed++;
            continue;
          }
          // eslint-disable-next-line prefer-spread -- DynamoSearchIndex.apply(before, after), not Function#apply
          await index.apply(null, m);
          if (m.conversation.startsWith('DM#'))
            await index.addDmConversation(m.conversation, m.conversation.split('#').slice(1));
          result.indexed++;
        }
        opts.onProgress?.({ ...result });
      } while (start !== undefined);
    }),
  );
  return result;
}
