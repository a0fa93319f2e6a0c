// Retention policy lookups: a conversation's retention days and visibility cutoff (room META or the server default; docs/protocol/extensions.md §5).
import { encodeTime } from 'ulidx';
import type { Clock } from '../../kernel/ports.js';
import type { RoomRepository } from '../rooms/index.js';
import { cutoffMs, effectiveDays, type RetentionPolicy } from './model.js';

/** What {@link createRetentionPolicy} reads. */
export interface RetentionPolicyDeps {
  rooms: Pick<RoomRepository, 'get'>;
  /** `LAIR_RETENTION_DEFAULT_DAYS` (null = forever): rooms without their own setting, and DMs. */
  retentionDefaultDays: number | null;
  clock: Clock;
}

/**
 * The policy over the room repository: a room conversation costs one strongly consistent GetItem
 * (a policy change hides old messages at once, before the background re-stamp); DM keys
 * (`DM#…`), group conversations (`CONV#…`, extensions.md §7.2) and unknown rooms use the default.
 */
export function createRetentionPolicy(deps: RetentionPolicyDeps): RetentionPolicy {
  const daysFor = async (conversation: string): Promise<number | null> => {
    if (conversation.startsWith('DM#') || conversation.startsWith('CONV#')) return deps.retentionDefaultDays;
    const room = await deps.rooms.get(conversation);
    return effectiveDays(room?.settings.retention_days, deps.retentionDefaultDays);
  };
  return {
    daysFor,
    async cutoffFor(conversation) {
      return cutoffMs(await daysFor(conversation), deps.clock.now());
    },
  };
}

/**
 * The exclusive lower seq bound of what `cutoff` still shows: the ULID prefix of the cutoff
 * millisecond with the lowest random part (docs/adr/004: seq = ULID of `created_at`), so a Query
 * `SK > floor` skips every message created before the cutoff. undefined when nothing is cut.
 * @param cutoff - epoch ms, or null (kept forever)
 */
export function floorSeq(cutoff: number | null): string | undefined {
  return cutoff === null || cutoff <= 0
    ? undefined
    : `${encodeTime(Math.floor(cutoff), 10)}${'0'.repeat(16)}`;
}

/** The later (greater) of two exclusive lower seq bounds. */
export function laterSeq(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
