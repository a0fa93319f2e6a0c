// Export job routes of the `history` group (docs/protocol/extensions.md §5): POST /api/v1/exports (202) and GET /api/v1/exports/{export_id}.
import { z } from 'zod';
import type { MessageTarget } from '../../shared/features/messages/index.js';
import { route } from '../http/router.js';
import { requireUuid } from '../http/request.js';
import { jsonResponse } from '../http/response.js';

/** `target` as in POST /api/v1/messages (`room` | `direct_message`), `format` `jsonl`, optional `since`/`until` (RFC 3339). */
const startBody = z.object({
  target: z.discriminatedUnion('type', [
    z.object({ type: z.literal('room'), room_id: z.string() }),
    z.object({ type: z.literal('direct_message'), recipient: z.string() }),
  ]),
  format: z.string().nullish(),
  since: z.string().nullish(),
  until: z.string().nullish(),
});

/** 202 `{"export":{"id","status":"running","messages":0,…}}`; members/participants only. */
export const startExport = route({
  body: startBody,
  handle: async ({ deps, claims, body }) => {
    const target: MessageTarget =
      body.target.type === 'room'
        ? { type: 'room', room_id: requireUuid(body.target.room_id, 'not_room_member') }
        : { type: 'dm', recipient: requireUuid(body.target.recipient, 'user_not_found') };
    const view = await deps.services.exports.start(claims.sub, {
      target,
      format: body.format ?? null,
      since: body.since ?? null,
      until: body.until ?? null,
    });
    return jsonResponse(202, { export: view });
  },
});

/** 200 `{"export":{"status":"running|done|failed","messages","bytes","download_url?"}}`; own jobs only. */
export const getExport = route({
  path: { export_id: 'export_not_found' },
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, { export: await deps.services.exports.get(claims.sub, params.export_id) }),
});
