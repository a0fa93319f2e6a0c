// Admin message search (docs/protocol/extensions.md §4 last bullet): system moderators search every room (and an author's DMs), each call audited.
import { requirePermission } from '../../kernel/permissions.js';
import type { Clock, IdGenerator } from '../../kernel/ports.js';
import type { Uuid } from '../../kernel/types.js';
import { newAuditEntry, type AuditContext, type AuditRepository } from '../audit/index.js';
import type { SearchFilters, SearchPage, SearchPaging, SearchService } from '../search/index.js';
import type { UserRepository } from '../users/index.js';
import type { AdminDirectory } from './store.js';

/** What the admin search needs: the search service itself is passed in by the feature descriptor. */
export interface AdminSearchDeps {
  users: Pick<UserRepository, 'getById'>;
  adminDirectory: Pick<AdminDirectory, 'rooms'>;
  audit: Pick<AuditRepository, 'append'>;
  clock: Clock;
  ids: IdGenerator;
}

/** `GET /api/v1/admin/search/messages`. */
export interface AdminSearch {
  /**
   * The search of extensions.md §4 over every room, public and private, and — when the query names
   * an author (`from`) — that author's DMs; `room_id` narrows to one room, `dm_user_id` + `from` to
   * one DM. The caller's **stored** role must hold `search.all` (moderator+, shared/kernel/permissions.ts).
   * Every call (also one that then fails validation) appends an audit entry `search.messages` with the
   * query and filters before the search runs.
   * @returns `{results: [{message, highlights}], next_cursor}`, newest first
   * @throws DomainError `permission_denied` (403); ValidationError `validation_failed` (bad q, filters, cursor, limit)
   */
  searchMessages(
    actorId: Uuid,
    q: string | undefined,
    filters: SearchFilters,
    paging?: SearchPaging,
    ctx?: AuditContext,
  ): Promise<SearchPage>;
}

/** Builds the admin search over `search` (the feature's own search service). */
export function createAdminSearch(
  deps: AdminSearchDeps,
  search: Pick<SearchService, 'searchScoped'>,
): AdminSearch {
  return {
    async searchMessages(actorId, q, filters, paging = {}, ctx = {}) {
      const actor = requirePermission(await deps.users.getById(actorId), 'search.all');
      await deps.audit.append(
        newAuditEntry(
          deps,
          actor,
          {
            action: 'search.messages',
            target_type: 'message',
            target_id: filters.room_id ?? null,
            details: { q: q ?? '', filters: { ...filters } },
          },
          ctx,
        ),
      );
      const rooms = await deps.adminDirectory.rooms(undefined);
      return search.searchScoped(rooms, q, filters, paging);
    },
  };
}
