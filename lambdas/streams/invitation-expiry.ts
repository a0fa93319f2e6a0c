// Stream consumer of the invitation lifecycle: expiry by TTL (both parties told), slot changes made elsewhere (room deletion, upstream join), and the stats counters (docs/protocol/extensions.md §6.3, docs/adr/008-invitation-records.md).
import type { StreamChange, StreamConsumer, StreamContext } from './consumer.js';
import { ENTITY } from '../../shared/features/index.js';
import { parseTimestamp } from '../../shared/kernel/time.js';

/** What is known about an invitation that TTL removed (from the record's OldImage). */
export interface ExpiredInvitation {
  invitationId: string;
  roomId: string;
  roomName: string;
  inviterId: string;
  inviteeId: string;
  /** Status as stored when removed (`pending` means it expired unanswered). */
  status: string;
  /** RFC 3339 expiry as stored. */
  expiresAt: string;
}

/** Extra observer of TTL expiries (tests, metrics). Errors thrown are logged, never retried. */
export type InvitationExpiredHook = (invitation: ExpiredInvitation) => Promise<void>;

type Image = Record<string, unknown>;

const isRecord = (i: Image | undefined): i is Image =>
  i?.entity === ENTITY.invitation && String(i.PK).startsWith('INVITATION#');
const isSlot = (i: Image | undefined): i is Image => i?.entity === ENTITY.invitationSlot;
/** The single-item layout before ADR 008 (`ROOM#…` / `INVITE#…` holding the whole invitation). */
const isLegacy = (i: Image | undefined): i is Image =>
  i?.entity === ENTITY.invitation && String(i.PK).startsWith('ROOM#');

/** Stats: a new record is one `sent`; a record leaving `pending` is one outcome (accept/decline with its response time). */
async function countStats(change: StreamChange, ctx: StreamContext): Promise<boolean> {
  const img = change.newImage;
  if (!isRecord(img) || ctx.deps === undefined) return false;
  const before = change.oldImage?.status;
  const after = img.status as string;
  let status: 'pending' | 'accepted' | 'declined' | 'cancelled' | 'expired';
  if (change.eventName === 'INSERT') status = 'pending';
  else if (change.eventName === 'MODIFY' && before === 'pending' && after !== 'pending')
    status = after as typeof status;
  else return false;
  const responded = img.responded_at;
  const responseSeconds =
    (status === 'accepted' || status === 'declined') && typeof responded === 'string'
      ? Math.max(0, (parseTimestamp(responded) - parseTimestamp(String(img.created_at))) / 1000)
      : undefined;
  const { repos, deps } = await ctx.deps();
  const counted = await repos.invitationStats.apply(
    {
      invitationId: String(img.id),
      roomId: String(img.room_id),
      inviterId: String(img.inviter_id),
      status,
      ...(responseSeconds !== undefined ? { responseSeconds } : {}),
    },
    deps.clock.now(),
  );
  if (counted) ctx.count('invitationStatsCounted');
  return true;
}

/** Slot changes: TTL expiry, removal by a room deletion, replacement after expiry, accept by upstream join. */
async function followSlot(change: StreamChange, ctx: StreamContext): Promise<boolean> {
  const old = change.oldImage;
  const now = change.newImage;
  if (!isSlot(old) && !isSlot(now)) return false;
  const services = async () => (ctx.deps ? (await ctx.deps()).services : undefined);
  if (change.eventName === 'REMOVE' && isSlot(old) && old.status === 'pending') {
    const reason = change.ttl ? 'expired' : 'room_deleted';
    const s = await services();
    // A transition of ours deleted the slot after the record moved: closeBySystem sees "not pending" and does nothing.
    if (s !== undefined && (await s.invitations.closeBySystem(String(old.id), reason)))
      ctx.count(`invitations_${reason}`);
    return true;
  }
  if (change.eventName === 'MODIFY' && isSlot(old) && old.status === 'pending') {
    const s = await services();
    if (s === undefined) return true;
    if (now?.id !== old.id) await s.invitations.closeBySystem(String(old.id), 'expired');
    else if (now !== undefined && now.status === 'accepted') {
      await s.invitations.completeAccepted(
        String(old.id),
        typeof now.responded_at === 'string' ? now.responded_at : new Date().toISOString(),
      );
    }
    return true;
  }
  return false;
}

/** Builds the consumer; counts `invitationsExpired` for every pending invitation TTL removed. */
export function invitationExpiryConsumer(hook?: InvitationExpiredHook): StreamConsumer {
  return {
    name: 'invitation-lifecycle',
    async handle(change, ctx) {
      const item = change.oldImage;
      let acted = false;
      if (change.ttl && (isSlot(item) || isLegacy(item)) && item.status === 'pending') {
        const invitation: ExpiredInvitation = {
          invitationId: String(item.id),
          roomId: String(item.room_id),
          roomName: typeof item.room_name === 'string' ? item.room_name : '',
          inviterId: String(item.inviter_id),
          inviteeId: String(item.invitee_id),
          status: 'pending',
          expiresAt: String(item.expires_at),
        };
        ctx.count('invitationsExpired');
        ctx.logger.info(
          { notice: 'invitation_expired', ...invitation, eventId: change.eventId },
          'invitation expired (TTL)',
        );
        if (hook !== undefined) {
          try {
            await hook(invitation);
          } catch (err) {
            ctx.logger.error({ err, invitationId: invitation.invitationId }, 'invitation expiry hook failed');
          }
        }
        acted = true;
      }
      if (await followSlot(change, ctx)) acted = true;
      if (await countStats(change, ctx)) acted = true;
      return acted;
    },
  };
}
