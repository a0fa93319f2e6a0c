// Terminal rendering of the invitation lifecycle: status-change, reminder and cancellation events, invitation rows with status, stats (docs/protocol/extensions.md §6).
import type { EventPayload } from '../../shared/kernel/events.js';
import type { Invitation, InvitationStats } from '../../shared/features/invitations/index.js';
import { shortId, style } from './render.js';

type InvitationEvent = Extract<
  EventPayload,
  { type: 'invitation_cancelled' | 'invitation_status_changed' | 'invitation_reminder' }
>;

/** One line for an invitation event as seen by `myId` (inviter or invitee). */
export function formatInvitationEvent(event: InvitationEvent, myId: string): string {
  switch (event.type) {
    case 'invitation_cancelled': {
      const why =
        event.reason === 'expired'
          ? 'expired'
          : event.reason === 'room_deleted'
            ? 'was cancelled (room deleted)'
            : 'was revoked';
      return style.yellow(`✉ invitation ${shortId(event.invitation_id)} ${why}`);
    }
    case 'invitation_status_changed': {
      const inv = event.invitation;
      const who = inv.invitee_id === myId ? 'your' : `${inv.invitee_name}'s`;
      return style.magenta(`✉ ${who} invitation to #${inv.room_name} is now ${inv.status}`);
    }
    case 'invitation_reminder':
      return style.magenta(
        `⏰ your invitation to #${event.invitation.room_name} from ${event.invitation.inviter_name} expires ${event.invitation.expires_at} — /accept ${shortId(event.invitation.id)}`,
      );
  }
}

/**
 * One "while you were away" line for an invitation sync returned as changed (docs/protocol/extensions.md
 * §6.3: offline parties learn status changes through sync), as seen by `myId`.
 */
export function formatInvitationChange(inv: Invitation, myId: string): string {
  if (inv.invitee_id !== myId) {
    return style.magenta(
      `✉ while you were away: ${inv.invitee_name}'s invitation to #${inv.room_name} is ${inv.status}`,
    );
  }
  if (inv.status === 'pending') {
    return style.magenta(
      `✉ while you were away: invitation to #${inv.room_name} from ${inv.inviter_name} (expires ${inv.expires_at}) — /accept ${shortId(inv.id)}`,
    );
  }
  return style.yellow(`✉ while you were away: your invitation to #${inv.room_name} is ${inv.status}`);
}

/** Rows `  [1] 5e4d3c2b  #room  bob → carol  pending  "message"` for `/invites`. */
export function formatInvitationRows(invitations: Invitation[], myId: string): string[] {
  if (invitations.length === 0) return [style.dim('(no invitations)')];
  return invitations.map((inv, i) => {
    const other = inv.inviter_id === myId ? `to ${inv.invitee_name}` : `from ${inv.inviter_name}`;
    const msg = inv.message !== null ? style.dim(` "${inv.message}"`) : '';
    const role = inv.role === 'moderator' ? style.yellow(' (moderator)') : '';
    return `  [${i + 1}] ${shortId(inv.id)}  #${inv.room_name}  ${other}  ${inv.status}${role}${msg}`;
  });
}

/** `/invite-stats` lines. */
export function formatInvitationStats(s: InvitationStats): string[] {
  const median = s.median_response_seconds === null ? '–' : `${s.median_response_seconds} s`;
  return [
    `  sent ${s.sent}  pending ${s.pending}  accepted ${s.accepted}  declined ${s.declined}  expired ${s.expired}  cancelled ${s.cancelled}`,
    `  acceptance rate ${(s.acceptance_rate * 100).toFixed(1)} %  median response ${median}`,
  ];
}
