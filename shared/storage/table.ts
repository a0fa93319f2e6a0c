// The single DynamoDB table definition: key schema, GSIs, TTL attribute, stream view (docs/design.md §3).
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Attribute names of the table's keys and TTL. TTL values are epoch **seconds** (Number). */
export const ATTR = {
  pk: 'PK',
  sk: 'SK',
  gsi1pk: 'GSI1PK',
  gsi1sk: 'GSI1SK',
  gsi2pk: 'GSI2PK',
  gsi2sk: 'GSI2SK',
  /** GSI3 hash: a message item's own `conversation` attribute (docs/adr/011). */
  gsi3pk: 'conversation',
  /** GSI3 range: a message item's `updated_at` (every change sets it, extensions.md §1.1). */
  gsi3sk: 'updated_at',
  /** GSI4 hash: every item's `entity` tag (only `message` is queried, docs/adr/012). */
  gsi4pk: 'entity',
  ttl: 'expiresAt',
} as const;

/** Index names. All are sparse with projection ALL. */
export const GSI1 = 'GSI1';
export const GSI2 = 'GSI2';
/**
 * Messages of one conversation by last change (`conversation` / `updated_at`): what `sync`
 * reads (docs/protocol/extensions.md §3, docs/adr/011). Only message items carry both attributes.
 */
export const GSI3 = 'GSI3';
/**
 * Every message by last change (`entity` / `updated_at`): the global change feed `sync` reads
 * first; one hash key, so in AWS its write rate is one GSI partition's (docs/adr/012).
 */
export const GSI4 = 'GSI4';

const INDEX_KEYS: readonly [string, string, string][] = [
  [GSI1, ATTR.gsi1pk, ATTR.gsi1sk],
  [GSI2, ATTR.gsi2pk, ATTR.gsi2sk],
  [GSI3, ATTR.gsi3pk, ATTR.gsi3sk],
  [GSI4, ATTR.gsi4pk, ATTR.gsi3sk],
];

/** Default table name; override with `LAIR_TABLE_NAME`. */
export const DEFAULT_TABLE_NAME = 'lair-chat';

/**
 * The table as a CreateTable input: the one source used by the local bootstrap, the tests and
 * (translated) by the CDK data stack. On-demand billing, streams NEW_AND_OLD_IMAGES.
 * TTL is enabled separately ({@link ttlSpecification}) because CreateTable cannot set it.
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const s = (AttributeName: string) => ({ AttributeName, AttributeType: 'S' as const });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      s(ATTR.pk),
      s(ATTR.sk),
      s(ATTR.gsi1pk),
      s(ATTR.gsi1sk),
      s(ATTR.gsi2pk),
      s(ATTR.gsi2sk),
      s(ATTR.gsi3pk),
      s(ATTR.gsi3sk),
      s(ATTR.gsi4pk),
    ],
    KeySchema: [
      { AttributeName: ATTR.pk, KeyType: 'HASH' },
      { AttributeName: ATTR.sk, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: INDEX_KEYS.map(([IndexName, hash, range]) => ({
      IndexName,
      KeySchema: [
        { AttributeName: hash, KeyType: 'HASH' as const },
        { AttributeName: range, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}

/** TTL setting for UpdateTimeToLive (AWS docs: "Enabling Time to Live"). */
export const ttlSpecification = { AttributeName: ATTR.ttl, Enabled: true } as const;
