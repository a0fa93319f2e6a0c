// THE store/service-layer feature list: repositories, services, keys and entity tags of every feature are derived from it (one line per feature).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EmitDeps } from '../kernel/events.js';
import type { Clock, PasswordHasher, RateLimiter, TokenService } from '../kernel/ports.js';
import type { StoreContext } from '../storage/context.js';
import { ENTITY as STORAGE_ENTITY } from '../storage/items.js';
import { keys as storageKeys } from '../storage/keys.js';
import { DynamoRateLimiter } from '../storage/rate-limiter.js';
import { adminFeature } from './admin/index.js';
import { attachmentsFeature, type BlobStore } from './attachments/index.js';
import { auditFeature } from './audit/index.js';
import { conversationsFeature } from './conversations/index.js';
import { authFeature, type AuthPolicy, type SecurityAudit } from './auth/index.js';
import { invitationsFeature } from './invitations/index.js';
import { messagesFeature } from './messages/index.js';
import { moderationFeature } from './moderation/index.js';
import { noticesFeature } from './notices/index.js';
import { roomModerationFeature } from './room-moderation/index.js';
import { presenceFeature } from './presence/index.js';
import { receiptsFeature } from './receipts/index.js';
import { syncFeature } from './sync/index.js';
import { exportsFeature, type ExportRunner } from './exports/index.js';
import { retentionFeature } from './retention/index.js';
import { searchFeature } from './search/index.js';
import { createRoomAccess, roomsFeature, type RoomAccess } from './rooms/index.js';
import { socialFeature } from './social/index.js';
import { statsFeature } from './stats/index.js';
import { usersFeature } from './users/index.js';

/**
 * Every feature, in dependency order. Adding a feature = one line here (plus one in ./catalog.ts
 * for its errors and events); the types below make the compiler check the rest.
 */
export const FEATURES = [
  authFeature,
  usersFeature,
  roomsFeature,
  retentionFeature,
  socialFeature,
  conversationsFeature,
  attachmentsFeature,
  messagesFeature,
  searchFeature,
  exportsFeature,
  invitationsFeature,
  presenceFeature,
  adminFeature,
  auditFeature,
  moderationFeature,
  roomModerationFeature,
  noticesFeature,
  statsFeature,
  receiptsFeature,
  syncFeature,
] as const;

type Feature = (typeof FEATURES)[number];
/** The features that own a store (admin, for one, only reads the others'). */
type StoreFeature = Extract<Feature, { repositories: unknown }>;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** Every storage port, built over one table by {@link createRepositories} (docs/design.md §3). */
export type Repositories = UnionToIntersection<ReturnType<StoreFeature['repositories']>> & {
  rateLimiter: RateLimiter;
};

/** Everything the services need, built once in a composition root and injected (docs/style.md §4). */
export interface ServiceDeps extends Omit<Repositories, 'rateLimiter'>, EmitDeps {
  hasher: PasswordHasher;
  tokens: TokenService;
  /** The default room-access policy (membership reads), shared by every service. */
  access: RoomAccess;
  /** Where attachment bytes live (S3 or local files), chosen from settings by the composition root. */
  blobs: BlobStore;
  /** `LAIR_ATTACHMENT_MAX_BYTES`: largest attachment, bytes. */
  attachmentMaxBytes: number;
  /** Password and lockout rules, read per use (docs/protocol/extensions.md §10); default the contract's. */
  authPolicy?: () => AuthPolicy;
  /** Security events sink (a log line); default dropped. */
  securityAudit?: SecurityAudit;
  /** Usernames made admin at startup and on registration (docs/protocol/extensions.md §9). */
  bootstrapAdmins: readonly string[];
  /** `LAIR_RETENTION_DEFAULT_DAYS` (null = keep forever): rooms without `retention_days`, and DMs (extensions.md §5). */
  retentionDefaultDays: number | null;
  /** Where export jobs run (AWS: async Lambda invoke); absent = in this process. */
  exportRunner?: ExportRunner;
}

/** All services, as built by {@link createServices}: one entry per feature's `services(deps)`. */
export type Services = UnionToIntersection<ReturnType<Feature['services']>>;

/**
 * Builds every repository over `doc` and `tableName`. Call once per composition root; the table
 * must exist (see `ensureTable`). `clock` (epoch ms) drives expiry filters, TTL values and
 * rate-limit windows; pass the services' clock.
 */
export function createRepositories(
  doc: DynamoDBDocumentClient,
  tableName: string,
  options: { clock?: Clock; totpKey?: string | undefined; fanoutMaxMembers?: number } = {},
): Repositories {
  const ctx: StoreContext = {
    doc,
    tableName,
    clock: options.clock ?? { now: () => Date.now() },
    ...(options.totpKey !== undefined ? { totpKey: options.totpKey } : {}),
    ...(options.fanoutMaxMembers !== undefined ? { fanoutMaxMembers: options.fanoutMaxMembers } : {}),
  };
  const repos = Object.assign(
    {},
    ...FEATURES.map((f) => ('repositories' in f ? f.repositories(ctx) : {})),
  ) as Omit<Repositories, 'rateLimiter'>;
  return { ...repos, rateLimiter: new DynamoRateLimiter(doc, tableName, ctx.clock) };
}

/**
 * Builds every service over one set of dependencies (built once per composition root, no module
 * state). All permission rules of docs/protocol/domain.md §7 live in these services.
 */
export function createServices(deps: ServiceDeps): Services {
  return Object.assign({}, ...FEATURES.map((f) => f.services(deps))) as Services;
}

/** The default {@link ServiceDeps.access} over the membership repository. */
export { createRoomAccess };

/** Every key builder of every feature's store (a view: each store owns its keys). */
export const keys = Object.assign({}, storageKeys, ...FEATURES.map((f) => f.keys)) as typeof storageKeys &
  UnionToIntersection<Feature['keys']>;

/** Every `entity` tag (a view: each store declares its own). */
export const ENTITY = Object.assign(
  {},
  STORAGE_ENTITY,
  ...FEATURES.map((f) => f.entities),
) as typeof STORAGE_ENTITY & UnionToIntersection<Feature['entities']>;

/** Every query partition value of every feature's store (a view). */
export const partitions = Object.assign({}, ...FEATURES.map((f) => f.partitions)) as UnionToIntersection<
  Feature['partitions']
>;
