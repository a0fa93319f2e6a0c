// Builds and starts a relay from LAIR_* settings: the one wiring shared by relay/main.ts (ECS) and local/main.ts (npm start).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { authPolicyFromSettings, composeServices, securityAuditToLog } from '../shared/compose.js';
import type { Settings } from '../shared/config/settings.js';
import { blobStoreFromSettings } from '../shared/compose.js';
import type { BlobStore } from '../shared/features/attachments/index.js';
import type { Logger } from '../shared/platform/logger.js';
import { coalesceGets } from '../shared/storage/coalesced-gets.js';
import { createRelay, type RunningRelay } from './server.js';

/**
 * Creates the relay, composes the services so they publish through it (local sockets first,
 * then the other relays), and starts it with presence, room-index reads and the per-address
 * password-attempt budget (`LAIR_RATE_LIMIT_AUTH` per 60 s). The services' plain GetItems are
 * coalesced per event-loop turn into BatchGetItem (shared/storage/coalesced-gets.ts, docs/adr/029).
 * @param advertiseUrl - URL other processes use for the internal endpoint (LAIR_RELAY_ADVERTISE_URL)
 * @param blobs - attachment bytes (sends claim uploads, extensions.md §1.7); default chosen from settings
 * @throws when a port cannot be bound or the relay cannot register itself in the table
 */
export async function startRelayFromSettings(opts: {
  settings: Settings;
  doc: DynamoDBDocumentClient;
  logger: Logger;
  advertiseUrl?: string;
  blobs?: BlobStore;
}): Promise<RunningRelay> {
  const { settings, doc, logger, advertiseUrl } = opts;
  const blobs = opts.blobs ?? blobStoreFromSettings(settings);
  const relay = createRelay({
    secret: settings.jwtSecret,
    logger,
    port: settings.LAIR_TCP_PORT,
    maxConnections: settings.LAIR_TCP_MAX_CONNECTIONS,
    queueLimit: settings.LAIR_RELAY_QUEUE_LIMIT,
    authLeaseMs: settings.LAIR_RELAY_AUTH_LEASE_MS,
    authConcurrency: settings.LAIR_RELAY_AUTH_CONCURRENCY,
    reverifyMs: settings.LAIR_RELAY_REVERIFY_MS,
    ...(settings.LAIR_RELAY_ID ? { relayId: settings.LAIR_RELAY_ID } : {}),
    internal: {
      host: settings.LAIR_RELAY_INTERNAL_HOST,
      port: settings.LAIR_RELAY_INTERNAL_PORT,
      ...(advertiseUrl ? { advertiseUrl } : {}),
    },
  });
  const { services, repos } = composeServices({
    // The GetItems of one loop turn share a BatchGetItem (reconnect storms, docs/adr/029).
    doc: coalesceGets(doc),
    tableName: settings.LAIR_TABLE_NAME,
    jwtSecret: settings.jwtSecret,
    totpKey: settings.totpKey,
    events: relay.publisher,
    blobs,
    attachmentMaxBytes: settings.LAIR_ATTACHMENT_MAX_BYTES,
    authPolicy: authPolicyFromSettings(settings),
    securityAudit: securityAuditToLog(logger),
    retentionDefaultDays: settings.LAIR_RETENTION_DEFAULT_DAYS,
    fanoutMaxMembers: settings.LAIR_UNREAD_FANOUT_MAX_MEMBERS,
  });
  return relay.start({
    services,
    presence: repos.presence,
    memberships: repos.memberships,
    // Getters: a config hot reload of the limits applies to the next attempt / send.
    authRateLimit: {
      limiter: repos.rateLimiter,
      get perMinute() {
        return settings.LAIR_RATE_LIMIT_AUTH;
      },
    },
    messageRateLimit: {
      limiter: repos.rateLimiter,
      get perMinute() {
        return settings.LAIR_RATE_LIMIT_USER_MESSAGES;
      },
    },
  });
}
