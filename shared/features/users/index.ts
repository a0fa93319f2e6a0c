// Public surface of the users feature (model, service, store) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createUserService, type UserServiceDeps } from './service.js';
import * as store from './store.js';

export * from './model.js';
export * from './service.js';
export { DynamoUserRepository, userItem, userRecordFromItem } from './store.js';

/** The users feature: its keys, entity tags, repositories and services. */
export const usersFeature = {
  keys: store.keys,
  partitions: store.partitions,
  entities: store.ENTITY,
  repositories: (ctx: StoreContext) => ({ users: new store.DynamoUserRepository(ctx.doc, ctx.tableName) }),
  services: (deps: UserServiceDeps) => ({ users: createUserService(deps) }),
};
