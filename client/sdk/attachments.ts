// Attachment transfers over HTTP (docs/protocol/extensions.md §1.7): create an upload, PUT the bytes to its URL, and fetch a download URL's bytes.
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { LairHttpError, type LairHttpClient } from './http.js';

/** Content types by file extension for what a terminal user typically sends; anything else is octet-stream. */
const TYPES: Readonly<Record<string, string>> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.json': 'application/json',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.zip': 'application/zip',
};

/** What {@link uploadFile} created: the attachment to name in `send_message.attachment_ids`. */
export interface UploadedFile {
  id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
}

/**
 * Uploads one file: `POST /api/v1/attachments` with its name, type and size, then `PUT` of the
 * bytes to the returned URL (a presigned S3 URL in AWS, a signed local route under `npm start`).
 * @throws LairHttpError (`attachment_too_large` 413, …) or an Error when the file cannot be read
 */
export async function uploadFile(http: LairHttpClient, path: string): Promise<UploadedFile> {
  const bytes = await readFile(path);
  const filename = basename(path);
  const content_type = TYPES[extname(filename).toLowerCase()] ?? 'application/octet-stream';
  const created = await http.send<{
    attachment: UploadedFile;
    upload: { url: string; method: string; headers: Record<string, string> };
  }>('POST', '/api/v1/attachments', { filename, content_type, size_bytes: bytes.length });
  const res = await fetch(created.upload.url, {
    method: created.upload.method,
    headers: { 'content-type': content_type, ...created.upload.headers },
    body: bytes,
  });
  if (!res.ok)
    throw new LairHttpError(res.status, `upload_${res.status}`, `upload refused (HTTP ${res.status})`);
  return created.attachment;
}

/**
 * Downloads one attachment into `dir` (created when missing): `GET /api/v1/attachments/{id}` for a
 * short-lived URL, then its bytes. An existing file of the same name gets a numeric suffix.
 * @returns the path written
 * @throws LairHttpError (`not_found` when we may not read it, …)
 */
export async function downloadFile(http: LairHttpClient, id: string, dir: string): Promise<string> {
  const meta = await http.send<{ attachment: UploadedFile; download_url: string }>(
    'GET',
    `/api/v1/attachments/${encodeURIComponent(id)}`,
  );
  const res = await fetch(meta.download_url);
  if (!res.ok)
    throw new LairHttpError(res.status, `download_${res.status}`, `download refused (HTTP ${res.status})`);
  await mkdir(dir, { recursive: true });
  const name = basename(meta.attachment.filename) || id;
  let target = join(dir, name);
  for (let i = 1; await exists(target); i++) target = join(dir, `${i}-${name}`);
  await writeFile(target, Buffer.from(await res.arrayBuffer()));
  return target;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
