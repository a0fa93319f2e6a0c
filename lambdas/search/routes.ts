// Route table of the `search` Lambda group: message search (docs/protocol/extensions.md §4); its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';

/** The `search` group's routes (read-only: outside the VPC, read access plus rate counters). */
export const routes = defineRoutes([['GET', '/api/v1/search/messages', 'session']]);
