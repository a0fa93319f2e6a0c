// Route table of the `sync` Lambda group (docs/protocol/extensions.md §3); its handler (./handler.ts) serves exactly these.
import { defineRoutes } from '../http/route-def.js';

/** The `sync` group's routes. */
export const routes = defineRoutes([['GET', '/api/v1/sync', 'session']]);
