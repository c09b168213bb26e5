/** Composes the operator: one manager, three controllers, the event bus, storage and metrics (wiring only). */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node'
import {
  ConfigMapKind,
  createEventBus,
  createEventRecorder,
  keepMetadataOnly,
  Manager,
  stripManagedFields,
  systemClock,
  type Clock,
  type Controller,
  type Logger,
} from '@thv/k8s-reconcile'
import { createSourceHandlers } from './sync/source-handlers.js'
import { ConfigMapStorageManager, DefaultStorageLimits, storageReaderPolicyRules, type StorageLimits } from '@thv/storage'
import * as E from 'fp-ts/lib/Either.js'
import type { Registry } from 'prom-client'
import { ApiDeployReconciler, apiDeployController } from './controllers/api-deploy.controller.js'
import { DeployedServersReconciler, deployedServersController } from './controllers/deployed-servers.controller.js'
import { RegistriesBySourceIndex, sourceKeyOfRegistry, syncController, SyncReconciler } from './controllers/sync.controller.js'
import { registryKeyOfServer, ServersByRegistryIndex, summarizeDeployedServers } from './deployed/deployed-servers.js'
import type { RemoteSourceConfig } from './config.js'
import { FieldManager, MCPRegistryKind, MCPServerKind, WorkloadKinds } from './kinds.js'
import { RegistriesByWorkloadNamespaceIndex, Workloads, workloadNamespacesOfRegistry } from './sync/workloads.js'
import { createRegistryMetrics, type RegistryMetrics } from './metrics/registry-metrics.js'
import { connectOperatorBus, type OperatorBus, type OperatorEvents } from './operator-events.js'
import type { RegistryObject } from './status/registry-status.js'
import { SourceSyncPipeline } from './sync/source.pipeline.js'
import { TracedSyncPipeline } from './telemetry/traced-sync-pipeline.js'
import { KeyedMutex } from './sync/keyed-mutex.js'

/**
 * Default wait after the first change of a burst of workload changes before a `kubernetes` source syncs: a burst of
 * 100 annotation edits costs a few syncs, and an edit is still served well within the 5 s freshness target.
 */
export const WorkloadCoalesceMs = 250

/** Settings of {@link createOperator} (the process flags that shape behaviour). */
export interface OperatorOptions {
  readonly kubeConfig: KubeConfig
  readonly log: Logger
  readonly metricsRegistry: Registry
  readonly registryApiImage: string
  readonly allowCrossNamespaceSources: boolean
  /**
   * Egress policy and size limit of url, git and api sources (`--max-source-bytes`, `--allow-insecure-sources`,
   * `--allow-loopback-sources`, `--deny-private-source-addresses`, `--allowed-source-hosts`). Default: 32 MiB,
   * HTTPS only, no loopback, any public or private host.
   */
  readonly remoteSources?: Partial<RemoteSourceConfig> | undefined
  /** `--kubernetes-source-name-prefix`: entries exported by `kubernetes` sources are named `<prefix>.<namespace>/<name>`. Default `com.toolhive.k8s`. */
  readonly kubernetesNamePrefix?: string | undefined
  /** How long the sync waits after the first workload change of a burst before syncing (default {@link WorkloadCoalesceMs}). */
  readonly workloadCoalesceMs?: number | undefined
  readonly maxConcurrentReconciles: number
  /** Only watch this namespace; all when undefined. */
  readonly watchNamespace?: string | undefined
  /** Lease to hold while running controllers; none when undefined. */
  readonly leaderElection?: { readonly namespace: string; readonly name: string } | undefined
  readonly gracefulShutdownTimeoutMs?: number
  /** Storage tier thresholds (tests use small ones); defaults from @thv/storage. */
  readonly storageLimits?: Partial<StorageLimits>
  readonly clock?: Clock
  readonly random?: () => number
}

/** A composed operator: start it with a signal; `manager` exposes health, readiness and leadership. */
export interface Operator {
  readonly manager: Manager
  readonly metrics: RegistryMetrics
  readonly controllers: readonly Controller[]
}

/**
 * Builds the operator. Throws only on wiring mistakes (a `BuildError` from a controller builder), which are bugs.
 * @example
 * const operator = createOperator({ kubeConfig, log, metricsRegistry, registryApiImage, allowCrossNamespaceSources: false, maxConcurrentReconciles: 2 })
 * const exit = await operator.manager.start(signal)
 */
export function createOperator(options: OperatorOptions): Operator {
  const clock = options.clock ?? systemClock
  const random = options.random ?? Math.random
  const log = options.log
  const manager = new Manager({
    kubeConfig: options.kubeConfig,
    log,
    metricsRegistry: options.metricsRegistry,
    clock,
    ...(options.watchNamespace === undefined ? {} : { namespace: options.watchNamespace }),
    ...(options.leaderElection === undefined
      ? {}
      : { leaderElection: { ...options.leaderElection, identity: `${hostname()}_${randomUUID().slice(0, 8)}` } }),
    ...(options.gracefulShutdownTimeoutMs === undefined ? {} : { gracefulShutdownTimeoutMs: options.gracefulShutdownTimeoutMs }),
    // Caches hold what reconcilers and event mapping read. ConfigMaps: only metadata (source and storage contents are
    // read through the API; storage ConfigMaps and shards hold up to 1 MiB each). Every kind: no managedFields.
    transforms: [[ConfigMapKind, keepMetadataOnly]],
    defaultTransform: stripManagedFields,
  })
  const registries = manager.informer<RegistryObject>(MCPRegistryKind)
  registries.addIndex(RegistriesBySourceIndex, sourceKeyOfRegistry)
  registries.addIndex(RegistriesByWorkloadNamespaceIndex, workloadNamespacesOfRegistry)
  const configMaps = manager.informer<KubernetesObject>(ConfigMapKind)
  // The MCPServer informer serves both the deployed-servers feature and `kubernetes` sources (one watch of the kind);
  // MCPRemoteProxies and VirtualMCPServers are optional too: their informers list until the CRDs exist.
  const servers = manager.informer<KubernetesObject>(MCPServerKind, {}, false)
  servers.addIndex(ServersByRegistryIndex, registryKeyOfServer)
  const workloads = new Workloads(WorkloadKinds.map((kind) => (kind === MCPServerKind ? servers : manager.informer<KubernetesObject>(kind, {}, false))))

  const metrics = createRegistryMetrics(options.metricsRegistry)
  const bus: OperatorBus = createEventBus<OperatorEvents>(log.child({ component: 'event-bus' }))
  const events = createEventRecorder({ client: manager.client, component: FieldManager, log, clock })
  const storageLimits = options.storageLimits ?? {}
  const core = options.kubeConfig.makeApiClient(CoreV1Api)
  const storage = new ConfigMapStorageManager(core, { limits: storageLimits })
  metrics.storageLimitBytes.set(storageLimits.maxStoredBytes ?? DefaultStorageLimits.maxStoredBytes)
  const sources = createSourceHandlers(core, options, workloads)
  // Traced through the global tracer provider: spans are exported when main registered one (--otlp-endpoint).
  const pipeline = new TracedSyncPipeline(new SourceSyncPipeline({
    sources,
    storage,
    clock,
    log: log.child({ component: 'sync-pipeline' }),
  }))
  const locks = new KeyedMutex()
  const workers = options.maxConcurrentReconciles

  const sync = must(syncController(
    new SyncReconciler({
      client: manager.client,
      configMaps,
      deployedServers: (ref) => summarizeDeployedServers(ref, servers.byIndex(ServersByRegistryIndex, `${ref.namespace}/${ref.name}`)).summaries,
      pipeline, bus, events, metrics, locks, clock, random, workloads,
      log: log.child({ controller: 'mcpregistry-sync' }),
    }),
    registries,
    workers,
    { kinds: WorkloadKinds, coalesceMs: options.workloadCoalesceMs ?? WorkloadCoalesceMs },
  ))
  const api = must(apiDeployController(
    new ApiDeployReconciler({
      client: manager.client,
      metrics,
      events,
      clock,
      image: options.registryApiImage,
      storageRules: (name) => storageReaderPolicyRules(name, storageLimits),
      log: log.child({ controller: 'mcpregistry-api' }),
    }),
    workers,
  ))
  const deployed = must(deployedServersController(
    new DeployedServersReconciler({
      client: manager.client, servers, pipeline, metrics, locks, clock,
      log: log.child({ controller: 'mcpregistry-deployed-servers' }),
    }),
    workers,
  ))
  connectOperatorBus(bus, { apiDeploy: api })
  for (const c of [sync, api, deployed]) manager.add(c)
  return { manager, metrics, controllers: [sync, api, deployed] }
}

function must(built: E.Either<Error, Controller>): Controller {
  if (E.isLeft(built)) throw built.left
  return built.right
}
