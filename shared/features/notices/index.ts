// Public surface of the notices feature (server notices) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createNoticeService, type NoticeServiceDeps } from './service.js';
import { DynamoNoticeRepository, ENTITY, keys, partitions } from './store.js';

export * from './model.js';
export * from './service.js';

/** The notices feature: notice items, their repository and service. */
export const noticesFeature = {
  keys,
  partitions,
  entities: ENTITY,
  repositories: (ctx: StoreContext) => ({
    notices: new DynamoNoticeRepository(ctx.doc, ctx.tableName, ctx.clock),
  }),
  services: (deps: NoticeServiceDeps) => ({ notices: createNoticeService(deps) }),
};
