// The S3 BlobStore's presigned URLs, built offline with dummy credentials: 15 min expiry, Content-Length and Content-Type signed; createBlobStore's S3 store loaded on first use.
import { S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '../../../shared/features/attachments/blob-s3.js';
import { createBlobStore } from '../../../shared/features/attachments/index.js';

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

describe('createBlobStore with a bucket (S3 loaded on first use, docs/adr/031)', () => {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  });
  afterAll(() => {
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });

  it('answers with S3 presigned URLs of that bucket, the first call and the next', async () => {
    const now = Date.UTC(2026, 0, 1);
    const store = createBlobStore({
      bucket: 'bucket-lazy',
      region: 'eu-west-1',
      dataDir: '/nonexistent',
      secret: 'unused',
      baseUrl: () => 'http://unused',
      clock: { now: () => now },
    });
    const [a, b] = await Promise.all([
      store.uploadUrl('pending/one', { contentType: 'image/png', sizeBytes: 10 }, now + 900_000),
      store.downloadUrl('files/two', { contentType: 'image/png', filename: 'x.png' }, now + 900_000),
    ]);
    for (const url of [new URL(a.url), new URL(b)]) {
      expect(url.hostname).toContain('bucket-lazy');
      expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    }
    const again = await store.uploadUrl(
      'pending/three',
      { contentType: 'text/plain', sizeBytes: 1 },
      now + 60_000,
    );
    expect(new URL(again.url).pathname).toContain('pending/three');
  });
});
