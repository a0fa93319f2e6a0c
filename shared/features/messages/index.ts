// Public surface of the messages feature (model, service, store) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createMessageService, type MessageServiceDeps } from './service.js';
import * as store from './store.js';

export * from './model.js';
export * from './service.js';
export {
  DynamoMessageRepository,
  conversationKey,
  messageFromItem,
  messageItem,
  keys as messageKeys,
} from './store.js';
export { markKeys } from './marks-store.js';
export { retainedReads, type RetainedReadsDeps } from './retained.js';
export { headKeys, type HeadRepository, type TargetHead, type DmPeer } from './head-store.js';
import { DynamoHeadRepository, headKeys } from './head-store.js';

/** The messages feature: its keys, entity tags, repositories and services. */
export const messagesFeature = {
  keys: { ...store.keys, ...headKeys },
  partitions: store.partitions,
  entities: { ...store.ENTITY, targetHead: 'target_head', dmPeer: 'dm_peer' } as const,
  repositories: (ctx: StoreContext) => ({
    messages: new store.DynamoMessageRepository(ctx.doc, ctx.tableName, ctx.clock),
    heads: new DynamoHeadRepository(ctx.doc, ctx.tableName),
  }),
  services: (deps: MessageServiceDeps) => ({ messages: createMessageService(deps) }),
};
