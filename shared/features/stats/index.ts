// Public surface of the stats feature (relay reports, usage counters) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createStatsService, type StatsServiceDeps } from './service.js';
import { DynamoStatsRepository, ENTITY, keys, partitions } from './store.js';

export * from './model.js';
export * from './service.js';

/** The stats feature: relay reports and usage counters. */
export const statsFeature = {
  keys,
  partitions,
  entities: ENTITY,
  repositories: (ctx: StoreContext) => ({
    stats: new DynamoStatsRepository(ctx.doc, ctx.tableName, ctx.clock),
  }),
  services: (deps: StatsServiceDeps) => ({ stats: createStatsService(deps) }),
};
