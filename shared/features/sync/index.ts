// Public surface of the sync feature (model, service, store, section registry) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createSyncService, type SyncServiceDeps } from './service.js';
import * as store from './store.js';

export * from './model.js';
export * from './service.js';
export { SYNC_SECTIONS, type SyncSection, type SectionDeps } from './sections.js';
export { DynamoChangeRepository, type ChangeRepository } from './store.js';

/** The sync feature (docs/protocol/extensions.md §3): reads only, over GSI3. */
export const syncFeature = {
  keys: store.keys,
  partitions: store.partitions,
  entities: store.ENTITY,
  repositories: (ctx: StoreContext) => ({
    changes: new store.DynamoChangeRepository(ctx.doc, ctx.tableName, ctx.clock),
  }),
  services: (deps: SyncServiceDeps) => ({ sync: createSyncService(deps) }),
};
