// Registry of stream consumers: one line per feature that reacts to table changes (lambdas/streams/consumer.ts).
import type { StreamConsumer } from './consumer.js';
import { invitationExpiryConsumer, type InvitationExpiredHook } from './invitation-expiry.js';
import { roomPurgeConsumer } from './room-purge.js';
import { moderationConsumer } from './moderation.js';
import { retentionConsumer } from './retention.js';
import { searchIndexConsumer } from './search-index.js';

/** Options every consumer factory may read. */
export interface ConsumerOptions {
  onInvitationExpired?: InvitationExpiredHook;
}

/** Every consumer, in the order they see each record. Add a feature with one line. */
export function createConsumers(opts: ConsumerOptions): StreamConsumer[] {
  return [
    invitationExpiryConsumer(opts.onInvitationExpired),
    roomPurgeConsumer(),
    moderationConsumer(),
    searchIndexConsumer(),
    retentionConsumer(),
  ];
}
