// Audit use cases: build entries for other services, list with filters and cursor, JSONL export (docs/protocol/extensions.md §9).
import { ValidationError } from '../../kernel/errors.js';
import type { Clock, IdGenerator } from '../../kernel/ports.js';
import { requirePermission } from '../../kernel/permissions.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { clampLimit } from '../../kernel/validation.js';
import type { UserRepository } from '../users/index.js';
import type { AuditContext, AuditEntry, AuditFilter, AuditRepository } from './model.js';

/** What the AuditService needs. */
export interface AuditServiceDeps {
  audit: AuditRepository;
  users: Pick<UserRepository, 'getById'>;
  clock: Clock;
  ids: IdGenerator;
}

/** Raw query values of the audit list (strings as they come from HTTP or TCP). */
export interface AuditQuery {
  actor?: string;
  action?: string;
  target_id?: string;
  before?: string;
  after?: string;
  cursor?: string;
  limit?: number;
}

/** Audit log (docs/protocol/extensions.md §9). */
export interface AuditService {
  /** Newest first. Moderator+. @throws `permission_denied` | `validation_failed` (bad date, limit, cursor) */
  list(actorId: Uuid, query: AuditQuery): Promise<{ entries: AuditEntry[]; next_cursor: string | null }>;
  /** Every matching entry as JSON Lines (newest first). Moderator+. @throws as {@link list} */
  exportJsonl(actorId: Uuid, query: AuditQuery): Promise<string>;
  /** Appends a standalone entry (actions that are not one DynamoDB write, e.g. a config reload). */
  record(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry>;
}

/** Validates an RFC 3339 bound. @throws ValidationError `validation_failed` "Validation failed: <name> - invalid date" */
function dateBound(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms))
    throw new ValidationError('validation_failed', `Validation failed: ${name} - invalid date`);
  return toTimestamp(ms);
}

/** The filter of a raw query. @throws ValidationError on a bad date */
export function parseAuditFilter(q: AuditQuery): AuditFilter {
  const f: AuditFilter = {};
  if (q.actor) f.actor = q.actor;
  if (q.action) f.action = q.action;
  if (q.target_id) f.target_id = q.target_id;
  const before = dateBound('before', q.before);
  const after = dateBound('after', q.after);
  if (before !== undefined) f.before = before;
  if (after !== undefined) f.after = after;
  return f;
}

/** Limit rule of docs/protocol/extensions.md §0.5: 1–100, default 50. @throws `validation_failed` */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new ValidationError('validation_failed', 'Validation failed: limit - must be 1-100');
  return clampLimit(limit);
}

/**
 * Builds one entry `{id, at}` + fields; shared by every service that audits inside its own
 * transaction (they pass the result to the audit store's `auditPut`).
 */
export function newAuditEntry(
  deps: { clock: Clock; ids: IdGenerator },
  actor: { id: Uuid; username: string } | null,
  fields: Pick<AuditEntry, 'action' | 'target_type' | 'target_id'> & { details?: Record<string, unknown> },
  ctx: AuditContext = {},
): AuditEntry {
  return {
    id: deps.ids.uuid(),
    at: toTimestamp(deps.clock.now()),
    actor_id: actor?.id ?? null,
    actor_username: actor?.username ?? null,
    action: fields.action,
    target_type: fields.target_type,
    target_id: fields.target_id,
    details: fields.details ?? {},
    ip: ctx.ip ?? null,
    request_id: ctx.request_id ?? null,
  };
}

/** Builds the AuditService. */
export function createAuditService(deps: AuditServiceDeps): AuditService {
  const { audit, users } = deps;
  return {
    async list(actorId, query) {
      requirePermission(await users.getById(actorId), 'audit.read');
      return audit.list(parseAuditFilter(query), pageLimit(query.limit), query.cursor);
    },
    async exportJsonl(actorId, query) {
      requirePermission(await users.getById(actorId), 'audit.read');
      const filter = parseAuditFilter(query);
      const lines: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await audit.list(filter, 100, cursor);
        for (const e of page.entries) lines.push(JSON.stringify(e));
        cursor = page.next_cursor ?? undefined;
      } while (cursor !== undefined);
      return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
    },
    async record(fields) {
      const entry: AuditEntry = { id: deps.ids.uuid(), at: toTimestamp(deps.clock.now()), ...fields };
      await audit.append(entry);
      return entry;
    },
  };
}
