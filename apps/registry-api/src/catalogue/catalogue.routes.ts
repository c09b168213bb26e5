/**
 * The HTML catalogue: `GET {prefix}/` for browsers (content negotiation; JSON clients get JSON), `GET
 * {prefix}/ui/servers/{key}` and the shared assets under `/ui/assets/`. Routes are added to the app's one router,
 * after the same middleware as the JSON routes (problem+json, metrics, limits and, when configured, auth). A request
 * routed through a view's prefix (`/registry/{view}/`, see `view-prefix.middleware.ts`) gets that view's pages,
 * linked below that prefix.
 */
import type { Router } from '@koa/router'
import type { Context } from 'koa'
import { HttpProblem } from '../http/http-problem.js'
import { viewPrefixOf } from '../http/view-prefix.middleware.js'
import { orThrow, pathParam, requireView } from '../routes/route-helpers.js'
import type { ViewSource } from '../snapshot/snapshot-store.js'
import type { ServedView } from '../views/registry-view.js'
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
  /**
   * The answer to a non-HTML `GET {prefix}/`, given the prefix the request came through (`mount.prefix` or a view's
   * `/registry/{view}`); without one the request goes on to the next route (404).
   */
  readonly json?: (ctx: Context, prefix: string) => void
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
  const pages = new PageMemo()
  /** Where the pages of this request live and what they show: the view a prefix chose, else the mount's. */
  const pageOf = (ctx: Context, view: ServedView): PageContext => {
    const chosen = viewPrefixOf(ctx)
    return { prefix: chosen ?? mount.prefix, registryName: view.registryName, view: chosen === undefined ? undefined : view.viewName, views: view.views }
  }
  return router
    .get(`${mount.prefix}/`, async (ctx, next) => {
      ctx.vary('Accept')
      if (!wantsHtml(ctx)) {
        if (mount.json === undefined) return next()
        mount.json(ctx, viewPrefixOf(ctx) ?? mount.prefix)
        return undefined
      }
      const view = requireView(store, ctx)
      const query = orThrow(parseCatalogueQuery(ctx.query))
      const page = pageOf(ctx, view)
      const key = JSON.stringify([page.prefix, query.q, query.tag, query.transport, query.kind, query.status, query.page])
      sendHtml(ctx, 200, pages.get(view, `list\0${key}`, () => renderListPage(page, query, view.catalogue.query(query))))
      return undefined
    })
    .get(`${mount.prefix}/ui/servers/:key`, (ctx) => {
      const view = requireView(store, ctx)
      const page = pageOf(ctx, view)
      const { prefix } = page
      const entry = view.catalogue.get(pathParam(ctx.params, 'key'))
      if (entry === undefined) {
        if (!wantsHtml(ctx)) throw HttpProblem.notFound('Server not found')
        sendHtml(ctx, 404, layout(page, 'Server not found', html`<h1>Server not found</h1><p><a href="${prefix}/">All servers</a></p>`))
        return
      }
      sendHtml(ctx, 200, pages.get(view, `server\0${prefix}\0${entry.key}`, () => renderServerPage(page, entry)))
    })
}
