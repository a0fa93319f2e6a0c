// Public surface of the admin feature (model, service) and its descriptor for the composition root; admin has no store of its own.
import { createAdminService, type AdminServiceDeps } from './service.js';

export * from './model.js';
export * from './service.js';

/** The admin feature: no items or repositories of its own; its service reads the other features' repositories. */
export const adminFeature = {
  keys: {},
  partitions: {},
  entities: {},
  services: (deps: AdminServiceDeps) => ({ admin: createAdminService(deps) }),
};
