/** The operator's registry metrics (names as listed in the operator README and used by config/prometheus), registered on the operator's prom-client registry. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

/** The registry-level metrics. Labels: `namespace`, `registry` (bounded by the number of registries), `result`/`reason`. */
export interface RegistryMetrics {
  readonly syncTotal: Counter<'namespace' | 'registry' | 'result'>
  readonly syncDurationSeconds: Histogram<'result'>
  readonly syncErrorsTotal: Counter<'namespace' | 'registry' | 'reason'>
  readonly serversTotal: Gauge<'namespace' | 'registry'>
  readonly deployedServersTotal: Gauge<'namespace' | 'registry'>
  /** Bytes of the last snapshot written to storage (JSON when plain, gzip otherwise). */
  readonly storageBytes: Gauge<'namespace' | 'registry'>
  /** The storage ceiling (`maxStoredBytes`): a snapshot above it is refused and the last good one kept. */
  readonly storageLimitBytes: Gauge
  /** Ready pods of each registry API Deployment. */
  readonly apiReadyReplicas: Gauge<'namespace' | 'registry'>
  /** 1 while the registry API Deployment is available (the APIReady condition), else 0. */
  readonly apiAvailable: Gauge<'namespace' | 'registry'>
  /** Servers in the last good snapshot of each source of a registry with `spec.sources`. */
  readonly sourceServers: Gauge<'namespace' | 'registry' | 'source'>
  /** Servers of each source that an earlier source of the merge serves instead (shadowed). */
  readonly sourceShadowedServers: Gauge<'namespace' | 'registry' | 'source'>
  /** 1 while the last sync attempt of each source succeeded, 0 while it fails (its last good servers are still served). */
  readonly sourceReady: Gauge<'namespace' | 'registry' | 'source'>
  /** Failed sync attempts of each source by condition reason. */
  readonly sourceSyncErrorsTotal: Counter<'namespace' | 'registry' | 'source' | 'reason'>
  /** Sets the three gauges of one source (use this rather than the gauges, so that {@link forget} finds them). */
  setSource(namespace: string, registry: string, source: string, values: { readonly servers: number; readonly shadowed: number; readonly ready: boolean }): void
  /** Drops the gauges of a deleted registry (its sources' too). */
  forget(namespace: string, registry: string): void
  /** Drops the gauges of one source (removed from `spec.sources`). */
  forgetSource(namespace: string, registry: string, source: string): void
}

/** Creates and registers the registry metrics on `registry`. */
export function createRegistryMetrics(registry: Registry): RegistryMetrics {
  const syncTotal = new Counter({ name: 'mcpregistry_sync_total', help: 'Sync attempts by result (success or failure)', labelNames: ['namespace', 'registry', 'result'] as const, registers: [registry] })
  const syncDurationSeconds = new Histogram({
    name: 'mcpregistry_sync_duration_seconds',
    help: 'Duration of sync attempts',
    labelNames: ['result'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  })
  const syncErrorsTotal = new Counter({ name: 'mcpregistry_sync_errors_total', help: 'Failed sync attempts by condition reason', labelNames: ['namespace', 'registry', 'reason'] as const, registers: [registry] })
  const serversTotal = new Gauge({ name: 'mcpregistry_servers_total', help: 'Servers in the stored snapshot of each registry', labelNames: ['namespace', 'registry'] as const, registers: [registry] })
  const deployedServersTotal = new Gauge({ name: 'mcpregistry_deployed_servers_total', help: 'MCPServers labelled for each registry', labelNames: ['namespace', 'registry'] as const, registers: [registry] })
  const storageBytes = new Gauge({ name: 'mcpregistry_storage_bytes', help: 'Bytes of the last snapshot written to storage', labelNames: ['namespace', 'registry'] as const, registers: [registry] })
  const storageLimitBytes = new Gauge({ name: 'mcpregistry_storage_limit_bytes', help: 'Largest snapshot storage accepts, in bytes', registers: [registry] })
  const apiReadyReplicas = new Gauge({ name: 'mcpregistry_api_ready_replicas', help: 'Ready pods of each registry API Deployment', labelNames: ['namespace', 'registry'] as const, registers: [registry] })
  const apiAvailable = new Gauge({ name: 'mcpregistry_api_available', help: '1 while the registry API Deployment is available, else 0', labelNames: ['namespace', 'registry'] as const, registers: [registry] })
  const sourceLabels = ['namespace', 'registry', 'source'] as const
  const sourceServers = new Gauge({ name: 'mcpregistry_source_servers', help: "Servers in the last good snapshot of each source", labelNames: sourceLabels, registers: [registry] })
  const sourceShadowedServers = new Gauge({ name: 'mcpregistry_source_shadowed_servers', help: 'Servers of each source shadowed by an earlier source of the merge', labelNames: sourceLabels, registers: [registry] })
  const sourceReady = new Gauge({ name: 'mcpregistry_source_ready', help: '1 while the last sync attempt of each source succeeded, else 0', labelNames: sourceLabels, registers: [registry] })
  const sourceSyncErrorsTotal = new Counter({ name: 'mcpregistry_source_sync_errors_total', help: 'Failed sync attempts of each source by condition reason', labelNames: [...sourceLabels, 'reason'] as const, registers: [registry] })
  // Sources with gauges, per `namespace/registry`, so that forget() can drop them (gauges are removed by exact labels).
  const sourcesOf = new Map<string, Set<string>>()
  const dropSource = (namespace: string, name: string, source: string): void => {
    for (const g of [sourceServers, sourceShadowedServers, sourceReady]) g.remove({ namespace, registry: name, source })
    sourcesOf.get(`${namespace}/${name}`)?.delete(source)
  }
  return {
    sourceServers,
    sourceShadowedServers,
    sourceReady,
    sourceSyncErrorsTotal,
    setSource(namespace, name, source, values) {
      const labels = { namespace, registry: name, source }
      sourceServers.set(labels, values.servers)
      sourceShadowedServers.set(labels, values.shadowed)
      sourceReady.set(labels, values.ready ? 1 : 0)
      const key = `${namespace}/${name}`
      sourcesOf.set(key, (sourcesOf.get(key) ?? new Set()).add(source))
    },
    syncTotal,
    syncDurationSeconds,
    syncErrorsTotal,
    serversTotal,
    deployedServersTotal,
    storageBytes,
    storageLimitBytes,
    apiReadyReplicas,
    apiAvailable,
    forget(namespace, name) {
      for (const g of [serversTotal, deployedServersTotal, storageBytes, apiReadyReplicas, apiAvailable]) g.remove({ namespace, registry: name })
      for (const source of [...(sourcesOf.get(`${namespace}/${name}`) ?? [])]) dropSource(namespace, name, source)
      sourcesOf.delete(`${namespace}/${name}`)
    },
    forgetSource: dropSource,
  }
}
