// Invite-link and invitation-template routes of docs/protocol/extensions.md §6.2 (room moderator+; joining by link for anyone with the code).
import { z } from 'zod';
import { DomainError } from '../../shared/kernel/errors.js';
import { route, SUCCESS } from '../http/router.js';
import { jsonResponse } from '../http/response.js';

const ROOM = { room_id: 'room_not_found' } as const;
const TEMPLATE = { room_id: 'room_not_found', template_id: 'not_found' } as const;

/** The raw `{code}` path segment (codes are base64url, not UUIDs). @throws `invite_link_invalid` */
function codeOf(event: { pathParameters?: Record<string, string | undefined> }): string {
  const code = event.pathParameters?.code;
  if (code === undefined || !/^[A-Za-z0-9_-]{1,64}$/.test(code)) throw new DomainError('invite_link_invalid');
  return code;
}

/** 201 `{link}`. */
export const createLink = route({
  path: ROOM,
  body: z.object({
    max_uses: z.number().int().nullish(),
    ttl_hours: z.number().int().nullish(),
    role: z.enum(['member', 'moderator']).optional(),
  }),
  handle: async ({ deps, claims, params, body }) =>
    jsonResponse(201, {
      link: await deps.services.inviteLinks.createLink(claims.sub, params.room_id, {
        maxUses: body.max_uses ?? null,
        ttlHours: body.ttl_hours ?? null,
        ...(body.role !== undefined ? { role: body.role } : {}),
      }),
    }),
});

/** 200 `{links}`. */
export const listLinks = route({
  path: ROOM,
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, { links: await deps.services.inviteLinks.listLinks(claims.sub, params.room_id) }),
});

/** 200 `{"success":true}`. */
export const revokeLink = route({
  path: ROOM,
  handle: async ({ deps, claims, params, event }) => {
    await deps.services.inviteLinks.revokeLink(claims.sub, params.room_id, codeOf(event));
    return jsonResponse(200, SUCCESS);
  },
});

/** 200 `{room, membership}`. */
export const joinLink = route({
  handle: async ({ deps, claims, event }) =>
    jsonResponse(200, await deps.services.inviteLinks.joinByLink(claims.sub, codeOf(event))),
});

/** 201 `{template}`. */
export const createTemplate = route({
  path: ROOM,
  body: z.object({
    name: z.string(),
    message: z.string().nullish(),
    role: z.enum(['member', 'moderator']).optional(),
    ttl_hours: z.number().int().optional(),
  }),
  handle: async ({ deps, claims, params, body }) =>
    jsonResponse(201, {
      template: await deps.services.inviteLinks.createTemplate(claims.sub, params.room_id, {
        name: body.name,
        ...(body.message !== undefined ? { message: body.message } : {}),
        ...(body.role !== undefined ? { role: body.role } : {}),
        ...(body.ttl_hours !== undefined ? { ttl_hours: body.ttl_hours } : {}),
      }),
    }),
});

/** 200 `{templates}`. */
export const listTemplates = route({
  path: ROOM,
  handle: async ({ deps, claims, params }) =>
    jsonResponse(200, {
      templates: await deps.services.inviteLinks.listTemplates(claims.sub, params.room_id),
    }),
});

/** 200 `{"success":true}`. */
export const deleteTemplate = route({
  path: TEMPLATE,
  handle: async ({ deps, claims, params }) => {
    await deps.services.inviteLinks.deleteTemplate(claims.sub, params.room_id, params.template_id);
    return jsonResponse(200, SUCCESS);
  },
});
