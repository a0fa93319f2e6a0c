// Active server notices for a user who was offline when they were sent: pushed as upstream `server_notice` right after authentication (docs/protocol/extensions.md §9).
import type { Services } from '../../shared/features/index.js';
import type { Logger } from '../../shared/platform/logger.js';
import { serializeServerMessage } from '../protocol/index.js';

/**
 * Reads the user's active notices (`services.notices.listActive`) and hands each to `deliver` as a
 * `server_notice` frame, oldest first. Never throws (a failure is logged).
 */
export async function sendActiveNotices(
  services: Pick<Services, 'notices'>,
  userId: string,
  deliver: (json: Buffer) => void,
  log: Logger,
): Promise<void> {
  try {
    const notices = await services.notices.listActive(userId);
    for (const n of [...notices].reverse())
      deliver(serializeServerMessage({ type: 'server_notice', message: n.message, severity: n.severity }));
  } catch (err) {
    log.warn({ err }, 'reading active notices failed');
  }
}
