// S3 BlobStore: presigned PUT (exact Content-Type and Content-Length signed) and GET URLs via @aws-sdk/s3-request-presigner, HEAD for sizes, CopyObject to keep attached bytes.
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Clock } from '../../kernel/ports.js';
import type { BlobStore, SignedRequest } from './model.js';

/** Seconds left until `expiresAt` (epoch ms), at least 1. */
const secondsUntil = (expiresAt: number, now: number): number =>
  Math.max(1, Math.floor((expiresAt - now) / 1000));

/** `attachment; filename*=UTF-8''…` (RFC 6266) with an ASCII fallback. */
function disposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * {@link BlobStore} over one bucket. Build the client with `requestChecksumCalculation:
 * 'WHEN_REQUIRED'` so presigned PUTs carry no checksum parameters a browser could not satisfy.
 */
export class S3BlobStore implements BlobStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly clock: Clock,
  ) {}

  /** PutObject of a server-written object. */
  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async uploadUrl(
    key: string,
    object: { contentType: string; sizeBytes: number },
    expiresAt: number,
  ): Promise<SignedRequest> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: object.contentType,
      ContentLength: object.sizeBytes,
    });
    // content-length is signed: S3 refuses a body of any other length (SignatureDoesNotMatch, 403).
    const url = await getSignedUrl(this.s3, command, {
      expiresIn: secondsUntil(expiresAt, this.clock.now()),
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    return { url, headers: { 'content-type': object.contentType } };
  }

  downloadUrl(
    key: string,
    object: { contentType: string; filename: string },
    expiresAt: number,
  ): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentType: object.contentType,
      ResponseContentDisposition: disposition(object.filename),
    });
    return getSignedUrl(this.s3, command, { expiresIn: secondsUntil(expiresAt, this.clock.now()) });
  }

  async size(key: string): Promise<number | null> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.ContentLength ?? null;
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // Without s3:ListBucket (not granted), S3 answers a HEAD of a missing key with 403, not 404.
      if (status === 404 || status === 403 || (e instanceof Error && e.name === 'NotFound')) return null;
      throw e;
    }
  }

  async copy(from: string, to: string): Promise<void> {
    if ((await this.size(to)) !== null) return;
    await this.s3.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: to,
        CopySource: `${this.bucket}/${from}` /* keys are [a-z0-9/-] */,
      }),
    );
  }
}
