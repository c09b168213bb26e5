/** Request metrics by route template, and one debug log line per request. */
import type { Middleware } from 'koa'
import type { Logger } from 'winston'
import type { ApiMetrics } from './api-metrics.js'

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

interface RoutedState { _matchedRoute?: string | RegExp }

function statusOf(err: unknown): number {
  const status = typeof err === 'object' && err !== null ? (err as { status?: unknown }).status : undefined
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : 500
}

/**
 * Observes `thv_registry_http_request_duration_seconds{method,route,code}`. `route` is the matched route
 * template (`/v0.1/servers/:serverName/versions`) or `unmatched`, and unknown methods count as `other`, so
 * label cardinality stays bounded whatever clients send. Logs each request at debug with `durationMs`.
 */
export function observeRequests(metrics: ApiMetrics, log: Logger): Middleware {
  // prom-client hashes the label values on every labels() call; the bounded label sets make caching safe.
  const children = new Map<string, { observe(value: number): void }>()
  const child = (method: string, route: string, code: string): { observe(value: number): void } => {
    const key = `${method} ${route} ${code}`
    let found = children.get(key)
    if (found === undefined) {
      found = metrics.requestDuration.labels(method, route, code)
      children.set(key, found)
    }
    return found
  }
  return async (ctx, next) => {
    const started = process.hrtime.bigint()
    let status = 0
    try {
      await next()
      status = ctx.status
    } catch (err: unknown) {
      status = statusOf(err)
      throw err
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const matched = (ctx as unknown as RoutedState)._matchedRoute
      const route = matched === undefined ? 'unmatched' : String(matched)
      const method = KNOWN_METHODS.has(ctx.method) ? ctx.method : 'other'
      child(method, route, String(status)).observe(seconds)
      if (log.isDebugEnabled()) {
        log.debug('Served request', { method: ctx.method, path: ctx.path, route, status, durationMs: seconds * 1000 })
      }
    }
  }
}
