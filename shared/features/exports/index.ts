// Public surface of the exports feature (model, service, store) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createExportService, type ExportServiceDeps } from './service.js';
import * as store from './store.js';

export * from './model.js';
export * from './service.js';
export { DynamoExportRepository } from './store.js';
export { exportLines } from './lines.js';

/** The exports feature: its keys, entity tags, repository and service. */
export const exportsFeature = {
  keys: store.keys,
  partitions: store.partitions,
  entities: store.ENTITY,
  repositories: (ctx: StoreContext) => ({
    exports: new store.DynamoExportRepository(ctx.doc, ctx.tableName, ctx.clock),
  }),
  services: (deps: ExportServiceDeps) => ({ exports: createExportService(deps) }),
};
