// Profile use case: the §7.1 fields on `PATCH /api/v1/users/me`, with `user_updated` to the user's contacts (docs/protocol/extensions.md §7.1).
import { emit, type EmitDeps } from '../../kernel/events.js';
import { DomainError } from '../../kernel/errors.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { toUser, type User, type UserRepository } from '../users/index.js';
import { contactsAudience, type ContactDeps } from './contacts.js';
import { parseProfile, type ProfileInput } from './profile.js';

/** What the ProfileService needs. */
export interface ProfileServiceDeps extends EmitDeps, ContactDeps {
  users: Pick<UserRepository, 'getById' | 'updateProfile'>;
}

/** Profiles (docs/protocol/extensions.md §7.1). */
export interface ProfileService {
  /**
   * Sets the given profile fields (`null` clears) in one UpdateItem and emits `user_updated
   * {user}` (lair.social) to the users who share a room or a friendship with the caller, and to
   * the caller's own connections. No field given ⇒ the stored user, nothing emitted.
   * @throws `validation_failed` (a 65-character display name, an http or `javascript:` avatar, an
   *   unknown time zone, a bad locale …) | `user_not_found`
   */
  update(userId: Uuid, input: ProfileInput): Promise<User>;
}

/** Builds the ProfileService. */
export function createProfileService(deps: ProfileServiceDeps): ProfileService {
  return {
    async update(userId, input) {
      const fields = parseProfile(input);
      if (Object.keys(fields).length === 0) {
        const current = await deps.users.getById(userId);
        if (current === null) throw new DomainError('user_not_found');
        return toUser(current);
      }
      const user = toUser(await deps.users.updateProfile(userId, fields, toTimestamp(deps.clock.now())));
      const audience = await contactsAudience(deps, userId, undefined, { evenIfHidden: true });
      if (audience !== null && audience.kind === 'contacts')
        await emit(
          deps,
          { ...audience, userIds: [...audience.userIds, userId] },
          { type: 'user_updated', user },
        );
      return user;
    },
  };
}
