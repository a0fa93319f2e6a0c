// Public surface of the room-moderation feature (mutes, room bans, slow mode, the send gate) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { createRoomModerationService, type RoomModerationServiceDeps } from './service.js';
import { DynamoRoomModerationRepository, ENTITY, keys, partitions } from './store.js';

export * from './model.js';
export * from './service.js';

/** The room-moderation feature: mute, room-ban and send-slot items, its repository and service. */
export const roomModerationFeature = {
  keys: { roomMute: keys.mute, roomSendSlot: keys.sendSlot },
  partitions,
  entities: ENTITY,
  repositories: (ctx: StoreContext) => ({
    roomModeration: new DynamoRoomModerationRepository(ctx.doc, ctx.tableName, ctx.clock),
  }),
  services: (deps: RoomModerationServiceDeps) => ({ roomModeration: createRoomModerationService(deps) }),
};
