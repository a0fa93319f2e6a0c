// Picks the BlobStore adapter from settings for a composition root: S3 when a bucket is configured, else files under LAIR_DATA_DIR.
import { S3Client } from '@aws-sdk/client-s3';
import type { Clock } from '../../kernel/ports.js';
import { LocalBlobStore } from './blob-local.js';
import { S3BlobStore } from './blob-s3.js';
import type { BlobStore } from './model.js';

/** Inputs of {@link createBlobStore}: the relevant settings plus the clock and, for local URLs, the server's base URL. */
export interface BlobStoreChoice {
  /** `LAIR_ATTACHMENTS_BUCKET`: set => S3. */
  bucket?: string | undefined;
  /** `AWS_REGION` of the S3 client. */
  region: string;
  /** `LAIR_DATA_DIR` (local store). */
  dataDir: string;
  /** HMAC key of local URLs (the JWT secret). */
  secret: string;
  /** Base URL local URLs point at (the local HTTP server). */
  baseUrl: () => string;
  clock: Clock;
}

/** The S3 store when `bucket` is set, else a {@link LocalBlobStore}. Pure wiring: no I/O. */
export function createBlobStore(choice: BlobStoreChoice): BlobStore {
  if (choice.bucket !== undefined && choice.bucket !== '') {
    const s3 = new S3Client({ region: choice.region, requestChecksumCalculation: 'WHEN_REQUIRED' });
    return new S3BlobStore(s3, choice.bucket, choice.clock);
  }
  return new LocalBlobStore({
    dataDir: choice.dataDir,
    secret: choice.secret,
    baseUrl: choice.baseUrl,
    clock: choice.clock,
  });
}
