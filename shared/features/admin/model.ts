// Admin feature model: the stats shape (docs/protocol/http.md §12); admin raises only kernel codes and no events.
import type { ErrorRows } from '../../kernel/error-rows.js';

/** `GET /api/v1/admin/stats` body (docs/protocol/http.md §12). */
export interface AdminStats {
  total_users: number;
  total_rooms: number;
  online_users: number;
}

/** Admin raises only kernel codes (`permission_denied`). */
export const errors = {} as const satisfies ErrorRows;

/** Admin pushes no client events. */
export type Events = never;
