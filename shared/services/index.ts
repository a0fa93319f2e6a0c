// Public surface of the services: createServices(deps) wires every use case over the injected ports.
import { createAdminService } from './admin-service.js';
import { createAuthService } from './auth-service.js';
import type { ServiceDeps, Services } from './contracts.js';
import { createInvitationService } from './invitation-service.js';
import { createMessageService } from './message-service.js';
import { createPresenceService } from './presence-service.js';
import { createRoomService } from './room-service.js';
import { createUserService } from './user-service.js';

export type * from './contracts.js';
export {
  createAdminService,
  createAuthService,
  createInvitationService,
  createMessageService,
  createPresenceService,
  createRoomService,
  createUserService,
};

/**
 * Builds every service over one set of dependencies (STYLE.md §4: built once per composition
 * root, no module state). All permission rules of domain.md §7 live in these services.
 */
export function createServices(deps: ServiceDeps): Services {
  return {
    auth: createAuthService(deps),
    users: createUserService(deps),
    rooms: createRoomService(deps),
    messages: createMessageService(deps),
    invitations: createInvitationService(deps),
    admin: createAdminService(deps),
    presence: createPresenceService(deps),
  };
}
