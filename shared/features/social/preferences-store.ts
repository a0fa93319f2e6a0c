// PreferenceRepository over DynamoDB: the ONE preferences item `PREFS#<id>` / `PREFS` (attribute `preferences`, shared with the receipts feature's routes), merged over the defaults (docs/protocol/extensions.md §7.1).
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Uuid } from '../../kernel/types.js';
import type { Key } from '../../storage/keys.js';
import { batchGet } from '../../storage/operations.js';
import {
  DEFAULT_PREFERENCES,
  type PreferenceRepository,
  type Preferences,
  type PreferencesPatch,
} from './model.js';

/**
 * The receipts feature's preferences item (its store declares the key and the `preferences` entity
 * tag; docs/adr/011): one item for both features, so `send_read_receipts`, `dm_from` and
 * `show_online` can never disagree. Spelled here because a feature's store keys are not public.
 */
const prefsKey = (userId: Uuid): Key => ({ PK: `PREFS#${userId}`, SK: 'PREFS' });

/** Stored preferences over the defaults, one section at a time (older items lack new keys). */
export function mergePreferences(
  stored: Partial<Preferences> | PreferencesPatch | undefined,
  base = DEFAULT_PREFERENCES,
): Preferences {
  return {
    notifications: { ...base.notifications, ...stored?.notifications },
    privacy: { ...base.privacy, ...stored?.privacy },
    theme: typeof stored?.theme === 'string' ? stored.theme : base.theme,
  };
}

/** {@link PreferenceRepository} over the single table (same item and shape as the receipts store). */
export class DynamoPreferenceRepository implements PreferenceRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(userId: Uuid): Promise<Preferences> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: prefsKey(userId), ConsistentRead: true }),
    );
    return mergePreferences(out.Item?.preferences as Partial<Preferences> | undefined);
  }

  async hiddenAmong(userIds: Uuid[]): Promise<Set<Uuid>> {
    if (userIds.length === 0) return new Set();
    const items = await batchGet(this.doc, this.tableName, userIds.map(prefsKey));
    return new Set(
      items
        .filter(
          (i) => !mergePreferences(i.preferences as Partial<Preferences> | undefined).privacy.show_online,
        )
        .map((i) => String(i.PK).slice('PREFS#'.length)),
    );
  }

  /** Read, merge the given leaves, put (last writer wins, as the HTTP PATCH). */
  async update(userId: Uuid, patch: PreferencesPatch): Promise<Preferences> {
    const next = mergePreferences(patch, await this.get(userId));
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...prefsKey(userId), entity: 'preferences', preferences: next },
      }),
    );
    return next;
  }
}
