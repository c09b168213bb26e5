/** The page shell shared by the catalogue pages: head, header with navigation, main content. */
import { html, type SafeHtml } from './html.js'

/** Where a page lives: the mount prefix of its catalogue (`''` or `/registry/{view}`) and the registry shown. */
export interface PageContext {
  /** Path prefix of the catalogue's routes, without a trailing slash (`''` at the root). */
  readonly prefix: string
  /** The registry's display name. */
  readonly registryName: string
  /** The view shown, when the page is under its `/registry/{view}` prefix. */
  readonly view?: string | undefined
  /** Every view of a registry with several sources (linked from every page); empty or absent otherwise. */
  readonly views?: ReadonlyArray<{ readonly name: string; readonly sources: readonly string[] }> | undefined
}

/** The registry's name, and the view's when the page shows one. */
function siteName(page: PageContext): string {
  return page.view === undefined ? page.registryName : `${page.registryName} · ${page.view}`
}

/** Links to every view's catalogue (`/registry/{view}/`), the shown one marked current; nothing without views. */
function viewsNav(page: PageContext): SafeHtml | string {
  const views = page.views ?? []
  if (views.length === 0) return ''
  return html`<nav class="views" aria-label="Views"><span>Views:</span> <a href="/" title="The first view, served at the unprefixed paths"${page.view === undefined ? html` aria-current="page"` : ''}>Home</a>
${views.map((v) => html`<a href="/registry/${v.name}/" title="Sources: ${v.sources.join(', ')}"${v.name === page.view ? html` aria-current="page"` : ''}>${v.name}</a> `)}</nav>`
}

/** A complete HTML document; assets come from the API itself (`/ui/assets/...`). */
export function layout(page: PageContext, title: string, main: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${siteName(page)}</title>
<link rel="stylesheet" href="/ui/assets/catalogue.css">
<script src="/ui/assets/catalogue.js" defer></script>
</head>
<body>
<header class="site"><a class="brand" href="${page.prefix}/">${siteName(page)}</a>
<nav aria-label="Site"><a href="${page.prefix}/">Catalogue</a> <a href="/docs">API reference</a> <a href="${page.prefix}/openapi.yaml">OpenAPI</a></nav>
${viewsNav(page)}</header>
<main id="main">${main}</main>
</body>
</html>
`.text
}
