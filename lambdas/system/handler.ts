// Lambda for the root endpoints (docs/protocol/http.md §11): /health, /ready (real DynamoDB probe), /metrics (Prometheus text).
import pkg from '../../package.json' with { type: 'json' };
import { docsRouteFunctions } from '../docs/handler.js';
import { scrape } from '../http/metrics.js';
import { createGroupHandler, route } from '../http/router.js';
import { jsonResponse, textResponse } from '../http/response.js';

/** Server package version reported by `/health`. */
export const VERSION: string = pkg.version;

/** 200 `{"status":"healthy","version":"0.8.0"}`. */
const health = route({
  handle: () => Promise.resolve(jsonResponse(200, { status: 'healthy', version: VERSION })),
});

/** 200 `{"ready":true,"database":"connected"}` when DynamoDB answers; else 503 `{"ready":false,"database":"unavailable"}`. */
const ready = route({
  handle: async ({ deps }) =>
    (await deps.pingDatabase())
      ? jsonResponse(200, { ready: true, database: 'connected' })
      : jsonResponse(503, { ready: false, database: 'unavailable' }),
});

/** 200 Prometheus text (`text/plain; version=0.0.4; charset=utf-8`), gauges refreshed on each scrape. */
const metrics = route({
  handle: async ({ deps }) => {
    const { contentType, body } = await scrape(deps.metrics);
    return textResponse(200, body, contentType);
  },
});

/** Entry of the `system` group (routes: lambdas/http/routes.ts). */
export const handler = createGroupHandler('system', {
  'GET /health': health,
  'GET /ready': ready,
  'GET /metrics': metrics,
  ...docsRouteFunctions,
});
