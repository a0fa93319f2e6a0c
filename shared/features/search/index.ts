// Public surface of the search feature (model, tokeniser, query parser, service, store) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createSearchService, type SearchServiceDeps } from './service.js';
import * as store from './store.js';

export * from './model.js';
export * from './service.js';
export { fold, termsOf, tokenize, type Token } from './tokenize.js';
export { HAS_VALUES, parseQuery, QUERY_LIMITS, type HasValue, type ParsedQuery } from './query.js';
export { DynamoSearchIndex, countItem, indexedFromItem, postingItems } from './store.js';

/** The search feature: its keys, entity tags, index repository and service. */
export const searchFeature = {
  keys: store.keys,
  partitions: store.partitions,
  entities: store.ENTITY,
  repositories: (ctx: StoreContext) => ({
    searchIndex: new store.DynamoSearchIndex(ctx.doc, ctx.tableName, ctx.clock),
  }),
  services: (deps: SearchServiceDeps) => ({ search: createSearchService(deps) }),
};
