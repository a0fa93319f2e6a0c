// Public surface of the moderation feature (system roles, bans) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createModerationService, type ModerationServiceDeps } from './service.js';
import { DynamoModerationRepository, ENTITY, keys, partitions } from './store.js';

export * from './model.js';
export * from './service.js';

/** The moderation feature: ban and admin-counter items, the moderation repository and service. */
export const moderationFeature = {
  keys,
  partitions,
  entities: ENTITY,
  repositories: (ctx: StoreContext) => ({
    moderation: new DynamoModerationRepository(ctx.doc, ctx.tableName, ctx.clock),
  }),
  services: (deps: ModerationServiceDeps) => ({ moderation: createModerationService(deps) }),
};
