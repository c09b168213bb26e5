/** The catalogue's page of one server: what it is, how to run it, and copy-ready snippets. */
import type { CatalogueEntry } from './catalogue-index.js'
import { html, safeExternalUrl, type SafeHtml } from './html.js'
import { layout, type PageContext } from './layout.html.js'

/** The `mcpServers` block an MCP client configuration needs to reach a remote server. */
export function clientConfigSnippet(key: string, url: string, transport: string): string {
  const type = transport === 'sse' ? 'sse' : 'http'
  return JSON.stringify({ mcpServers: { [key]: { type, url } } }, null, 2)
}

function snippet(id: string, label: string, text: string): SafeHtml {
  return html`<figure class="snippet"><figcaption id="${id}-label">${label}</figcaption>
<pre id="${id}" aria-labelledby="${id}-label"><code>${text}</code></pre>
<button type="button" class="copy" data-copy="${id}" hidden>Copy</button></figure>`
}

function definition(term: string, value: SafeHtml | string | undefined): SafeHtml {
  return value === undefined || value === '' ? html`` : html`<dt>${term}</dt><dd>${value}</dd>`
}

/** The detail page of `entry`. */
export function renderServerPage(page: PageContext, entry: CatalogueEntry): string {
  const { server, upstream } = entry
  const repository = safeExternalUrl(server.repository_url)
  const remoteUrl = 'url' in server ? server.url : undefined
  const image = 'image' in server ? server.image : undefined
  const envVars = server.env_vars ?? []
  const headers = 'headers' in server ? server.headers ?? [] : []
  return layout(page, upstream.title ?? entry.key, html`<p><a href="${page.prefix}/">← All servers</a></p>
<h1>${upstream.title ?? entry.key}</h1>
<p class="description">${server.description}</p>
<p class="meta"><span class="badge">${entry.kind}</span> <span class="badge">${server.transport}</span> <span class="badge">Tier: ${server.tier}</span> <span class="badge">Status: ${server.status}</span></p>
<h2>Use it</h2>
${snippet('run-snippet', 'Run with ToolHive', `thv run ${entry.key}`)}
${remoteUrl === undefined ? '' : snippet('client-snippet', 'MCP client configuration', clientConfigSnippet(entry.key, remoteUrl, server.transport))}
<h2>Details</h2>
<dl class="details">
${definition('Name', entry.key)}
${definition('Full name', upstream.fullName)}
${definition('Image', image)}
${definition('URL', remoteUrl)}
${definition('Repository', repository === undefined ? server.repository_url : html`<a href="${repository}" rel="noopener noreferrer">${repository}</a>`)}
${definition('Last updated', server.metadata?.last_updated)}
${definition('Tags', (server.tags ?? []).join(', '))}
</dl>
<h2>Tools</h2>
${server.tools.length === 0 ? html`<p>None listed.</p>` : html`<ul class="tools">${server.tools.map((t) => html`<li><code>${t}</code></li>`)}</ul>`}
<h2>Environment variables</h2>
${envVars.length === 0 ? html`<p>None.</p>` : html`<table><thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Required</th><th scope="col">Secret</th></tr></thead><tbody>
${envVars.map((v) => html`<tr><td><code>${v.name}</code></td><td>${v.description}</td><td>${v.required ? 'required' : 'optional'}</td><td>${v.secret === true ? 'secret' : ''}</td></tr>`)}
</tbody></table>`}
${headers.length === 0 ? '' : html`<h2>Headers</h2><table><thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Required</th><th scope="col">Secret</th></tr></thead><tbody>
${headers.map((v) => html`<tr><td><code>${v.name}</code></td><td>${v.description}</td><td>${v.required ? 'required' : 'optional'}</td><td>${v.secret === true ? 'secret' : ''}</td></tr>`)}
</tbody></table>`}
<h2>Versions</h2>
${upstream.versions.length === 0 ? html`<p>None listed.</p>` : html`<ul class="versions">${upstream.versions.map((v) => html`<li><code>${v.version}</code> published ${v.publishedAt}${v.isLatest ? ' (latest)' : ''}</li>`)}</ul>`}`)
}
