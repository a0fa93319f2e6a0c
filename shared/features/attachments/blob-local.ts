// Local BlobStore: attachment bytes as files under `<LAIR_DATA_DIR>/attachments/`, URLs to the local HTTP server's /blobs routes signed with HMAC-SHA256 and an expiry.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../../kernel/ports.js';
import type { BlobStore, SignedRequest } from './model.js';

/** Path prefix of the local blob routes (served by local/blob-routes.ts, not by API Gateway). */
export const LOCAL_BLOB_PATH = '/blobs/';

/** A key the local store accepts: `pending/<uuid>` or `files/<uuid>` (nothing else reaches the disk). */
const KEY = /^(pending|files|exports)\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Options of {@link LocalBlobStore}. */
export interface LocalBlobStoreOptions {
  /** `LAIR_DATA_DIR`; files go to `<dataDir>/attachments/<key>`. */
  dataDir: string;
  /** HMAC key of the URLs (the JWT secret). */
  secret: string;
  /** Base URL of the local HTTP server, e.g. `http://127.0.0.1:8082` (a function: the port may be known only after listen). */
  baseUrl: () => string;
  clock: Clock;
}

/** What a verified local URL allows. */
export type VerifiedBlobRequest =
  | { ok: true; key: string; size: number | null; contentType: string | null; filename: string | null }
  | { ok: false; reason: 'bad_key' | 'bad_signature' | 'expired' };

/** Outcome of {@link LocalBlobStore.write}. */
export type WriteResult = { ok: true } | { ok: false; reason: 'size_mismatch' };

/** Files on disk + HMAC-signed URLs; a forged, altered or expired URL is refused by {@link verify}. */
export class LocalBlobStore implements BlobStore {
  private readonly root: string;

  constructor(private readonly opts: LocalBlobStoreOptions) {
    this.root = join(opts.dataDir, 'attachments');
  }

  /** Writes a server-written object atomically (temp file, then rename). */
  async put(key: string, body: Uint8Array, _contentType: string): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.${randomUUID()}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, target);
  }

  uploadUrl(
    key: string,
    object: { contentType: string; sizeBytes: number },
    expiresAt: number,
  ): Promise<SignedRequest> {
    const params = { expires: String(Math.floor(expiresAt / 1000)), size: String(object.sizeBytes) };
    return Promise.resolve({ url: this.url('PUT', key, params), headers: {} });
  }

  downloadUrl(
    key: string,
    object: { contentType: string; filename: string },
    expiresAt: number,
  ): Promise<string> {
    const params = {
      expires: String(Math.floor(expiresAt / 1000)),
      type: object.contentType,
      name: object.filename,
    };
    return Promise.resolve(this.url('GET', key, params));
  }

  async size(key: string): Promise<number | null> {
    try {
      const s = await stat(this.path(key));
      return s.isFile() ? s.size : null;
    } catch {
      return null;
    }
  }

  async copy(from: string, to: string): Promise<void> {
    const target = this.path(to);
    if ((await this.size(to)) !== null) return;
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.${randomUUID()}.tmp`;
    await copyFile(this.path(from), tmp);
    await rename(tmp, target);
  }

  /**
   * Checks a request to a local blob URL: the key's shape, the HMAC over method, key and every
   * query parameter (constant-time), and `expires` (epoch s) not past.
   * @param pathKey - the path after {@link LOCAL_BLOB_PATH}, still percent-encoded
   */
  verify(method: string, pathKey: string, query: URLSearchParams): VerifiedBlobRequest {
    let key: string;
    try {
      key = decodeURIComponent(pathKey);
    } catch {
      return { ok: false, reason: 'bad_key' }; // malformed percent-encoding
    }
    if (!KEY.test(key)) return { ok: false, reason: 'bad_key' };
    const params: Record<string, string> = {};
    for (const [k, v] of query) if (k !== 'signature') params[k] = v;
    const given = query.get('signature') ?? '';
    const expected = this.sign(method, key, params);
    if (
      !/^[0-9a-f]{64}$/.test(given) ||
      !timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'))
    )
      return { ok: false, reason: 'bad_signature' };
    const expires = Number(params.expires);
    if (!Number.isFinite(expires) || expires * 1000 <= this.opts.clock.now())
      return { ok: false, reason: 'expired' };
    const size = params.size === undefined ? null : Number(params.size);
    return { ok: true, key, size, contentType: params.type ?? null, filename: params.name ?? null };
  }

  /**
   * Streams `body` to `key` (atomically: temp file, then rename), refusing anything but exactly
   * `size` bytes (the partial file is removed). Resolves `size_mismatch` as soon as too many bytes arrive.
   */
  async write(key: string, body: Readable, size: number): Promise<WriteResult> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.${randomUUID()}.tmp`;
    let received = 0;
    let tooMany = false;
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            received += chunk.length;
            if (received > size) {
              tooMany = true;
              throw new Error('too many bytes');
            }
            yield chunk;
          }
        },
        createWriteStream(tmp),
      );
    } catch (e) {
      await rm(tmp, { force: true });
      if (tooMany) return { ok: false, reason: 'size_mismatch' };
      throw e;
    }
    if (received !== size) {
      await rm(tmp, { force: true });
      return { ok: false, reason: 'size_mismatch' };
    }
    await rename(tmp, target);
    return { ok: true };
  }

  /** The file path of a key. @throws Error for a key that is not `pending|files|exports/<uuid>` */
  path(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid blob key ${key}`);
    return join(this.root, key);
  }

  private url(method: string, key: string, params: Record<string, string>): string {
    const query = new URLSearchParams({ ...params, signature: this.sign(method, key, params) });
    return `${this.opts.baseUrl().replace(/\/$/, '')}${LOCAL_BLOB_PATH}${key}?${query.toString()}`;
  }

  /** Hex HMAC-SHA256 over `lair-blob/1`, the method, the key and the sorted parameters. */
  private sign(method: string, key: string, params: Record<string, string>): string {
    const canonical = Object.keys(params)
      .sort()
      .map((k) => `${k}=${params[k] ?? ''}`)
      .join('\n');
    return createHmac('sha256', this.opts.secret)
      .update(`lair-blob/1\n${method}\n${key}\n${canonical}`)
      .digest('hex');
  }
}
