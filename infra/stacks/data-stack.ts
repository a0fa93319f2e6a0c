// DataStack: the single DynamoDB table (translated from shared/storage/table.ts), the attachments bucket and the JWT secret.
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DEFAULT_TABLE_NAME, tableDefinition, ttlSpecification } from '../../shared/storage/table.js';
import { translateTableDefinition } from '../constructs/table-props.js';
import { AttachmentsBucket } from '../constructs/attachments-bucket.js';

/** Props of {@link DataStack}. */
export interface DataStackProps extends StackProps {
  /** Stage name (e.g. `dev`, `prod`); suffixes the physical table name `lair-chat-<stage>`. */
  readonly stage: string;
  /**
   * Production stage: table deletion protection on and table + generated secret `RETAIN`ed.
   * Otherwise both are deleted with the stack (a dev stage tears down completely).
   */
  readonly production: boolean;
  /**
   * ARN of an existing Secrets Manager secret holding the JWT/HMAC secret (plain string).
   * @default a new generated 64-character alphanumeric secret
   */
  readonly jwtSecretArn?: string;
}

/**
 * Stateful resources. The table is `tableDefinition()` translated key for key (PK/SK strings,
 * GSI1–GSI4 with projection ALL, on-demand, stream NEW_AND_OLD_IMAGES) plus what CreateTable
 * cannot say: TTL on `ATTR.ttl` (`expiresAt`, epoch seconds), point-in-time recovery, and in
 * production stages deletion protection and RETAIN.
 */
export class DataStack extends Stack {
  /** The single table (stream enabled; `tableStreamArn` is set). */
  public readonly table: Table;
  /** Secret whose string value is `LAIR_JWT_SECRET` (HS256 key and internal-event HMAC key). */
  public readonly jwtSecret: ISecret;
  /** Attachment bytes (docs/protocol/extensions.md §1.7) and their access-log bucket. */
  public readonly attachments: AttachmentsBucket;

  public constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { tableProps, globalSecondaryIndexes } = translateTableDefinition(
      tableDefinition(`${DEFAULT_TABLE_NAME}-${props.stage}`),
    );
    const removalPolicy = props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.table = new Table(this, 'Table', {
      ...tableProps,
      timeToLiveAttribute: ttlSpecification.AttributeName,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.production,
      removalPolicy,
    });
    for (const gsi of globalSecondaryIndexes) this.table.addGlobalSecondaryIndex(gsi);
    this.attachments = new AttachmentsBucket(this, 'Attachments', { stage: props.stage, removalPolicy });

    this.jwtSecret =
      props.jwtSecretArn === undefined
        ? new Secret(this, 'JwtSecret', {
            description: `Lair Chat ${props.stage}: LAIR_JWT_SECRET (JWT HS256 key, relay event HMAC key)`,
            generateSecretString: { passwordLength: 64, excludePunctuation: true },
            removalPolicy,
          })
        : Secret.fromSecretCompleteArn(this, 'JwtSecret', props.jwtSecretArn);
  }
}
