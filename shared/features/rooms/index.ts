// Public surface of the rooms feature (model, room access, service, stores, keys) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import * as roomKeys from './keys.js';
import { DynamoMembershipRepository } from './membership-store.js';
import { DynamoRoomRepository } from './room-store.js';
import { createRoomService, type RoomServiceDeps } from './service.js';

export * from './model.js';
export * from './access.js';
export * from './service.js';
export {
  DynamoMembershipRepository,
  membershipFromItem,
  membershipItem,
  roomBanCheck,
} from './membership-store.js';
export { DynamoRoomRepository, roomItem, roomRecordFromItem } from './room-store.js';
export { roomKeys };
export { joinWithPlan, planFailed } from './membership-fanout.js';

/** The rooms feature: its keys, entity tags, repositories and services. */
export const roomsFeature = {
  keys: roomKeys.keys,
  partitions: roomKeys.partitions,
  entities: roomKeys.ENTITY,
  repositories: (ctx: StoreContext) => ({
    rooms: new DynamoRoomRepository(ctx.doc, ctx.tableName, ctx.fanoutMaxMembers),
    memberships: new DynamoMembershipRepository(ctx.doc, ctx.tableName, ctx.fanoutMaxMembers),
  }),
  services: (deps: RoomServiceDeps) => ({ rooms: createRoomService(deps) }),
};
