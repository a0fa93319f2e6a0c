// Route functions of the API description (rows: ./docs-routes.ts, in the `system` group): GET /api/v1/openapi.json (OpenAPI 3.1) and Swagger UI at /docs with its assets from swagger-ui-dist (docs/protocol/extensions.md §10).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { route, type Route } from '../http/router.js';
import { jsonResponse, textResponse } from '../http/response.js';
import { openApiDocument } from './openapi.js';

/** Assets of swagger-ui-dist served under /docs/ (nothing else is readable). */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

/** The Swagger UI page: loads the bundle from /docs/ and the document from /api/v1/openapi.json. */
export const SWAGGER_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Lair Chat API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#swagger-ui', persistAuthorization: true });</script>
</body></html>`;

let distDir: string | undefined;
function assetText(name: string): string {
  distDir ??= (
    createRequire(import.meta.url)('swagger-ui-dist') as { getAbsoluteFSPath(): string }
  ).getAbsoluteFSPath();
  return readFileSync(join(distDir, name), 'utf8');
}

/** 200 the OpenAPI 3.1 document. */
const openapi = route({ handle: () => Promise.resolve(jsonResponse(200, openApiDocument())) });

/** 200 text/html: Swagger UI. */
const page = route({
  handle: () => Promise.resolve(textResponse(200, SWAGGER_HTML, 'text/html; charset=utf-8')),
});

/** 200 one swagger-ui-dist asset; anything else 404 `not_found`. */
const asset = route({
  handle: ({ event }) => {
    const name = event.pathParameters?.asset ?? '';
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (type === undefined)
      return Promise.resolve(jsonResponse(404, { error: { code: 'not_found', message: 'Not found' } }));
    const res = textResponse(200, assetText(name), type);
    return Promise.resolve({ ...res, headers: { ...res.headers, 'cache-control': 'public, max-age=3600' } });
  },
});

/** The functions of ./docs-routes.ts by route key (spread into the `system` group's handler). */
export const docsRouteFunctions: Readonly<Record<string, Route>> = {
  'GET /api/v1/openapi.json': openapi,
  'GET /docs': page,
  'GET /docs/{asset}': asset,
};
