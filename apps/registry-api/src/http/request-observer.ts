/** RequestObserver: one observation per answered request, in the request metrics and (at debug) the log. */
import type { Logger } from 'winston'
import type { ApiMetrics } from './api-metrics.js'

/** Receives every observed request as well (OpenTelemetry spans and metrics). */
export interface RequestHook {
  recordRequest(method: string, route: string, status: number, seconds: number): void
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

type Observe = (seconds: number) => void

/**
 * Observes `thv_registry_http_request_duration_seconds{method,route,code}` and logs `Served request` at debug.
 * `route` is a route template (`/v0.1/servers/:serverName/versions`) or `unmatched`, and unknown methods count
 * as `other`, so label cardinality stays bounded whatever clients send.
 */
export class RequestObserver {
  // prom-client resolves the label values on every labels() call; the bounded label sets make caching safe.
  readonly #children = new Map<string, Observe>()

  /** The level is set once at start-up; asking winston on every request cost about a tenth of a memo answer. */
  readonly #debug: boolean

  constructor(private readonly metrics: ApiMetrics, private readonly log: Logger, private readonly hook?: RequestHook) {
    this.#debug = log.isDebugEnabled()
  }

  /** Records one request that took `seconds`; `route` is the matched template, undefined when none matched. */
  observe(method: string, path: string, route: string | undefined, status: number, seconds: number): void {
    const label = route ?? 'unmatched'
    const methodLabel = KNOWN_METHODS.has(method) ? method : 'other'
    this.#child(methodLabel, label, status)(seconds)
    this.hook?.recordRequest(methodLabel, label, status, seconds)
    if (this.#debug) {
      this.log.debug('Served request', { method, path, route: label, status, durationMs: seconds * 1000 })
    }
  }

  #child(method: string, route: string, status: number): Observe {
    const key = `${method} ${status} ${route}`
    let found = this.#children.get(key)
    if (found === undefined) {
      const child = this.metrics.requestDuration.labels(method, route, String(status))
      found = (seconds) => child.observe(seconds)
      this.#children.set(key, found)
    }
    return found
  }
}
