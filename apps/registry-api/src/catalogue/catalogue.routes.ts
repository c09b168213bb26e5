/**
 * The HTML catalogue: `GET {prefix}/` for browsers (content negotiation; JSON clients get JSON), `GET
 * {prefix}/ui/servers/{key}` and the shared assets under `/ui/assets/`. Routes are added to the app's one router,
 * after the same middleware as the JSON routes (problem+json, metrics, limits and, when configured, auth).
 */
import type { Router } from '@koa/router'
import type { Context } from 'koa'
import { HttpProblem } from '../http/http-problem.js'
import { orThrow, pathParam, requireView } from '../routes/route-helpers.js'
import type { ViewSource } from '../snapshot/snapshot-store.js'
import { CatalogueCss, CatalogueJs } from './assets.js'
import { parseCatalogueQuery } from './catalogue-query.js'
import { PageMemo } from './page-memo.js'
import { html } from './html.js'
import { layout, type PageContext } from './layout.html.js'
import { renderListPage } from './list-page.html.js'
import { setPageSecurityHeaders } from './security-headers.js'
import { renderServerPage } from './server-page.html.js'

/** Where a catalogue is mounted and what `{prefix}/` answers a JSON client. */
export interface CatalogueMount {
  /** `''` for the root, `/registry/{view}` for a named view (no trailing slash). */
  readonly prefix: string
  /** The answer to a non-HTML `GET {prefix}/`; without one the request goes on to the next route (404). */
  readonly json?: (ctx: Context) => void
}

/** True when the client prefers HTML over JSON (browsers do; `*\/*`, curl and JSON clients do not). */
export function wantsHtml(ctx: Context): boolean {
  return ctx.accepts('application/json', 'text/html') === 'text/html'
}

function sendHtml(ctx: Context, status: number, body: string): void {
  setPageSecurityHeaders(ctx)
  ctx.set('Cache-Control', 'no-cache')
  ctx.status = status
  ctx.type = 'text/html; charset=utf-8'
  ctx.body = body
}

/** `/ui/assets/catalogue.css` and `/ui/assets/catalogue.js`: added once per app, whatever the mounts. */
export function catalogueAssetRoutes(router: Router): Router {
  const asset = (type: string, text: string) => (ctx: Context): void => {
    setPageSecurityHeaders(ctx)
    ctx.set('Cache-Control', 'public, max-age=3600')
    ctx.type = type
    ctx.body = text
  }
  return router
    .get('/ui/assets/catalogue.css', asset('text/css; charset=utf-8', CatalogueCss))
    .get('/ui/assets/catalogue.js', asset('text/javascript; charset=utf-8', CatalogueJs))
}

/** The list and detail pages of `store`'s current view under `mount.prefix`. */
export function catalogueRoutes(router: Router, store: ViewSource, mount: CatalogueMount): Router {
  const { prefix } = mount
  const pages = new PageMemo()
  return router
    .get(`${prefix}/`, async (ctx, next) => {
      ctx.vary('Accept')
      if (!wantsHtml(ctx)) {
        if (mount.json === undefined) return next()
        mount.json(ctx)
        return undefined
      }
      const view = requireView(store, ctx)
      const query = orThrow(parseCatalogueQuery(ctx.query))
      const page: PageContext = { prefix, registryName: view.registryName }
      const key = JSON.stringify([query.q, query.tag, query.transport, query.kind, query.status, query.page])
      sendHtml(ctx, 200, pages.get(view, `list\0${key}`, () => renderListPage(page, query, view.catalogue.query(query))))
      return undefined
    })
    .get(`${prefix}/ui/servers/:key`, (ctx) => {
      const view = requireView(store, ctx)
      const page: PageContext = { prefix, registryName: view.registryName }
      const entry = view.catalogue.get(pathParam(ctx.params, 'key'))
      if (entry === undefined) {
        if (!wantsHtml(ctx)) throw HttpProblem.notFound('Server not found')
        sendHtml(ctx, 404, layout(page, 'Server not found', html`<h1>Server not found</h1><p><a href="${prefix}/">All servers</a></p>`))
        return
      }
      sendHtml(ctx, 200, pages.get(view, `server\0${entry.key}`, () => renderServerPage(page, entry)))
    })
}
