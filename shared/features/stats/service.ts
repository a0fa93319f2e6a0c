// Stats use cases: relay self-reports, `stats/live` aggregated over every relay and `stats/usage` per day (docs/protocol/extensions.md §9).
import { ValidationError } from '../../kernel/errors.js';
import type { Clock } from '../../kernel/ports.js';
import { requirePermission } from '../../kernel/permissions.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import type { UserRepository } from '../users/index.js';
import type { LiveStats, RelayReport, StatsRepository, UsageDay } from './model.js';

/** What the StatsService needs. */
export interface StatsServiceDeps {
  stats: StatsRepository;
  users: Pick<UserRepository, 'getById'>;
  clock: Clock;
}

/** Longest usage range, days. */
export const MAX_USAGE_DAYS = 366;

/** Server statistics for admins. */
export interface StatsService {
  /** A relay's own report (no actor: the relay process calls it). */
  report(report: RelayReport): Promise<void>;
  /** Every live relay's report plus totals (admin). @throws `permission_denied` */
  live(actorId: Uuid): Promise<LiveStats>;
  /**
   * Per-day usage, `from`/`to` `YYYY-MM-DD` inclusive (default: the last 30 days up to today, UTC;
   * at most 366 days) (admin). @throws `permission_denied` | `validation_failed`
   */
  usage(actorId: Uuid, from?: string, to?: string): Promise<UsageDay[]>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** @throws ValidationError "Validation failed: <name> - invalid date" */
function day(name: string, value: string): string {
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new ValidationError('validation_failed', `Validation failed: ${name} - invalid date`);
  return value;
}

/** Builds the StatsService. */
export function createStatsService(deps: StatsServiceDeps): StatsService {
  const { stats, users, clock } = deps;
  const round = (n: number): number => Math.round(n * 100) / 100;
  return {
    report: (r) => stats.putRelayReport(r),
    async live(actorId) {
      requirePermission(await users.getById(actorId), 'stats.read');
      const relays = (await stats.listRelayReports()).sort((a, b) => a.relay_id.localeCompare(b.relay_id));
      const sum = (f: 'connections' | 'messages_per_s' | 'errors_per_s'): number =>
        relays.reduce((acc, r) => acc + r[f], 0);
      return {
        relays,
        totals: {
          relays: relays.length,
          connections: sum('connections'),
          messages_per_s: round(sum('messages_per_s')),
          errors_per_s: round(sum('errors_per_s')),
        },
        at: toTimestamp(clock.now()),
      };
    },
    async usage(actorId, from, to) {
      requirePermission(await users.getById(actorId), 'stats.read');
      const today = toTimestamp(clock.now()).slice(0, 10);
      const end = to === undefined ? today : day('to', to);
      const start =
        from === undefined
          ? new Date(Date.parse(`${end}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10)
          : day('from', from);
      const span = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000;
      if (span < 0 || span >= MAX_USAGE_DAYS)
        throw new ValidationError(
          'validation_failed',
          `Validation failed: from - must be before to, at most ${MAX_USAGE_DAYS} days`,
        );
      return stats.usage(start, end);
    },
  };
}
