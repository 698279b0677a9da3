import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../../app-env.js';

// Swagger UI is served from the installed swagger-ui-dist, not a CDN: Concierge runs inside studios'
// networks, often without internet, and the CSP allows scripts from our own origin only.
const distDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const files: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>Concierge API</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>`;

const init = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#swagger-ui' });`;

/** GET /api/docs: the OpenAPI document rendered by Swagger UI. */
export function docsRoutes() {
  const app = new Hono<AppEnv>();
  const cache = new Map<string, Buffer>();
  app.get('/api/docs', (c) => c.html(page));
  // One parameter route serves init.js too: a static route beside it made Hono's fast RegExpRouter
  // refuse the route table, and every request in the app fell back to the slower TrieRouter.
  app.get('/api/docs/:file', async (c) => {
    const name = c.req.param('file');
    if (name === 'init.js') return c.body(init, 200, { 'content-type': 'text/javascript; charset=utf-8' });
    const type = files[name];
    if (!type) return c.notFound();
    let body = cache.get(name);
    if (!body) {
      body = await readFile(join(distDir, name));
      cache.set(name, body);
    }
    return c.body(new Uint8Array(body), 200, {
      'content-type': type,
      'cache-control': 'public, max-age=86400',
    });
  });
  return app;
}
