// Composition root of the stream Lambda: the same services and relay publisher as the HTTP Lambdas.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { blobStoreFromSettings, composeServices, type Composition } from '../../shared/compose.js';
import type { Settings } from '../../shared/config/settings.js';
import { RelayEventPublisher } from '../../shared/delivery/relay-publisher.js';
import type { BlobStore } from '../../shared/features/attachments/index.js';
import type { Logger } from '../../shared/platform/logger.js';
import { loadLambdaEnvironment } from '../deps.js';

/** Inputs of {@link streamComposition}. */
export interface StreamCompositionOptions {
  settings: Settings;
  doc: DynamoDBDocumentClient;
  logger: Logger;
  /** Default `settings.LAIR_TABLE_NAME`. */
  tableName?: string;
  /** Default from settings (S3 bucket or local files). */
  blobs?: BlobStore;
}

/**
 * Services, repositories and deps over the table, publishing to live relays over their internal
 * endpoints (docs/design.md §4). Pure wiring; used by the Lambda and by `npm start`.
 */
export function streamComposition(opts: StreamCompositionOptions): Composition {
  const { settings, logger } = opts;
  return composeServices({
    doc: opts.doc,
    tableName: opts.tableName ?? settings.LAIR_TABLE_NAME,
    jwtSecret: settings.jwtSecret,
    blobs: opts.blobs ?? blobStoreFromSettings(settings),
    attachmentMaxBytes: settings.LAIR_ATTACHMENT_MAX_BYTES,
    bootstrapAdmins: settings.LAIR_ADMIN_BOOTSTRAP_USERNAMES,
    retentionDefaultDays: settings.LAIR_RETENTION_DEFAULT_DAYS,
    fanoutMaxMembers: settings.LAIR_UNREAD_FANOUT_MAX_MEMBERS,
    events: (repos) =>
      new RelayEventPublisher({ presence: repos.presence, secret: settings.jwtSecret, logger }),
  });
}

/**
 * {@link streamComposition} from `env`, with the HTTP Lambdas' settings rules (lambdas/deps.ts).
 * @throws z.ZodError on invalid settings; Error when the JWT secret cannot be fetched
 */
export async function compositionFromEnv(env: Record<string, string | undefined>): Promise<Composition> {
  return streamComposition(await loadLambdaEnvironment(env, 'streams'));
}
