/**
 * Serves the named views of a registry with several sources under `/registry/{view}`: `/registry/{view}/v0/…`,
 * `/v0.1/…`, `/api/v1/registry/…`, `/openapi.yaml` and the catalogue pages (`/` and `/ui/servers/{key}`) are routed
 * as their unprefixed paths, answered from that view.
 */
import type { Context, Middleware } from 'koa'
import type { ViewSource } from '../snapshot/snapshot-store.js'
import { HttpProblem } from './http-problem.js'

/** The paths a view serves below its prefix. */
const ViewPaths = /^\/(v0|v0\.1|api\/v1\/registry)(\/.*)?$|^\/openapi\.yaml$|^\/$|^\/ui\/servers\/[^/]+$/

/** `/registry/{view}` when the request came through a view's prefix, else `undefined` (links of catalogue pages). */
export function viewPrefixOf(ctx: Pick<Context, 'state'>): string | undefined {
  return (ctx.state as { viewPrefix?: string } | undefined)?.viewPrefix
}

/**
 * For `/registry/{view}/{path}`: 503 while nothing is loaded, 404 problem for an unknown view or a path a view does
 * not serve; otherwise sets `ctx.state.view` (and `ctx.state.viewPrefix`, see {@link viewPrefixOf}, and
 * `ctx.state.viewName`) and routes `{path}` (the request URL is unchanged, so the response memo and the logs keep the
 * full path).
 */
export function viewPrefix(store: ViewSource): Middleware {
  return async (ctx, next) => {
    const match = /^\/registry\/([^/]+)(\/.*)?$/.exec(ctx.path)
    if (match === null) return next()
    const name = match[1] ?? ''
    const rest = match[2]
    if (rest === undefined) {
      // `/registry/{view}`: the view's base URL as typed into a browser; its catalogue is at `/registry/{view}/`.
      if (store.current === undefined) throw HttpProblem.notReady()
      if (store.named(name) !== undefined) {
        ctx.status = 308
        ctx.redirect(`/registry/${name}/${ctx.querystring === '' ? '' : `?${ctx.querystring}`}`)
        return undefined
      }
      throw HttpProblem.notFound(`No registry view named ${JSON.stringify(name)}`)
    }
    if (!ViewPaths.test(rest)) throw HttpProblem.notFound(`A view serves only /, /ui/servers, /v0, /v0.1, /api/v1/registry and /openapi.yaml below /registry/${name}`)
    if (store.current === undefined) throw HttpProblem.notReady()
    const view = store.named(name)
    if (view === undefined) throw HttpProblem.notFound(`No registry view named ${JSON.stringify(name)}`)
    ;(ctx.state as { view?: unknown }).view = view
    ;(ctx.state as { viewPrefix?: string }).viewPrefix = `/registry/${name}`
    ;(ctx.state as { viewName?: string }).viewName = name
    ;(ctx as { newRouterPath?: string }).newRouterPath = rest
    return next()
  }
}
