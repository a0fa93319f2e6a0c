// Public surface of the auth feature (model, service, store) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createAuthService, type AuthServiceDeps } from './service.js';
import * as store from './store.js';

export * from './model.js';
export * from './service.js';
export { DynamoSessionRepository, sessionFromItem, sessionItem } from './store.js';

/** The auth feature: its keys, entity tags, repositories and services. */
export const authFeature = {
  keys: store.keys,
  partitions: {},
  entities: store.ENTITY,
  repositories: (ctx: StoreContext) => ({
    sessions: new store.DynamoSessionRepository(ctx.doc, ctx.tableName),
  }),
  services: (deps: AuthServiceDeps) => ({ auth: createAuthService(deps) }),
};
