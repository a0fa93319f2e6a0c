// Public surface of the attachments feature (model, service, store, blob adapters) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createAttachmentService, type AttachmentServiceDeps } from './service.js';
import * as store from './store.js';

export * from './model.js';
export * from './service.js';
export { attachUpdates, DynamoAttachmentRepository } from './store.js';
export { LocalBlobStore, LOCAL_BLOB_PATH, type VerifiedBlobRequest } from './blob-local.js';
// S3BlobStore (./blob-s3.js) is not re-exported: createBlobStore imports it on first use (docs/adr/031).
export { createBlobStore, type BlobStoreChoice } from './blobs.js';

/** The attachments feature: its keys, entity tag, repository and service. */
export const attachmentsFeature = {
  keys: store.keys,
  partitions: store.partitions,
  entities: store.ENTITY,
  repositories: (ctx: StoreContext) => ({
    attachments: new store.DynamoAttachmentRepository(ctx.doc, ctx.tableName, ctx.clock),
  }),
  services: (deps: AttachmentServiceDeps) => ({ attachments: createAttachmentService(deps) }),
};
