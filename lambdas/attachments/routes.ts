// Route table of the `attachments` Lambda group: create an upload, read one with a download URL (docs/protocol/extensions.md §1.7); its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';

/** The `attachments` group's routes. */
export const routes = defineRoutes([
  ['POST', '/api/v1/attachments', 'session', ['messaging']],
  ['GET', '/api/v1/attachments/{attachment_id}', 'session'],
]);
