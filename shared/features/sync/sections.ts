// THE sync section registry (docs/adr/012): one line per feature that contributes a list to the sync response ("invitations", "notices", "friend_requests", …).
import type { Uuid } from '../../kernel/types.js';
import type { InvitationRepository } from '../invitations/index.js';

/** What a section may read: the repositories of the features that have sections (ServiceDeps satisfies it). */
export interface SectionDeps {
  invitations: Pick<InvitationRepository, 'listPendingForUser'>;
}

/**
 * One contributed list: everything new or changed for `userId` since `sinceMs` (epoch ms; `null` =
 * no token: the current state). May repeat entries across syncs (clients dedupe by id).
 */
export type SyncSection = (
  deps: SectionDeps,
  userId: Uuid,
  sinceMs: number | null,
  nowMs: number,
) => Promise<unknown[]>;

/**
 * The sections, keyed by their response field. Adding one = one line here (and its repository
 * in {@link SectionDeps}). `notices` and `friend_requests` answer `[]` until their features exist.
 */
export const SYNC_SECTIONS: Readonly<Record<string, SyncSection>> = {
  // Pending invitations (created since the token; all pending ones without a token).
  invitations: async (deps, userId, sinceMs, nowMs) =>
    (await deps.invitations.listPendingForUser(userId, nowMs)).filter(
      (i) => sinceMs === null || Date.parse(i.created_at) >= sinceMs,
    ),
  notices: () => Promise.resolve([]),
  friend_requests: () => Promise.resolve([]),
};
