// PreferenceRepository over DynamoDB: one `USER#<id>` / `PREFS` item of flat leaf attributes, set field by field (docs/protocol/extensions.md §7.1).
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Uuid } from '../../kernel/types.js';
import type { Item } from '../../storage/items.js';
import { ENTITY, keys } from './keys.js';
import {
  DEFAULT_PREFERENCES,
  type PreferenceRepository,
  type Preferences,
  type PreferencesPatch,
} from './model.js';

/** Stored attribute -> [group, field] of the wire object (`theme` is top level). */
const LEAVES = {
  n_dm: ['notifications', 'dm'],
  n_mentions: ['notifications', 'mentions'],
  n_rooms: ['notifications', 'rooms'],
  p_dm_from: ['privacy', 'dm_from'],
  p_show_online: ['privacy', 'show_online'],
  p_send_read_receipts: ['privacy', 'send_read_receipts'],
} as const;

/** Preferences from a stored item (absent attributes = defaults). */
export function preferencesFromItem(item: Item | null): Preferences {
  const p: Preferences = structuredClone(DEFAULT_PREFERENCES);
  if (item === null) return p;
  for (const [attr, [group, field]] of Object.entries(LEAVES)) {
    if (item[attr] !== undefined) (p[group] as Record<string, unknown>)[field] = item[attr];
  }
  if (typeof item.theme === 'string') p.theme = item.theme;
  return p;
}

/** {@link PreferenceRepository} over the single table. */
export class DynamoPreferenceRepository implements PreferenceRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(userId: Uuid): Promise<Preferences> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.preferences(userId), ConsistentRead: true }),
    );
    return preferencesFromItem((out.Item as Item | undefined) ?? null);
  }

  async update(userId: Uuid, patch: PreferencesPatch): Promise<Preferences> {
    const sets: string[] = ['entity = :entity'];
    const values: Record<string, unknown> = { ':entity': ENTITY.preferences };
    for (const [attr, [group, field]] of Object.entries(LEAVES)) {
      const v = (patch[group] as Record<string, unknown> | undefined)?.[field];
      if (v === undefined) continue;
      sets.push(`${attr} = :${attr}`);
      values[`:${attr}`] = v;
    }
    if (patch.theme !== undefined) {
      sets.push('theme = :theme');
      values[':theme'] = patch.theme;
    }
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.preferences(userId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return preferencesFromItem((out.Attributes as Item | undefined) ?? null);
  }
}
