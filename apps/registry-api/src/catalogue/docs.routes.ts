/**
 * `GET /docs`: the API reference, Swagger UI (the `swagger-ui-dist` package) rendering `/openapi.yaml`. Every
 * file comes from the API itself; the initializer is a served file, not an inline script, so the CSP stays strict.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Router } from '@koa/router'
import type { Context } from 'koa'
import { setPageSecurityHeaders } from './security-headers.js'

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · thv-registry</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<script src="/docs/assets/swagger-ui-bundle.js" defer></script>
<script src="/docs/assets/docs-init.js" defer></script>
</head>
<body>
<main><h1 class="visually-hidden">API reference</h1><div id="swagger-ui"><noscript><p>The interactive reference needs JavaScript; the
<a href="/openapi.yaml">OpenAPI document</a> is plain YAML.</p></noscript></div></main>
</body>
</html>
`

/** Swagger UI set to the API's own document, with the online validator (another origin) turned off. */
const DOCS_INIT = `'use strict';
window.addEventListener('DOMContentLoaded', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.yaml', dom_id: '#swagger-ui', validatorUrl: null, deepLinking: true });
});
`

/** The files of `swagger-ui-dist` that the page loads, read once when the routes are added. */
function swaggerUiFiles(): { css: Buffer; bundle: Buffer } {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  return { css: readFileSync(join(dir, 'swagger-ui.css')), bundle: readFileSync(join(dir, 'swagger-ui-bundle.js')) }
}

/** `/docs` and its assets under `/docs/assets/`. */
export function docsRoutes(router: Router): Router {
  const files = swaggerUiFiles()
  const send = (type: string, body: string | Buffer, cache: string) => (ctx: Context): void => {
    setPageSecurityHeaders(ctx)
    ctx.set('Cache-Control', cache)
    ctx.type = type
    ctx.body = body
  }
  return router
    .get('/docs', send('text/html; charset=utf-8', DOCS_PAGE, 'no-cache'))
    .get('/docs/assets/swagger-ui.css', send('text/css; charset=utf-8', files.css, 'public, max-age=3600'))
    .get('/docs/assets/swagger-ui-bundle.js', send('text/javascript; charset=utf-8', files.bundle, 'public, max-age=3600'))
    .get('/docs/assets/docs-init.js', send('text/javascript; charset=utf-8', DOCS_INIT, 'public, max-age=3600'))
}
