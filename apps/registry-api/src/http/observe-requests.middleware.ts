/** Request metrics by route template, and one debug log line per request. */
import type { Middleware } from 'koa'
import type { RequestObserver } from './request-observer.js'

interface RoutedState { _matchedRoute?: string | RegExp }

function statusOf(err: unknown): number {
  const status = typeof err === 'object' && err !== null ? (err as { status?: unknown }).status : undefined
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : 500
}

/**
 * Observes every request that goes through the Koa chain with `observer`: the route is the matched route
 * template (`@koa/router` leaves it in `ctx._matchedRoute`), the status the one answered or thrown.
 */
export function observeRequests(observer: RequestObserver): Middleware {
  return async (ctx, next) => {
    const started = performance.now()
    let status = 0
    try {
      await next()
      status = ctx.status
    } catch (err: unknown) {
      status = statusOf(err)
      throw err
    } finally {
      const matched = (ctx as unknown as RoutedState)._matchedRoute
      observer.observe(ctx.method, ctx.path, matched === undefined ? undefined : String(matched), status, (performance.now() - started) / 1000)
    }
  }
}
