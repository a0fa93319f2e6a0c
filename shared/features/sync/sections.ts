// THE sync section registry (docs/adr/012): one line per feature that contributes a list to the sync response ("invitations", "notices", "friend_requests", …).
import type { Uuid } from '../../kernel/types.js';
import type { ConversationRepository } from '../conversations/index.js';
import type { InvitationRepository } from '../invitations/index.js';
import type { NoticeRepository } from '../notices/index.js';
import type { MembershipRepository } from '../rooms/index.js';

/** What a section may read: the repositories of the features that have sections (ServiceDeps satisfies it). */
export interface SectionDeps {
  invitations: Pick<InvitationRepository, 'listPendingForUser' | 'listChangedForUser'>;
  notices: Pick<NoticeRepository, 'listActive'>;
  memberships: Pick<MembershipRepository, 'get'>;
  conversations: Pick<ConversationRepository, 'idsOf' | 'getMany'>;
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
 * in {@link SectionDeps}). `friend_requests` answers `[]` until its feature exists.
 */
export const SYNC_SECTIONS: Readonly<Record<string, SyncSection>> = {
  // Without a token the pending ones received; with one every invitation received or sent that
  // changed since (new, answered, revoked, expired, reminded: extensions.md §6.3 offline parties).
  invitations: (deps, userId, sinceMs, nowMs) =>
    sinceMs === null
      ? deps.invitations.listPendingForUser(userId, nowMs)
      : deps.invitations.listChangedForUser(userId, sinceMs, nowMs),
  // Active server notices (docs/protocol/extensions.md §9): everyone's plus those of the user's rooms,
  // newest first, every sync (they are current state, few, and clients dedupe by id).
  notices: async (deps, userId) => {
    const all = await deps.notices.listActive();
    const rooms = [...new Set(all.flatMap((n) => (n.room_id === null ? [] : [n.room_id])))];
    const member = new Set<string>();
    await Promise.all(
      rooms.map(async (id) => {
        if ((await deps.memberships.get(id, userId)) !== null) member.add(id);
      }),
    );
    return all.filter((n) => n.room_id === null || member.has(n.room_id));
  },
  friend_requests: () => Promise.resolve([]),
  // Group conversations (docs/protocol/extensions.md §7.2) the user joined since the token (all without one).
  conversations: async (deps, userId, sinceMs) =>
    (await deps.conversations.getMany(await deps.conversations.idsOf(userId))).filter((c) => {
      const me = c.participants.find((p) => p.user_id === userId);
      return me !== undefined && (sinceMs === null || Date.parse(me.joined_at) >= sinceMs);
    }),
};
