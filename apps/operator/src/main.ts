/** The thv-operator process: reads configuration, builds the operator, serves metrics and probes, stops on SIGTERM. */
import { readFileSync } from 'node:fs'
import type { KubeConfig } from '@kubernetes/client-node'
import { PooledKubeConfig } from '@thv/k8s-reconcile'
import * as E from 'fp-ts/lib/Either.js'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { parseConfig, type OperatorConfig } from './config.js'
import { listen, metricsServer, probeServer, type ListeningServer } from './http/probe-servers.js'
import { createLogger } from '@thv/app-runtime'
import { createOperator } from './operator.js'
import { startOtlpTracing } from './telemetry/otlp-tracing.js'

const InClusterNamespaceFile = '/var/run/secrets/kubernetes.io/serviceaccount/namespace'

function kubeConfigFor(path: string | undefined): KubeConfig {
  // Every client of the operator shares connections (client-node alone opens one per request).
  const kc = new PooledKubeConfig()
  if (path !== undefined) kc.loadFromFile(path)
  else kc.loadFromDefault()
  return kc
}

/** The Lease namespace: the flag (or POD_NAMESPACE), else the in-cluster namespace, else `default`. */
function leaseNamespace(config: OperatorConfig): string {
  if (config.leaderElectionNamespace !== undefined) return config.leaderElectionNamespace
  try {
    return readFileSync(InClusterNamespaceFile, 'utf8').trim()
  } catch {
    return 'default'
  }
}

async function run(config: OperatorConfig): Promise<number> {
  const log = createLogger(config.logLevel, process.stdout.isTTY === true)
  const stopTracing = config.otlpEndpoint === undefined ? undefined : startOtlpTracing(config.otlpEndpoint)
  const metricsRegistry = new Registry()
  collectDefaultMetrics({ register: metricsRegistry })
  const operator = createOperator({
    kubeConfig: kubeConfigFor(config.kubeconfig),
    log,
    metricsRegistry,
    registryApiImage: config.registryApiImage,
    allowCrossNamespaceSources: config.allowCrossNamespaceSources,
    remoteSources: config.remoteSources,
    kubernetesNamePrefix: config.kubernetesNamePrefix,
    maxConcurrentReconciles: config.maxConcurrentReconciles,
    watchNamespace: config.watchNamespace,
    leaderElection: config.leaderElect ? { namespace: leaseNamespace(config), name: config.leaderElectionId } : undefined,
    gracefulShutdownTimeoutMs: config.shutdownTimeoutMs,
  })
  const servers: ListeningServer[] = []
  if (config.metricsBindAddress !== undefined) {
    servers.push(await listen(metricsServer(metricsRegistry), config.metricsBindAddress.host, config.metricsBindAddress.port))
  }
  if (config.healthProbeBindAddress !== undefined) {
    servers.push(await listen(probeServer(operator.manager), config.healthProbeBindAddress.host, config.healthProbeBindAddress.port))
  }
  log.info('Started thv-operator', {
    metrics: servers[0]?.address.port, watchNamespace: config.watchNamespace ?? '(all)', leaderElect: config.leaderElect,
    registryApiImage: config.registryApiImage, allowCrossNamespaceSources: config.allowCrossNamespaceSources,
    remoteSources: config.remoteSources, kubernetesNamePrefix: config.kubernetesNamePrefix,
    tracing: config.otlpEndpoint === undefined ? false : new URL(config.otlpEndpoint).origin,
  })
  const shutdown = new AbortController()
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info('Shutting down', { signal })
      shutdown.abort()
    })
  }
  const exit = await operator.manager.start(shutdown.signal)
  await Promise.all(servers.map((s) => s.close()))
  await stopTracing?.()
  if (exit.reason === 'shutdown') {
    log.info('Stopped thv-operator', { drainedInTime: exit.drainedInTime })
    return 0
  }
  log.error('Stopped thv-operator', { reason: exit.reason, ...(exit.reason === 'cacheSyncTimeout' ? { unsyncedKinds: exit.unsyncedKinds } : {}) })
  return 1
}

const parsed = parseConfig(process.argv.slice(2), process.env)
if (E.isLeft(parsed)) {
  process.stderr.write(`${parsed.left.message}\n`)
  process.exitCode = 2
} else if (parsed.right.kind === 'help') {
  process.stdout.write(`${parsed.right.text}\n`)
} else {
  run(parsed.right.config).then(
    (code) => {
      process.exitCode = code
    },
    (err: unknown) => {
      process.stderr.write(`thv-operator failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
      process.exitCode = 1
    },
  )
}
