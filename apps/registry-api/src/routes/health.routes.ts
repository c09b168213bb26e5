/** Probes, the OpenAPI document and Prometheus metrics. */
import type { Router } from '@koa/router'
import type { ApiMetrics } from '../http/api-metrics.js'
import { CachedBody } from '../http/cached-body.js'
import { sendCached } from '../http/send-cached.js'
import type { ViewSource } from '../snapshot/snapshot-store.js'
import { requireView } from './route-helpers.js'

const HEALTHY = CachedBody.json('{"status":"healthy"}')

/** What the health routes need. */
export interface HealthRoutesDeps {
  readonly store: ViewSource
  readonly metrics: ApiMetrics
  /** The OpenAPI 3.1 document (YAML text) served at `/openapi.yaml`. */
  readonly openApiYaml: string
}

/**
 * `GET /health` (always 200 while the process serves), `GET /readiness` (503 until a snapshot is loaded, then
 * 200 with its hash), `GET /openapi.yaml`, `GET /metrics`.
 */
export function healthRoutes(router: Router, deps: HealthRoutesDeps): Router {
  const openApi = new CachedBody(Buffer.from(deps.openApiYaml, 'utf8'), 'application/yaml; charset=utf-8')
  return router
    .get('/health', (ctx) => sendCached(ctx, HEALTHY))
    .get('/readiness', (ctx) => {
      const view = requireView(deps.store, ctx)
      ctx.set('Cache-Control', 'no-store')
      ctx.type = 'application/json'
      ctx.body = JSON.stringify({ status: 'ready', hash: view.hash })
    })
    .get('/openapi.yaml', (ctx) => sendCached(ctx, openApi))
    .get('/metrics', async (ctx) => {
      const text = await deps.metrics.registry.metrics()
      ctx.set('Content-Type', deps.metrics.registry.contentType)
      ctx.body = text
    })
}
