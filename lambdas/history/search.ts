// GET /api/v1/search/messages (docs/protocol/extensions.md §4): query parsing and the route of the `history` group.
import type { SearchFilters } from '../../shared/features/search/index.js';
import { ValidationError } from '../../shared/kernel/errors.js';
import { auditContext } from '../http/audit-context.js';
import { route } from '../http/router.js';
import type { QueryParams } from '../http/request.js';
import { jsonResponse } from '../http/response.js';

const FILTERS = [
  'room_id',
  'dm_user_id',
  'conversation_id',
  'from',
  'before',
  'after',
  'message_type',
  'has',
] as const;

/** `q`, the filters of extensions.md §4 by their names, `cursor`, `limit` (1–100, else `validation_failed`). */
const searchQuery = (q: QueryParams) => {
  const filters: Record<string, string> = {};
  for (const name of FILTERS) {
    const v = q.string(name);
    if (v !== undefined && v !== '') filters[name] = v;
  }
  const raw = q.string('limit');
  const limit = raw === undefined ? undefined : /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (limit !== undefined && !(limit >= 1 && limit <= 100))
    throw new ValidationError('validation_failed', 'Validation failed: limit - must be 1 to 100');
  const cursor = q.string('cursor');
  return {
    q: q.string('q'),
    filters: filters as SearchFilters,
    paging: {
      ...(cursor === undefined ? {} : { cursor }),
      ...(limit === undefined ? {} : { limit }),
    },
  };
};

/** 200 `{results: [{message, highlights}], next_cursor}`, newest first. */
export const searchMessages = route({
  query: searchQuery,
  handle: async ({ deps, claims, query }) =>
    jsonResponse(200, await deps.services.search.search(claims.sub, query.q, query.filters, query.paging)),
});

/**
 * `GET /api/v1/admin/search/messages` (extensions.md §4 last bullet): the same query string over
 * every room (and the `from` author's DMs) for system moderators+, audited. 403 `permission_denied`
 * below moderator.
 */
export const adminSearchMessages = route({
  query: searchQuery,
  handle: async ({ deps, claims, query, event }) =>
    jsonResponse(
      200,
      await deps.services.adminSearch.searchMessages(
        claims.sub,
        query.q,
        query.filters,
        query.paging,
        auditContext(event, deps),
      ),
    ),
});
