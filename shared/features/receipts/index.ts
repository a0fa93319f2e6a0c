// Public surface of the receipts feature (model, service, store) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createReceiptService, type ReceiptServiceDeps } from './service.js';
import * as store from './store.js';

export * from './model.js';
export * from './service.js';
export { DynamoReceiptRepository } from './store.js';

/** The receipts feature (docs/protocol/extensions.md §2): its keys, entity tags, repositories and services. */
export const receiptsFeature = {
  keys: store.keys,
  partitions: store.partitions,
  entities: store.ENTITY,
  repositories: (ctx: StoreContext) => ({
    receipts: new store.DynamoReceiptRepository(ctx.doc, ctx.tableName),
  }),
  services: (deps: ReceiptServiceDeps) => ({ receipts: createReceiptService(deps) }),
};
