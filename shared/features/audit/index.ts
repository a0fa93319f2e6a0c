// Public surface of the audit feature (model, store helpers, service) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createAuditService, type AuditServiceDeps } from './service.js';
import { DynamoAuditRepository, ENTITY, keys, partitions } from './store.js';

export * from './model.js';
export { newAuditEntry, parseAuditFilter, pageLimit, type AuditQuery, type AuditService } from './service.js';
export { auditPut, auditItem, auditFromItem } from './store.js';

/** The audit feature: the append-only log store and its read service. */
export const auditFeature = {
  keys,
  partitions,
  entities: ENTITY,
  repositories: (ctx: StoreContext) => ({ audit: new DynamoAuditRepository(ctx.doc, ctx.tableName) }),
  services: (deps: AuditServiceDeps) => ({ audit: createAuditService(deps) }),
};
