/** The thv-registry-api process: reads configuration, builds the dependencies, serves, shuts down on SIGTERM. */
import type { AddressInfo } from 'node:net'
import { basename, extname, resolve } from 'node:path'
import type { RegistrySnapshot } from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'
import { collectDefaultMetrics } from 'prom-client'
import type { Logger } from 'winston'
import { createApp } from './app.js'
import { loadApiAuth } from './auth/auth-settings.loader.js'
import { parseConfig, type ApiConfig, type SnapshotSourceConfig } from './config.js'
import { decodeStoredSnapshot, fileSnapshotBuilder, renderToolHive } from './formats.js'
import { createApiMetrics, type ApiMetrics } from './http/api-metrics.js'
import { closeGracefully } from './http/graceful-close.js'
import { createLogger } from '@thv/app-runtime'
import { loadOpenApiYaml } from './openapi.document.js'
import { FileSnapshotLoader } from './snapshot/file-snapshot.loader.js'
import { fileViewsBuilder } from './snapshot/file-views.builder.js'
import { compactHeap } from './snapshot/heap-compaction.js'
import { SnapshotStore } from './snapshot/snapshot-store.js'

/** Namespace reported for registries served from a file (the snapshot format requires one). */
const FILE_MODE_NAMESPACE = 'default'

interface SnapshotFeed { stop(): Promise<void> }

// The OpenTelemetry SDK and the storage watch (storage-reads.ts) are imported only by the modes that use them.

async function startFeed(
  source: SnapshotSourceConfig, config: ApiConfig, store: SnapshotStore<RegistrySnapshot>, metrics: ApiMetrics, log: Logger,
): Promise<SnapshotFeed> {
  if (source.kind === 'file') {
    const path = resolve(source.path)
    const name = source.name ?? basename(path, extname(path))
    const identity = { name, namespace: FILE_MODE_NAMESPACE, path }
    const loader = new FileSnapshotLoader({
      path, store, metrics, debounceMs: config.reloadDebounceMs, log: log.child({ source: path }),
      build: fileSnapshotBuilder(identity, () => new Date()),
      // Restricted views (--auth-config) are built from the snapshot's objects; otherwise a worker thread builds the
      // snapshot and the views are read from it as from storage (file-views.builder.ts).
      ...(config.authConfig === undefined ? { buildViews: fileViewsBuilder(identity, store.viewOptions, () => new Date()) } : {}),
    })
    loader.watch()
    await loader.load()
    return { stop: () => loader.close() }
  }
  const stop = new AbortController()
  const { watchStorageSnapshots } = await import('./snapshot/storage-snapshot.loader.js')
  const { configMapReadsFor } = await import('./snapshot/storage-reads.js')
  const watching = watchStorageSnapshots({
    reads: await configMapReadsFor(source.kubeconfig, log), ref: source.ref, store, metrics,
    // Restricted views (--auth-config) are built from the snapshot's objects; otherwise the views are built while the
    // stored snapshot streams, never holding its decoded servers.
    read: config.authConfig === undefined ? { mode: 'streamed' } : { mode: 'whole', decode: decodeStoredSnapshot },
    log: log.child({ registry: source.ref.name, namespace: source.ref.namespace }), signal: stop.signal,
  })
  return {
    stop: async () => {
      stop.abort()
      await watching
    },
  }
}

async function run(config: ApiConfig): Promise<void> {
  const log = createLogger(config.logLevel, process.stdout.isTTY === true)
  const metrics = createApiMetrics()
  collectDefaultMetrics({ register: metrics.registry })
  // Only auth builds restricted views from the snapshot's objects; without it the store keeps the views' bytes only.
  const store = new SnapshotStore<RegistrySnapshot>({ renderToolHive }, log.child({ component: 'snapshot-store' }), config.authConfig !== undefined)
  // The load's garbage goes back to the system right after a swap, not whenever V8 gets to it (heap-compaction.ts).
  store.onSettled(() => {
    const started = performance.now()
    const before = process.memoryUsage().heapUsed
    compactHeap()
    const after = process.memoryUsage().heapUsed
    log.info('Compacted the heap after a snapshot swap', { durationMs: Math.round(performance.now() - started), heapUsedMiB: Math.round(after / 1048576), freedMiB: Math.round((before - after) / 1048576) })
  })
  const telemetry = config.otlp === undefined ? undefined : (await import('./telemetry/otlp-telemetry.js')).startOtlpTelemetry(config.otlp)
  if (config.otlp !== undefined) log.info('Exporting OpenTelemetry', { endpoint: new URL(config.otlp.endpoint).origin, traces: config.otlp.traces, metrics: config.otlp.metrics, sampling: config.otlp.sampling })
  const auth = config.authConfig === undefined ? undefined : await loadApiAuth(config.authConfig, log.child({ component: 'auth' }))
  if (auth !== undefined) log.info('Loaded auth settings', { mode: auth.settings.mode, providers: (auth.settings.oauth?.providers ?? []).map((p) => p.name), publicPaths: auth.settings.publicPaths ?? [] })
  const app = createApp({
    store, metrics, log, openApiYaml: loadOpenApiYaml(),
    ...(telemetry === undefined ? {} : { requestHook: telemetry }), ...(auth === undefined ? {} : { auth }),
  })
  const server = app.listen(config.port, config.host)
  server.on('error', (err) => {
    log.error('HTTP server failed', { err })
    process.exit(1)
  })
  await new Promise<void>((res) => server.once('listening', res))
  const address = server.address() as AddressInfo
  log.info('Listening', { host: address.address, port: address.port, mode: config.source.kind })

  // Signal handlers go in before the first load, so a SIGTERM during startup is graceful too.
  const running: { feed?: SnapshotFeed } = {}
  let stopping = false
  const shutdown = (signal: string): void => {
    if (stopping) return
    stopping = true
    log.info('Shutting down', { signal })
    void (async () => {
      const outcome = await closeGracefully(server, config.shutdownTimeoutMs)
      await running.feed?.stop()
      await telemetry?.shutdown()
      log.info('Stopped', { outcome })
      process.exit(0)
    })().catch((err: unknown) => {
      log.error('Shutdown failed', { err })
      process.exit(1)
    })
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  running.feed = await startFeed(config.source, config, store, metrics, log)
  if (stopping) await running.feed.stop()
}

const outcome = parseConfig(process.argv.slice(2), process.env)
if (E.isLeft(outcome)) {
  process.stderr.write(`${outcome.left.message}\n`)
  process.exit(2)
} else if (outcome.right.kind === 'help') {
  process.stdout.write(`${outcome.right.text}\n`)
} else {
  run(outcome.right.config).catch((err: unknown) => {
    process.stderr.write(`thv-registry-api failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
    process.exit(1)
  })
}
