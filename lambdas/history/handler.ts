// Lambda for the `history` group: search and admin search (./search.ts) and export jobs (./exports.ts), docs/protocol/extensions.md §4, §5.
import { createGroupHandler } from '../http/router.js';
import { getExport, startExport } from './exports.js';
import { adminSearchMessages, searchMessages } from './search.js';

/** Entry of the `history` group (routes: lambdas/http/routes.ts). */
export const handler = createGroupHandler('history', {
  'GET /api/v1/search/messages': searchMessages,
  'POST /api/v1/exports': startExport,
  'GET /api/v1/exports/{export_id}': getExport,
  'GET /api/v1/admin/search/messages': adminSearchMessages,
});
