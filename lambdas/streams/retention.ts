// Stream consumer: stamps the retention TTL on new messages and re-stamps a room's messages when its `retention_days` changes (docs/protocol/extensions.md §5).
import type { StreamConsumer } from './consumer.js';

const retentionOf = (image: Record<string, unknown> | undefined): number | null => {
  const s = image?.settings as { retention_days?: unknown } | undefined;
  return typeof s?.retention_days === 'number' ? s.retention_days : null;
};

/**
 * Builds the consumer. A message INSERT gets `expiresAt = created_at + days` (so the send path
 * stays one PutItem); a room META MODIFY whose `settings.retention_days` changed re-stamps every
 * message of the room, logging progress per page. Both are idempotent (the stamp is a
 * conditional SET of a value computed from `created_at`). Counts `retentionStamped`,
 * `retentionRestamps`.
 */
export function retentionConsumer(): StreamConsumer {
  return {
    name: 'retention',
    async handle(change, ctx) {
      if (ctx.deps === undefined || change.ttl) return false;
      const item = change.newImage;
      if (change.entity === 'message' && change.eventName === 'INSERT' && item !== undefined) {
        const { services, repos } = await ctx.deps();
        const conversation = String(item.conversation);
        const days = await services.retention.daysFor(conversation);
        if (days === null) return false;
        await repos.retentionStamper.stamp(
          { PK: String(item.PK), SK: String(item.SK) },
          Date.parse(String(item.created_at)),
          days,
        );
        ctx.count('retentionStamped');
        return true;
      }
      if (change.entity === 'room' && change.eventName === 'MODIFY') {
        if (retentionOf(change.oldImage) === retentionOf(change.newImage)) return false;
        const { services, repos } = await ctx.deps();
        const roomId = String(change.newImage?.id);
        const days = await services.retention.daysFor(roomId);
        ctx.logger.info({ roomId, days }, 'retention re-stamp started');
        const result = await repos.retentionStamper.restamp(roomId, days, (p) => {
          ctx.logger.info(
            { roomId, scanned: p.scanned, stamped: p.stamped, done: p.done },
            'retention re-stamp progress',
          );
        });
        ctx.logger.info(
          { roomId, scanned: result.scanned, stamped: result.stamped },
          'retention re-stamp done',
        );
        ctx.count('retentionRestamps');
        return true;
      }
      return false;
    },
  };
}
