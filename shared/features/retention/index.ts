// Public surface of the retention feature (model, policy) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createRetentionPolicy, type RetentionPolicyDeps } from './policy.js';
import { DynamoRetentionStamper } from './store.js';

export * from './model.js';
export { createRetentionPolicy, floorSeq, laterSeq, type RetentionPolicyDeps } from './policy.js';
export { DynamoRetentionStamper, type RestampProgress, type RetentionStamper } from './store.js';

/** The retention feature: no items of its own (it stamps `expiresAt` on message items); the stamper and the policy service. */
export const retentionFeature = {
  keys: {},
  partitions: {},
  entities: {},
  repositories: (ctx: StoreContext) => ({
    retentionStamper: new DynamoRetentionStamper(ctx.doc, ctx.tableName),
  }),
  services: (deps: RetentionPolicyDeps) => ({ retention: createRetentionPolicy(deps) }),
};
