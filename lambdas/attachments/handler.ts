// Lambda for the attachment routes (docs/protocol/extensions.md §1.7): create (presigned upload) and read (presigned download).
import { z } from 'zod';
import { createGroupHandler, route } from '../http/router.js';
import { jsonResponse } from '../http/response.js';

const createBody = z.object({
  filename: z.string(),
  content_type: z.string(),
  size_bytes: z.number().int().nonnegative(),
});

/** 201 `{attachment, upload}`; over `LAIR_ATTACHMENT_MAX_BYTES` ⇒ `attachment_too_large` 413. */
const create = route({
  body: createBody,
  handle: async ({ deps, claims, body }) =>
    jsonResponse(201, await deps.services.attachments.create(claims.sub, body)),
});

/** 200 `{attachment, download_url, expires_at}`; unknown or unreadable ⇒ `not_found` 404. */
const get = route({
  path: { attachment_id: 'not_found' },
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, await deps.services.attachments.get(claims.sub, params.attachment_id)),
});

/** Entry of the `attachments` group (routes: lambdas/http/routes.ts). */
export const handler = createGroupHandler('attachments', {
  'POST /api/v1/attachments': create,
  'GET /api/v1/attachments/{attachment_id}': get,
});
