// Stream consumer of docs/protocol/extensions.md §9: per-day usage counters (stats/usage) and admin.bootstrap_usernames on registration.
import { ENTITY } from '../../shared/features/index.js';
import type { UsageCounter } from '../../shared/features/stats/index.js';
import type { StreamConsumer } from './consumer.js';

/** Which inserted entity counts as what, and whose activity it is. */
const COUNTED: Readonly<Record<string, { counter: UsageCounter | null; actor: string }>> = {
  [ENTITY.message]: { counter: 'messages', actor: 'author' },
  [ENTITY.user]: { counter: 'new_users', actor: 'id' },
  [ENTITY.room]: { counter: 'rooms_created', actor: 'owner' },
  [ENTITY.invitation]: { counter: 'invitations_sent', actor: 'inviter_id' },
  [ENTITY.session]: { counter: null, actor: 'user_id' },
};

/**
 * Counts each INSERT once into `USAGE#<day>` (the item's own `created_at` day, UTC; idempotent by
 * a marker written in the same transaction) and, for a new user whose username is in
 * `admin.bootstrap_usernames`, grants admin. Counters: `usageCounted`, `bootstrapGranted`.
 */
export function moderationConsumer(): StreamConsumer {
  return {
    name: 'moderation-usage',
    async handle(change, ctx) {
      if (change.eventName !== 'INSERT' || change.newImage === undefined || ctx.deps === undefined)
        return false;
      const rule = change.entity === undefined ? undefined : COUNTED[change.entity];
      if (rule === undefined) return false;
      const item = change.newImage;
      const createdAt = typeof item.created_at === 'string' ? item.created_at : new Date().toISOString();
      const actor = typeof item[rule.actor] === 'string' ? (item[rule.actor] as string) : null;
      const { repos, services } = await ctx.deps();
      const counted = await repos.stats.countOnce(
        createdAt.slice(0, 10),
        `${String(change.entity)}#${String(item.id)}`,
        rule.counter,
        actor,
      );
      if (counted) ctx.count('usageCounted');
      if (change.entity === ENTITY.user && typeof item.username === 'string') {
        const granted = await services.moderation.applyBootstrap(item.username);
        if (granted.length > 0) {
          ctx.count('bootstrapGranted');
          ctx.logger.info({ username: item.username }, 'admin.bootstrap_usernames: granted admin');
        }
      }
      return true;
    },
  };
}
