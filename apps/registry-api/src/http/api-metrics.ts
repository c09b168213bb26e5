/** The API's Prometheus metrics, in their own registry (no global state). */
import { Counter, Gauge, Histogram, Registry } from 'prom-client'

/** Metrics of one API process. */
export interface ApiMetrics {
  readonly registry: Registry
  /** `thv_registry_http_request_duration_seconds{method,route,code}`; `route` is the route template. */
  readonly requestDuration: Histogram<'method' | 'route' | 'code'>
  /** `thv_registry_snapshot_swaps_total`: snapshots made current. */
  readonly snapshotSwaps: Counter
  /** `thv_registry_snapshot_load_errors_total{reason}`: snapshots that failed to load (the old one stayed). */
  readonly snapshotLoadErrors: Counter<'reason'>
  /** `thv_registry_snapshot_server_versions`: server versions in the current snapshot. */
  readonly snapshotServerVersions: Gauge
}

/** Creates the metrics in a fresh registry. Default process metrics are added by `main.ts`, not here. */
export function createApiMetrics(): ApiMetrics {
  const registry = new Registry()
  return {
    registry,
    requestDuration: new Histogram({
      name: 'thv_registry_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status code',
      labelNames: ['method', 'route', 'code'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    snapshotSwaps: new Counter({
      name: 'thv_registry_snapshot_swaps_total', help: 'Registry snapshots made current', registers: [registry],
    }),
    snapshotLoadErrors: new Counter({
      name: 'thv_registry_snapshot_load_errors_total',
      help: 'Registry snapshots that failed to load; the previous snapshot kept being served',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    snapshotServerVersions: new Gauge({
      name: 'thv_registry_snapshot_server_versions', help: 'Server versions in the current snapshot', registers: [registry],
    }),
  }
}
