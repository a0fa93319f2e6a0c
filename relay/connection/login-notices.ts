// Active server notices for a user who was offline when they were sent: pushed as upstream `server_notice` right after authentication, to `lair.moderation` connections (docs/protocol/extensions.md §9, §0).
import type { Services } from '../../shared/features/index.js';
import type { Notice } from '../../shared/features/notices/index.js';
import { parseTimestamp } from '../../shared/kernel/time.js';
import type { Uuid } from '../../shared/kernel/types.js';
import type { Logger } from '../../shared/platform/logger.js';
import { serializeServerMessage } from '../protocol/index.js';

/** How long one relay process reuses the server-wide active-notice list for logins, ms. */
export const LOGIN_NOTICE_CACHE_MS = 2000;

interface CacheEntry {
  at: number;
  list: Promise<Notice[]>;
  /** A failed read is logged once, not once per login that awaited it. */
  failureLogged?: boolean;
}
const cache = new WeakMap<object, CacheEntry>();

/**
 * Every live notice, read at most once per {@link LOGIN_NOTICE_CACHE_MS} per relay process and shared
 * by every login in that window (single flight: concurrent logins await the same Query). A failed
 * read is dropped from the cache so the next login retries.
 */
function allActive(notices: Pick<Services['notices'], 'listAllActive'>, nowMs: number): CacheEntry {
  const hit = cache.get(notices);
  if (hit !== undefined && nowMs - hit.at < LOGIN_NOTICE_CACHE_MS) return hit;
  const entry: CacheEntry = { at: nowMs, list: notices.listAllActive() };
  cache.set(notices, entry);
  entry.list.catch(() => {
    if (cache.get(notices) === entry) cache.delete(notices);
  });
  return entry;
}

/**
 * Hands each active notice meant for `userId` to `deliver` as a `server_notice` frame, oldest first:
 * notices for everyone plus those of a room in `rooms` (the relay registry's joined rooms of the user,
 * loaded at attach — no membership read here). A notice whose `expires_at` has passed is skipped even
 * when the cached list still holds it. Costs one cached Query per relay per 2 s, never one per login.
 * Never throws (a failure is logged at warn, once per failed read).
 * @param rooms room ids the user is a member of
 * @param log the connection's logger, asked for only on failure (most connections never log)
 */
export async function sendActiveNotices(
  services: Pick<Services, 'notices'>,
  userId: Uuid,
  rooms: ReadonlySet<Uuid>,
  deliver: (json: Buffer) => void,
  log: () => Logger,
): Promise<void> {
  const entry = allActive(services.notices, Date.now());
  let all: Notice[];
  try {
    all = await entry.list;
  } catch (err) {
    if (entry.failureLogged !== true) log().warn({ err, userId }, 'reading active notices for login failed');
    entry.failureLogged = true;
    return;
  }
  const now = Date.now();
  for (const n of [...all].reverse()) {
    if (n.expires_at !== null && parseTimestamp(n.expires_at) <= now) continue;
    if (n.room_id !== null && !rooms.has(n.room_id)) continue;
    deliver(serializeServerMessage({ type: 'server_notice', message: n.message, severity: n.severity }));
  }
}
