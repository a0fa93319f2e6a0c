// Public surface of the invitations feature (model, service, store) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createInvitationService, type InvitationServiceDeps } from './service.js';
import * as store from './store.js';

export * from './model.js';
export * from './service.js';
export { DynamoInvitationRepository, invitationFromItem, invitationItem } from './store.js';

/** The invitations feature: its keys (the item key itself is the room partition's), entity tags, repositories and services. */
export const invitationsFeature = {
  keys: {},
  partitions: store.partitions,
  entities: store.ENTITY,
  repositories: (ctx: StoreContext) => ({
    invitations: new store.DynamoInvitationRepository(ctx.doc, ctx.tableName, ctx.clock),
  }),
  services: (deps: InvitationServiceDeps) => ({ invitations: createInvitationService(deps) }),
};
