// Public surface of the invitations feature (model, services, stores) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createInviteLinkService, type InviteLinkServiceDeps } from './links-service.js';
import { DynamoInviteLinkRepository, LINK_ENTITY } from './links-store.js';
import { createInvitationService, type InvitationServiceDeps } from './service.js';
import { DynamoInvitationStatsRepository } from './stats-store.js';
import * as store from './store.js';

export * from './model.js';
export * from './service.js';
export * from './links-service.js';
export { toStats, estimateMedian, responseBucket } from './stats.js';
export { DynamoInvitationStatsRepository, type StatsChange, type StatsScope } from './stats-store.js';
export { DynamoInviteLinkRepository } from './links-store.js';
export {
  DynamoInvitationRepository,
  bulkChunks,
  invitationFromItem,
  invitationRecordItem,
  slotItem,
} from './store.js';
export { migrateLegacyInvitations } from './migrate.js';

/** The invitations feature: keys (the slot key is the room partition's), entity tags, repositories and services. */
export const invitationsFeature = {
  keys: { invitationRecord: store.keys.invitationRecord },
  partitions: store.partitions,
  entities: { ...store.ENTITY, ...LINK_ENTITY },
  repositories: (ctx: StoreContext) => ({
    invitations: new store.DynamoInvitationRepository(
      ctx.doc,
      ctx.tableName,
      ctx.clock,
      ctx.fanoutMaxMembers,
    ),
    inviteLinks: new DynamoInviteLinkRepository(ctx.doc, ctx.tableName, ctx.fanoutMaxMembers),
    invitationStats: new DynamoInvitationStatsRepository(ctx.doc, ctx.tableName),
  }),
  services: (deps: InvitationServiceDeps & InviteLinkServiceDeps) => ({
    invitations: createInvitationService(deps),
    inviteLinks: createInviteLinkService(deps),
  }),
};
