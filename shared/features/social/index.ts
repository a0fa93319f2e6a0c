// Public surface of the social feature (lair.social: blocks, friends, preferences) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createBlockService, type BlockServiceDeps } from './blocks-service.js';
import { DynamoBlockRepository } from './blocks-store.js';
import { createFriendService, type FriendServiceDeps } from './friends-service.js';
import { DynamoFriendRepository } from './friends-store.js';
import { ENTITY, keys, partitions } from './keys.js';
import { createPreferenceService, type PreferenceServiceDeps } from './preferences-service.js';
import { DynamoPreferenceRepository } from './preferences-store.js';
import { createProfileService, type ProfileServiceDeps } from './profile-service.js';

export * from './model.js';
export * from './blocks-service.js';
export * from './friends-service.js';
export * from './preferences-service.js';
export * from './profile-service.js';
export { parseProfile, PROFILE_LIMITS, type ProfileInput } from './profile.js';
export { requireDmAllowed, requireNotBlocked, type ReachDeps } from './reach.js';

/** The social feature: block, friend and preference items, their repositories and services. */
export const socialFeature = {
  keys,
  partitions,
  entities: ENTITY,
  repositories: (ctx: StoreContext) => ({
    blocks: new DynamoBlockRepository(ctx.doc, ctx.tableName),
    friends: new DynamoFriendRepository(ctx.doc, ctx.tableName),
    preferences: new DynamoPreferenceRepository(ctx.doc, ctx.tableName),
  }),
  services: (deps: BlockServiceDeps & FriendServiceDeps & PreferenceServiceDeps & ProfileServiceDeps) => ({
    blocks: createBlockService(deps),
    friends: createFriendService(deps),
    preferences: createPreferenceService(deps),
    profiles: createProfileService(deps),
  }),
};
export { pageOf, type Page } from './pages.js';
export { contactsAudience, type ContactDeps } from './contacts.js';
