// Public surface of the conversations feature (lair.social group DMs, docs/protocol/extensions.md §7.2) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createConversationService, type ConversationServiceDeps } from './service.js';
import { DynamoConversationRepository, ENTITY, keys, partitions } from './store.js';

export * from './model.js';
export * from './service.js';
export { conversationTouch } from './store.js';

/** The conversations feature: META and participant items, their repository and service. */
export const conversationsFeature = {
  keys,
  partitions,
  entities: ENTITY,
  repositories: (ctx: StoreContext) => ({
    conversations: new DynamoConversationRepository(ctx.doc, ctx.tableName),
  }),
  services: (deps: ConversationServiceDeps) => ({ conversations: createConversationService(deps) }),
};
