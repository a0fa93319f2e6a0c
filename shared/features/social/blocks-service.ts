// Block use cases: block, unblock, list, the blocked-id set the relay caches (docs/protocol/extensions.md §7.3).
import { emit, type EmitDeps } from '../../kernel/events.js';
import { DomainError, ValidationError } from '../../kernel/errors.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import type { UserRepository } from '../users/index.js';
import type { Block, BlockRepository } from './model.js';

/** What the BlockService needs. */
export interface BlockServiceDeps extends EmitDeps {
  blocks: BlockRepository;
  users: Pick<UserRepository, 'getById'>;
}

/** Blocks (docs/protocol/extensions.md §7.3). */
export interface BlockService {
  /**
   * Blocks `targetId` (idempotent): in one transaction with ending the pair's friendship and
   * pending requests both ways. Publishes the relay notice `blocks_changed` (the blocker's
   * relays stop pushing the target's room messages); the blocked user is never told.
   * @throws `user_not_found` | `validation_failed` (yourself)
   */
  block(actorId: Uuid, targetId: Uuid): Promise<void>;
  /** Removes a block. @throws `not_found` when `targetId` is not blocked */
  unblock(actorId: Uuid, targetId: Uuid): Promise<void>;
  /** The caller's blocks, oldest first. */
  list(actorId: Uuid): Promise<Block[]>;
  /** Ids the user blocked (the relay's per-user cache, history filtering). */
  blockedIds(userId: Uuid): Promise<Uuid[]>;
}

/** Builds the BlockService. */
export function createBlockService(deps: BlockServiceDeps): BlockService {
  const { blocks, users, clock } = deps;
  const changed = (userId: Uuid, otherId: Uuid, blocked: boolean) =>
    emit(
      deps,
      { kind: 'users', userIds: [userId] },
      { type: 'blocks_changed', user_id: userId, other_id: otherId, blocked },
    );
  return {
    async block(actorId, targetId) {
      if (targetId === actorId)
        throw new ValidationError('validation_failed', 'Validation failed: user_id - cannot block yourself');
      const target = await users.getById(targetId);
      if (target === null) throw new DomainError('user_not_found');
      await blocks.block(actorId, { id: target.id, username: target.username }, toTimestamp(clock.now()));
      await changed(actorId, target.id, true);
    },

    async unblock(actorId, targetId) {
      if (!(await blocks.unblock(actorId, targetId))) throw new DomainError('not_found');
      await changed(actorId, targetId, false);
    },

    list: (actorId) => blocks.list(actorId),
    blockedIds: (userId) => blocks.blockedIds(userId),
  };
}
