// Active server notices for a user who was offline when they were sent: pushed as upstream `server_notice` right after authentication (docs/protocol/extensions.md §9).
import type { Services } from '../../shared/features/index.js';
import type { Logger } from '../../shared/platform/logger.js';
import { serializeServerMessage } from '../protocol/index.js';

/** How long one relay reuses the server-wide active-notice list for logins, ms (one Query per second, not one per login). */
const ACTIVE_CACHE_MS = 1000;
const cache = new WeakMap<object, { at: number; count: Promise<number> }>();

/** How many notices are live for any audience, cached per services object for {@link ACTIVE_CACHE_MS}. */
function activeCount(services: Pick<Services, 'notices'>): Promise<number> {
  const hit = cache.get(services.notices);
  const now = Date.now();
  if (hit !== undefined && now - hit.at < ACTIVE_CACHE_MS) return hit.count;
  const count = services.notices.countActive();
  cache.set(services.notices, { at: now, count });
  count.catch(() => cache.delete(services.notices));
  return count;
}

/**
 * Reads the user's active notices (`services.notices.listActive`) and hands each to `deliver` as a
 * `server_notice` frame, oldest first. The common case — no notice at all — costs one cached read
 * per relay per second instead of a Query per login. Never throws (a failure is logged).
 */
export async function sendActiveNotices(
  services: Pick<Services, 'notices'>,
  userId: string,
  deliver: (json: Buffer) => void,
  log: Logger,
): Promise<void> {
  try {
    if ((await activeCount(services)) === 0) return;
    const notices = await services.notices.listActive(userId);
    for (const n of [...notices].reverse())
      deliver(serializeServerMessage({ type: 'server_notice', message: n.message, severity: n.severity }));
  } catch (err) {
    log.warn({ err }, 'reading active notices failed');
  }
}
