// The attachments bucket (docs/protocol/extensions.md §1.7): private, SSE-S3, TLS only, `pending/` expiring after 1 day, CORS for browser PUT/GET; plus the one object grant its users get.
import { Aws, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Bucket, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { secureBucketProps } from './secure-bucket.js';
import { Construct } from 'constructs';
import { ATTACHMENT_LIMITS } from '../../shared/features/attachments/model.js';

/** Env var naming the bucket for the Lambdas and relays (shared/config/settings.ts). */
export const ATTACHMENTS_BUCKET_ENV = 'LAIR_ATTACHMENTS_BUCKET';

/** The only object actions granted: presign/HEAD/copy need GetObject and PutObject, nothing else. */
export const ATTACHMENT_OBJECT_ACTIONS: readonly string[] = ['s3:GetObject', 's3:PutObject'];

/**
 * Physical bucket name `lair-chat-<stage>-att-<account>-<region>` (≤ 62 characters for a 20-character
 * stage): every stack of a stage computes the same name and object ARN from its own pseudo
 * parameters (all stacks of a stage share account and region), so grants need no cross-stack export.
 */
export function attachmentsBucketName(stage: string): string {
  return `lair-chat-${stage}-att-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** Props of {@link AttachmentsBucket}. */
export interface AttachmentsBucketProps {
  /** Stage name (bucket name, see {@link attachmentsBucketName}). */
  readonly stage: string;
  /** RETAIN (production) or DESTROY (dev stages; deleting a non-empty bucket then needs emptying first). */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Attachment bytes under `pending/<id>` (presigned uploads; the lifecycle rule deletes them after 1
 * day, matching the 24 h item TTL) and `files/<id>` (copied there when a message carries them).
 * Server access logs go to a sibling log bucket (90 days).
 */
export class AttachmentsBucket extends Construct {
  public readonly bucket: Bucket;
  /** Server access logs of {@link bucket}. */
  public readonly accessLogs: Bucket;

  public constructor(scope: Construct, id: string, props: AttachmentsBucketProps) {
    super(scope, id);
    const secure = secureBucketProps(props.removalPolicy);
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...secure,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(90) }],
    });
    this.bucket = new Bucket(this, 'Bucket', {
      ...secure,
      bucketName: attachmentsBucketName(props.stage),
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'attachments/',
      lifecycleRules: [
        {
          id: 'ExpireUnattachedUploads',
          prefix: 'pending/',
          expiration: Duration.days(Math.ceil(ATTACHMENT_LIMITS.pendingTtlSeconds / 86_400)),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Browsers PUT to / GET from the presigned URLs directly.
      cors: [
        {
          allowedMethods: [HttpMethods.PUT, HttpMethods.GET],
          allowedOrigins: ['*'],
          allowedHeaders: ['*'],
          maxAge: 3600,
        },
      ],
    });
  }
}

/** The objects of the stage's bucket: `arn:<partition>:s3:::<name>/*`. */
export function attachmentObjectsArn(stage: string): string {
  return `arn:${Aws.PARTITION}:s3:::${attachmentsBucketName(stage)}/*`;
}

/** The cdk-nag finding id of the one wildcard this grant needs (object keys are per attachment). */
export function attachmentObjectsNagId(stage: string): string {
  return `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::lair-chat-${stage}-att-<AWS::AccountId>-<AWS::Region>/*]`;
}

/** Grants `grantee` GetObject + PutObject on the stage bucket's objects, nothing on the bucket itself. */
export function grantAttachmentObjects(grantee: IGrantable, stage: string): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'AttachmentObjects',
      actions: [...ATTACHMENT_OBJECT_ACTIONS],
      resources: [attachmentObjectsArn(stage)],
    }),
  );
}
