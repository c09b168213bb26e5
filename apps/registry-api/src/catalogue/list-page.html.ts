/** The catalogue's list page: search form, filters with counts, one page of servers, paging links. */
import type { CatalogueQuery, CatalogueResult, Counts } from './catalogue-index.js'
import { html, type SafeHtml } from './html.js'
import { layout, type PageContext } from './layout.html.js'

/** The query string of `query` with `change` applied (page reset to 1 unless `change` sets it). */
export function listHref(prefix: string, query: CatalogueQuery, change: Partial<Record<'q' | 'tag' | 'transport' | 'kind' | 'status' | 'page', string | undefined>>): string {
  const merged: Record<string, string | undefined> = {
    q: query.q, tag: query.tag, transport: query.transport, kind: query.kind, status: query.status, page: undefined, ...change,
  }
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(merged)) if (v !== undefined && v !== '' && !(k === 'page' && v === '1')) params.set(k, v)
  const qs = params.toString()
  return `${prefix}/${qs === '' ? '' : `?${qs}`}`
}

function facet(prefix: string, query: CatalogueQuery, name: 'tag' | 'transport' | 'kind' | 'status', label: string, counts: Counts, limit: number): SafeHtml {
  const current = query[name]
  const shown = name === 'tag' ? [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit) : counts
  return html`<section class="facet"><h2>${label}</h2><ul>
${current === undefined ? '' : html`<li><a href="${listHref(prefix, query, { [name]: undefined })}">Any ${label.toLowerCase()}</a></li>`}
${shown.map(([value, n]) => html`<li><a href="${listHref(prefix, query, { [name]: value })}"${value === current ? html` aria-current="true"` : ''}>${value}</a> <span class="count">${n}</span></li>`)}
</ul></section>`
}

/** The results section alone (what instant search swaps in). */
export function renderResults(page: PageContext, query: CatalogueQuery, result: CatalogueResult): SafeHtml {
  const { prefix } = page
  const first = result.total === 0 ? 0 : (result.page - 1) * query.pageSize + 1
  const last = (result.page - 1) * query.pageSize + result.items.length
  return html`<div id="results" class="results">
<aside class="facets" aria-label="Filters">
${facet(prefix, query, 'kind', 'Kind', result.counts.kind, 10)}
${facet(prefix, query, 'transport', 'Transport', result.counts.transport, 10)}
${facet(prefix, query, 'status', 'Status', result.counts.status, 10)}
${facet(prefix, query, 'tag', 'Tag', result.counts.tag, 30)}
</aside>
<section class="list" aria-labelledby="result-count">
<p id="result-count" role="status">${result.total === 0 ? 'No servers match.' : `Servers ${first}–${last} of ${result.total}`}</p>
<ul class="servers">
${result.items.map((e) => html`<li class="server"><h3><a href="${prefix}/ui/servers/${encodeURIComponent(e.key)}">${e.upstream.title ?? e.key}</a></h3>
<p class="meta"><span class="badge">${e.kind}</span> <span class="badge">${e.server.transport}</span> <span class="badge">${e.server.tier}</span> <span class="badge">${e.server.status}</span></p>
<p class="description">${e.server.description}</p>
<p class="tags">${(e.server.tags ?? []).map((t) => html`<a class="tag" href="${listHref(prefix, query, { tag: t })}">${t}</a> `)}</p></li>`)}
</ul>
<nav class="pager" aria-label="Pages">
${result.page > 1 ? html`<a rel="prev" href="${listHref(prefix, query, { page: String(result.page - 1) })}">Previous</a>` : ''}
<span>Page ${result.page} of ${result.pageCount}</span>
${result.page < result.pageCount ? html`<a rel="next" href="${listHref(prefix, query, { page: String(result.page + 1) })}">Next</a>` : ''}
</nav>
</section>
</div>`
}

/** The whole list page. */
export function renderListPage(page: PageContext, query: CatalogueQuery, result: CatalogueResult): string {
  const hidden = (['tag', 'transport', 'kind', 'status'] as const)
    .map((name) => (query[name] === undefined ? '' : html`<input type="hidden" name="${name}" value="${query[name]}">`))
  return layout(page, 'MCP servers', html`<h1>MCP servers</h1>
<form class="search" role="search" method="get" action="${page.prefix}/">
<label for="q">Search name, title and description</label>
<input id="q" name="q" type="search" value="${query.q ?? ''}" autocomplete="off">
${hidden}
<button type="submit">Search</button>
</form>
${renderResults(page, query, result)}`)
}
