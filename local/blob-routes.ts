// Local attachment byte routes (`PUT|GET /blobs/<key>?…&signature=`), served by the local HTTP server outside the API Gateway route table.
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getDeps } from '../lambdas/deps.js';
import { errorBody } from '../lambdas/http/errors.js';
import { CORS_HEADERS } from '../lambdas/http/response.js';
import type { ErrorCode } from '../shared/kernel/errors.js';
import { LOCAL_BLOB_PATH, type LocalBlobStore } from '../shared/features/attachments/index.js';
import { splitUrl } from './api-gateway.js';

/** True when `rawPath` belongs to the blob routes. */
export const isBlobPath = (rawPath: string): boolean => rawPath.startsWith(LOCAL_BLOB_PATH);

function reply(res: ServerResponse, status: number, code?: ErrorCode, message?: string): void {
  const text = code === undefined ? '' : JSON.stringify(errorBody(code, message ?? code));
  res.writeHead(status, {
    ...CORS_HEADERS,
    ...(text === '' ? {} : { 'content-type': 'application/json' }),
    'content-length': String(Buffer.byteLength(text)),
    ...(status === 413 ? { connection: 'close' } : {}),
  });
  res.end(text);
}

/**
 * Serves one blob request and resolves with the status sent. `PUT /blobs/pending/<id>` stores
 * exactly the signed `size` bytes and marks the attachment uploaded (200); `GET /blobs/<key>`
 * streams the bytes (200). A forged, altered or expired signature ⇒ 403 `permission_denied`;
 * a body of any other length ⇒ 413 `attachment_too_large`; no such file ⇒ 404.
 */
export async function serveBlob(
  req: IncomingMessage,
  res: ServerResponse,
  store: LocalBlobStore,
): Promise<number> {
  const method = req.method ?? 'GET';
  const { rawPath, rawQueryString } = splitUrl(req.url);
  if (method !== 'PUT' && method !== 'GET') {
    res.writeHead(405, { ...CORS_HEADERS, allow: 'GET,PUT', 'content-length': '0' });
    res.end();
    return 405;
  }
  const checked = store.verify(
    method,
    rawPath.slice(LOCAL_BLOB_PATH.length),
    new URLSearchParams(rawQueryString),
  );
  if (!checked.ok) {
    reply(
      res,
      checked.reason === 'bad_key' ? 404 : 403,
      'permission_denied',
      'Invalid or expired URL signature',
    );
    return checked.reason === 'bad_key' ? 404 : 403;
  }
  if (method === 'PUT') {
    const size = checked.size;
    const declared = req.headers['content-length'];
    if (
      size === null ||
      !checked.key.startsWith('pending/') ||
      (declared !== undefined && Number(declared) !== size)
    ) {
      reply(
        res,
        413,
        'attachment_too_large',
        'Attachment too large: the body must be exactly size_bytes long',
      );
      req.resume();
      return 413;
    }
    const written = await store.write(checked.key, req, size);
    if (!written.ok) {
      reply(
        res,
        413,
        'attachment_too_large',
        'Attachment too large: the body must be exactly size_bytes long',
      );
      return 413;
    }
    const deps = await getDeps();
    await deps.services.attachments.markUploaded(checked.key.slice('pending/'.length));
    reply(res, 200);
    return 200;
  }
  const size = await store.size(checked.key);
  if (size === null) {
    reply(res, 404);
    return 404;
  }
  const name = checked.filename ?? 'attachment';
  res.writeHead(200, {
    ...CORS_HEADERS,
    'content-type': checked.contentType ?? 'application/octet-stream',
    'content-length': String(size),
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
  });
  createReadStream(store.path(checked.key)).pipe(res);
  return 200;
}
