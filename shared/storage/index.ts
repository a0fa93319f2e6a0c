// Public surface of the storage layer: createRepositories plus the table, keys, clients and bootstrap.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Repositories } from '../ports/repositories.js';
import type { Clock } from '../ports/services.js';
import { DynamoInvitationRepository } from './invitation-repository.js';
import { DynamoMembershipRepository } from './membership-repository.js';
import { DynamoMessageRepository } from './message-repository.js';
import { DynamoPresenceRepository } from './presence-repository.js';
import { DynamoRateLimiter } from './rate-limiter.js';
import { DynamoRoomRepository } from './room-repository.js';
import { DynamoSessionRepository } from './session-repository.js';
import { DynamoUserRepository } from './user-repository.js';

export * from './table.js';
export * from './keys.js';
export * from './client.js';
export * from './bootstrap.js';
export * from './cursor.js';
export { ENTITY, isLive, ttlEpochSeconds, type Item } from './items.js';
export { DynamoUserRepository, toUser, userRecordFromItem } from './user-repository.js';
export { DynamoSessionRepository, sessionFromItem } from './session-repository.js';
export { DynamoRoomRepository, roomRecordFromItem, toRoom } from './room-repository.js';
export { DynamoMembershipRepository, membershipFromItem } from './membership-repository.js';
export { DynamoMessageRepository, messageFromItem } from './message-repository.js';
export { DynamoInvitationRepository, invitationFromItem } from './invitation-repository.js';
export { DynamoPresenceRepository } from './presence-repository.js';
export { DynamoRateLimiter } from './rate-limiter.js';
export type { Repositories } from '../ports/repositories.js';

/** Options of {@link createRepositories}. */
export interface RepositoryOptions {
  /**
   * Source of "now" (epoch ms) for expiry filtering, TTL values and rate-limit windows; pass the
   * same clock the services use. Defaults to the wall clock.
   */
  clock?: Clock;
}

/**
 * Builds every repository over `doc` and `tableName`. Call once per composition root (STYLE.md §4);
 * the table must exist (see {@link ensureTable}).
 */
export function createRepositories(
  doc: DynamoDBDocumentClient,
  tableName: string,
  options: RepositoryOptions = {},
): Repositories {
  const clock = options.clock ?? { now: () => Date.now() };
  return {
    users: new DynamoUserRepository(doc, tableName),
    sessions: new DynamoSessionRepository(doc, tableName),
    rooms: new DynamoRoomRepository(doc, tableName),
    memberships: new DynamoMembershipRepository(doc, tableName),
    messages: new DynamoMessageRepository(doc, tableName, clock),
    invitations: new DynamoInvitationRepository(doc, tableName, clock),
    presence: new DynamoPresenceRepository(doc, tableName, clock),
    rateLimiter: new DynamoRateLimiter(doc, tableName, clock),
  };
}
