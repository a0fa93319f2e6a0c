// Public surface of the admin feature (model, service) and its descriptor for the composition root; admin has no store of its own.
import type { StoreContext } from '../../storage/context.js';
import { createAdminManagement, type AdminManagementDeps } from './management.js';
import { createSearchService, type SearchServiceDeps } from '../search/index.js';
import { createAdminSearch, type AdminSearchDeps } from './search.js';
import { createAdminService, type AdminServiceDeps } from './service.js';
import { DynamoAdminDirectory } from './store.js';

export * from './model.js';
export * from './service.js';
export * from './management.js';
export type { AdminSearch } from './search.js';
export type { AdminDirectory } from './store.js';

/** The admin feature: no items of its own; a read-mostly directory over the users' and rooms' items. */
export const adminFeature = {
  keys: {},
  partitions: {},
  entities: {},
  repositories: (ctx: StoreContext) => ({ adminDirectory: new DynamoAdminDirectory(ctx.doc, ctx.tableName) }),
  services: (deps: AdminServiceDeps & AdminManagementDeps & AdminSearchDeps & SearchServiceDeps) => ({
    admin: createAdminService(deps),
    adminManagement: createAdminManagement(deps),
    adminSearch: createAdminSearch(deps, createSearchService(deps)),
  }),
};
