/** The ToolHive-style registry API under `/api/v1/registry`, registered on the app's router. */
import type { Router } from '@koa/router'
import { sendDocument } from '../http/document-body.js'
import { HttpProblem } from '../http/http-problem.js'
import { sendCached } from '../http/send-cached.js'
import { sendStreamed } from '../http/send-streamed.js'
import type { ViewSource } from '../snapshot/snapshot-store.js'
import { orThrow, parseFormat, pathParam, requireView } from './route-helpers.js'

/**
 * `GET /api/v1/registry/info`, `/servers[?format=toolhive|upstream]`, `/servers/deployed`,
 * `/servers/deployed/{name}` and `/servers/{name}[?format=]`. The `deployed` routes are registered before
 * `/servers/{name}`, so `deployed` is never taken for a server name.
 */
export function registryRoutes(router: Router, store: ViewSource): Router {
  const prefix = '/api/v1/registry'
  return router
    .get(`${prefix}/info`, (ctx) => sendCached(ctx, requireView(store, ctx).info))
    .get(`${prefix}/servers`, (ctx) => {
      const format = orThrow(parseFormat(ctx.query))
      const view = requireView(store, ctx)
      if (format === 'toolhive') sendDocument(ctx, view.toolHiveDocument)
      else sendStreamed(ctx, view.upstreamDocument())
    })
    .get(`${prefix}/servers/deployed`, (ctx) => sendCached(ctx, requireView(store, ctx).deployed))
    .get(`${prefix}/servers/deployed/:name`, (ctx) => {
      const name = pathParam(ctx.params, 'name')
      const body = requireView(store, ctx).deployedFor(name)
      if (body === undefined) throw HttpProblem.notFound(`No deployed server named ${JSON.stringify(name)}`)
      sendCached(ctx, body)
    })
    .get(`${prefix}/servers/:name`, (ctx) => {
      const format = orThrow(parseFormat(ctx.query))
      const name = pathParam(ctx.params, 'name')
      const view = requireView(store, ctx)
      const body = format === 'toolhive' ? view.toolHiveEntry(name) : view.latestUpstreamEntry(name)
      if (body === undefined) throw HttpProblem.notFound(`Server not found: ${JSON.stringify(name)}`)
      sendCached(ctx, body)
    })
}
