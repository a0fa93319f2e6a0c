// Public surface of the auth feature (model, services, stores) and its descriptor for the composition root.
import type { StoreContext } from '../../storage/context.js';
import { DynamoLockoutRepository, LOCKOUT_ENTITY, lockoutKeys } from './lockout-store.js';
import { createAuthService, type AuthServiceDeps } from './service.js';
import * as store from './store.js';
import { createSecretBox, missingSecretBox } from './secret-box.js';
import { DynamoTotpRepository, TOTP_ENTITY, totpKeys } from './totp-store.js';
import { createTwoFactorService } from './two-factor.js';

export * from './model.js';
export * from './service.js';
export * from './policy.js';
export { LockedError } from './lockout.js';
export type { LockoutKind, LockoutRepository, LockoutRule } from './lockout-store.js';
export type { TotpRecord, TotpRepository } from './totp-store.js';
export { TOTP_PARAMS, stepOf, type SecondFactor, type TwoFactorService } from './two-factor.js';
export { checkPasswordPolicy } from './password-policy.js';
export { createSecretBox, isSealed, MIN_KEY_MATERIAL_LENGTH, type SecretBox } from './secret-box.js';
export { DynamoSessionRepository, sessionFromItem, sessionItem } from './store.js';

/** The auth feature: its keys, entity tags, repositories and services. */
export const authFeature = {
  keys: { ...store.keys, ...lockoutKeys, ...totpKeys },
  partitions: {},
  entities: { ...store.ENTITY, ...LOCKOUT_ENTITY, ...TOTP_ENTITY },
  repositories: (ctx: StoreContext) => ({
    sessions: new store.DynamoSessionRepository(ctx.doc, ctx.tableName),
    lockouts: new DynamoLockoutRepository(ctx.doc, ctx.tableName, ctx.clock),
    totp: new DynamoTotpRepository(
      ctx.doc,
      ctx.tableName,
      ctx.totpKey === undefined ? missingSecretBox() : createSecretBox(ctx.totpKey),
    ),
  }),
  services: (deps: AuthServiceDeps) => ({
    auth: createAuthService(deps),
    twoFactor: createTwoFactorService({
      ...deps,
      ...(deps.securityAudit ? { audit: deps.securityAudit } : {}),
    }),
  }),
};
