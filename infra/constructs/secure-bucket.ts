// The S3 settings every bucket of the app shares (private, SSE-S3, TLS only): one place for cdk-nag's S3 rules.
import type { RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, BucketEncryption, type BucketProps } from 'aws-cdk-lib/aws-s3';

/**
 * Bucket props for a private bucket: all public access blocked, SSE-S3 encryption, TLS enforced by
 * bucket policy (cdk-nag AwsSolutions-S1/S2/S10), `removalPolicy` as the stage decides. Spread it
 * and add ownership, logging and lifecycle per bucket.
 */
export function secureBucketProps(removalPolicy: RemovalPolicy): BucketProps {
  return {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    removalPolicy,
  };
}
