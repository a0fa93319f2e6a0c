// The S3 BlobStore's presigned URLs, built offline with dummy credentials: 15 min expiry, Content-Length and Content-Type signed.
import { S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '../../../shared/features/attachments/index.js';

describe('S3BlobStore presigned URLs', () => {
  const now = Date.UTC(2026, 0, 1);
  const s3 = new S3Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const store = new S3BlobStore(s3, 'bucket-x', { now: () => now });

  it('signs a PUT of exactly size_bytes with the content type, valid 15 minutes', async () => {
    const up = await store.uploadUrl(
      'pending/abc',
      { contentType: 'image/png', sizeBytes: 1234 },
      now + 900_000,
    );
    const url = new URL(up.url);
    expect(url.pathname).toContain('pending/abc');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'content-type', 'host']),
    );
    expect(url.searchParams.has('x-amz-checksum-crc32')).toBe(false);
    expect(up.headers).toEqual({ 'content-type': 'image/png' });
  });

  it('signs a GET with the download name and type', async () => {
    const url = new URL(
      await store.downloadUrl(
        'files/abc',
        { contentType: 'image/png', filename: 'cat ü.png' },
        now + 900_000,
      ),
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('response-content-type')).toBe('image/png');
    expect(url.searchParams.get('response-content-disposition')).toContain(
      "filename*=UTF-8''cat%20%C3%BC.png",
    );
  });
});
