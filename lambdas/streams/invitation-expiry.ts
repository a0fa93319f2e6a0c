// Stream consumer: pending invitations removed by TTL are logged and handed to the expiry hook.
import type { StreamConsumer } from './consumer.js';
import { ENTITY } from '../../shared/features/index.js';

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

/**
 * Extension point for invitation expiry notices (docs/design.md §4.4, §7). docs/protocol/tcp.md §8
 * defines no `invitation_expired` event and upstream clients abort on unknown frames, so nothing is
 * published unless a hook is given. Errors thrown by the hook are logged, never retried.
 */
export type InvitationExpiredHook = (invitation: ExpiredInvitation) => Promise<void>;

/** Builds the consumer; counts `invitationsExpired`. */
export function invitationExpiryConsumer(hook?: InvitationExpiredHook): StreamConsumer {
  return {
    name: 'invitation-expiry',
    async handle(change, ctx) {
      const item = change.oldImage;
      if (!change.ttl || item?.entity !== ENTITY.invitation || item.status !== 'pending') return false;
      const invitation: ExpiredInvitation = {
        invitationId: String(item.id),
        roomId: String(item.room_id),
        roomName: String(item.room_name),
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
      return true;
    },
  };
}
