// Picks the BlobStore adapter from settings for a composition root: S3 when a bucket is configured (loaded on first use), else files under LAIR_DATA_DIR.
import type { Clock } from '../../kernel/ports.js';
import { LocalBlobStore } from './blob-local.js';
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

/**
 * The S3 store when `bucket` is set, else a {@link LocalBlobStore}. Pure wiring: no I/O. The S3
 * client and presigner (~4 MB of V8 heap once evaluated) are imported on the first blob call, not
 * when the composition is built: most relay processes never touch an attachment (issue 16,
 * baseline memory; docs/adr/031).
 */
export function createBlobStore(choice: BlobStoreChoice): BlobStore {
  if (choice.bucket !== undefined && choice.bucket !== '') {
    const bucket = choice.bucket;
    let store: Promise<BlobStore> | undefined;
    const s3 = (): Promise<BlobStore> => {
      store ??= (async () => {
        const [{ S3Client }, { S3BlobStore }] = await Promise.all([
          import('@aws-sdk/client-s3'),
          import('./blob-s3.js'),
        ]);
        const client = new S3Client({ region: choice.region, requestChecksumCalculation: 'WHEN_REQUIRED' });
        return new S3BlobStore(client, bucket, choice.clock);
      })();
      store.catch(() => {
        store = undefined;
      });
      return store;
    };
    return {
      uploadUrl: async (key, object, expiresAt) => (await s3()).uploadUrl(key, object, expiresAt),
      downloadUrl: async (key, object, expiresAt) => (await s3()).downloadUrl(key, object, expiresAt),
      size: async (key) => (await s3()).size(key),
      copy: async (from, to) => (await s3()).copy(from, to),
      put: async (key, body, contentType) => (await s3()).put(key, body, contentType),
    };
  }
  return new LocalBlobStore({
    dataDir: choice.dataDir,
    secret: choice.secret,
    baseUrl: choice.baseUrl,
    clock: choice.clock,
  });
}
