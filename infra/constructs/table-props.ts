// Translates the SDK CreateTable input from shared/storage/table.ts into CDK Table props (one source of key names).
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  type Attribute,
  type GlobalSecondaryIndexProps,
  type TableProps,
} from 'aws-cdk-lib/aws-dynamodb';
import type { CreateTableCommandInput, KeySchemaElement } from '@aws-sdk/client-dynamodb';

/** Key schema, GSIs, billing and stream of a table, as CDK understands them. */
export interface TranslatedTable {
  /** Table-level props: name, keys, billing mode, stream view. */
  readonly tableProps: Pick<TableProps, 'tableName' | 'partitionKey' | 'sortKey' | 'billingMode' | 'stream'>;
  /** One entry per `GlobalSecondaryIndexes` element, in definition order. */
  readonly globalSecondaryIndexes: readonly GlobalSecondaryIndexProps[];
}

const ATTRIBUTE_TYPES: Record<string, AttributeType> = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
};

const PROJECTIONS: Record<string, ProjectionType> = {
  ALL: ProjectionType.ALL,
  KEYS_ONLY: ProjectionType.KEYS_ONLY,
  INCLUDE: ProjectionType.INCLUDE,
};

const STREAM_VIEWS: Record<string, StreamViewType> = {
  NEW_IMAGE: StreamViewType.NEW_IMAGE,
  OLD_IMAGE: StreamViewType.OLD_IMAGE,
  NEW_AND_OLD_IMAGES: StreamViewType.NEW_AND_OLD_IMAGES,
  KEYS_ONLY: StreamViewType.KEYS_ONLY,
};

function lookup<T>(table: Record<string, T>, key: string | undefined, what: string): T {
  const value = key === undefined ? undefined : table[key];
  if (value === undefined) throw new Error(`table definition: unsupported ${what} ${String(key)}`);
  return value;
}

/**
 * Converts a CreateTable input to CDK props. Attribute types come from `AttributeDefinitions`.
 * @throws Error when the definition uses something CDK's `Table` cannot express here
 *   (missing HASH key, LSIs, provisioned throughput, unknown attribute/projection/stream types)
 */
export function translateTableDefinition(def: CreateTableCommandInput): TranslatedTable {
  const types = new Map((def.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
  const attr = (name: string | undefined): Attribute => {
    if (name === undefined) throw new Error('table definition: key without AttributeName');
    return { name, type: lookup(ATTRIBUTE_TYPES, types.get(name), `attribute type of ${name}`) };
  };
  const keys = (schema: readonly KeySchemaElement[] | undefined) => {
    const hash = schema?.find((k) => k.KeyType === 'HASH');
    const range = schema?.find((k) => k.KeyType === 'RANGE');
    if (hash === undefined) throw new Error('table definition: key schema without HASH key');
    return {
      partitionKey: attr(hash.AttributeName),
      sortKey: range === undefined ? undefined : attr(range.AttributeName),
    };
  };
  if (def.LocalSecondaryIndexes?.length) throw new Error('table definition: LSIs are not translated');
  if (def.BillingMode !== 'PAY_PER_REQUEST')
    throw new Error('table definition: only PAY_PER_REQUEST is translated');
  const stream = def.StreamSpecification?.StreamEnabled
    ? lookup(STREAM_VIEWS, def.StreamSpecification.StreamViewType, 'stream view type')
    : undefined;
  return {
    tableProps: {
      tableName: def.TableName,
      ...keys(def.KeySchema),
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream,
    },
    globalSecondaryIndexes: (def.GlobalSecondaryIndexes ?? []).map((g) => {
      if (g.IndexName === undefined) throw new Error('table definition: GSI without IndexName');
      return {
        indexName: g.IndexName,
        ...keys(g.KeySchema),
        projectionType: lookup(PROJECTIONS, g.Projection?.ProjectionType, `projection of ${g.IndexName}`),
        nonKeyAttributes: g.Projection?.NonKeyAttributes,
      };
    }),
  };
}
