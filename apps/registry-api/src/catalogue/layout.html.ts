/** The page shell shared by the catalogue pages: head, header with navigation, main content. */
import { html, type SafeHtml } from './html.js'

/** Where a page lives: the mount prefix of its catalogue (`''` or `/registry/{view}`) and the registry shown. */
export interface PageContext {
  /** Path prefix of the catalogue's routes, without a trailing slash (`''` at the root). */
  readonly prefix: string
  /** The registry's display name. */
  readonly registryName: string
}

/** A complete HTML document; assets come from the API itself (`/ui/assets/...`). */
export function layout(page: PageContext, title: string, main: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${page.registryName}</title>
<link rel="stylesheet" href="/ui/assets/catalogue.css">
<script src="/ui/assets/catalogue.js" defer></script>
</head>
<body>
<header class="site"><a class="brand" href="${page.prefix}/">${page.registryName}</a>
<nav aria-label="Site"><a href="${page.prefix}/">Catalogue</a> <a href="/docs">API reference</a> <a href="/openapi.yaml">OpenAPI</a></nav></header>
<main id="main">${main}</main>
</body>
</html>
`.text
}
