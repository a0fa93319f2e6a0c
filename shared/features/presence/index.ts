// Public surface of the presence feature (model, service, store) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createPresenceService, type PresenceServiceDeps } from './service.js';
import * as store from './store.js';

export * from './model.js';
export * from './service.js';
export { visibleOnline, type OnlineVisibility } from './visibility.js';
export { DynamoPresenceRepository, connectionItem, relayItem } from './store.js';

/** The presence feature: its keys, entity tags, repositories and services. */
export const presenceFeature = {
  keys: store.keys,
  partitions: store.partitions,
  entities: store.ENTITY,
  repositories: (ctx: StoreContext) => ({
    presence: new store.DynamoPresenceRepository(ctx.doc, ctx.tableName, ctx.clock),
  }),
  services: (deps: PresenceServiceDeps) => ({ presence: createPresenceService(deps) }),
};
