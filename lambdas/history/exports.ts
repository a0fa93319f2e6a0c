// Export job routes of the `history` group (docs/protocol/extensions.md §5): POST /api/v1/exports (202) and GET /api/v1/exports/{export_id}.
import { z } from 'zod';
import type { MessageTarget } from '../../shared/features/messages/index.js';
import { route } from '../http/router.js';
import { requireUuid } from '../http/request.js';
import { jsonResponse } from '../http/response.js';

/** `target` as in POST /api/v1/messages (`room` | `direct_message` | `conversation`), `format` `jsonl`, optional `since`/`until` (RFC 3339). */
const startBody = z.object({
  target: z.discriminatedUnion('type', [
    z.object({ type: z.literal('room'), room_id: z.string() }),
    z.object({ type: z.literal('direct_message'), recipient: z.string() }),
    z.object({ type: z.literal('conversation'), conversation_id: z.string() }), // extensions.md §7.2
  ]),
  format: z.string().nullish(),
  since: z.string().nullish(),
  until: z.string().nullish(),
});

/** 202 `{"export":{"id","status":"running","messages":0,…}}`; members/participants only. */
export const startExport = route({
  body: startBody,
  handle: async ({ deps, claims, body }) => {
    const b = body.target;
    const target: MessageTarget =
      b.type === 'room'
        ? { type: 'room', room_id: requireUuid(b.room_id, 'not_room_member') }
        : b.type === 'conversation'
          ? {
              type: 'conversation',
              conversation_id: requireUuid(b.conversation_id, 'conversation_not_found'),
            }
          : { type: 'dm', recipient: requireUuid(b.recipient, 'user_not_found') };
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
