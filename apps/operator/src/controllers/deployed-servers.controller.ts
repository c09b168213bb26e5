/** Deployed servers controller: MCPServers labelled for a registry → `status.deployedServerCount` and storage. */
import type { KubernetesObject } from '@kubernetes/client-node'
import {
  controllerFor,
  generationChanged,
  isBeingDeleted,
  keyOf,
  labelChanged,
  or,
  parseKey,
  resourceVersionChanged,
  type BuildError,
  type Clock,
  type Controller,
  type Informer,
  type KubeClient,
  type Logger,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
  type WatchEvent,
} from '@thv/k8s-reconcile'
import { decodeMCPRegistry } from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'
import { registryKeyOfServer, ServersByRegistryIndex, summarizeDeployedServers } from '../deployed/deployed-servers.js'
import { MCPRegistryKind, MCPServerKind } from '../kinds.js'
import type { RegistryMetrics } from '../metrics/registry-metrics.js'
import { readRegistry, writeRegistryStatus } from '../status/registry-status.js'
import type { KeyedMutex } from '../sync/keyed-mutex.js'
import type { SyncPipeline } from '../sync/sync-pipeline.js'

/** What the deployed servers reconciler needs. */
export interface DeployedServersDeps {
  readonly client: KubeClient
  /** The MCPServer informer, indexed by {@link ServersByRegistryIndex}; empty while the MCPServer CRD is absent. */
  readonly servers: Informer<KubernetesObject>
  readonly pipeline: SyncPipeline
  readonly metrics: RegistryMetrics
  readonly locks: KeyedMutex
  readonly log: Logger
  readonly clock: Clock
}

/**
 * Reconciles one registry's deployed servers: summarises the MCPServers labelled for it from the informer cache,
 * writes them into the stored snapshot (under the registry's lock, only when they changed) and sets
 * `status.deployedServerCount`. Without the MCPServer CRD the cache is empty and the count is 0; the informer keeps
 * retrying its list, so servers count as soon as the CRD is installed, without a restart.
 */
export class DeployedServersReconciler implements Reconciler {
  readonly #deps: DeployedServersDeps

  constructor(deps: DeployedServersDeps) {
    this.#deps = deps
  }

  async reconcile(req: ReconcileRequest, signal: AbortSignal): Promise<ReconcileResult> {
    const deps = this.#deps
    const obj = await readRegistry(deps.client, req, signal)
    if (obj === undefined || isBeingDeleted(obj)) return {}
    const decoded = decodeMCPRegistry(obj)
    if (E.isLeft(decoded)) return {}
    const { summaries, unreadable } = summarizeDeployedServers(req, deps.servers.byIndex(ServersByRegistryIndex, keyOf(req)))
    const log = deps.log.child({ registry: req.name, namespace: req.namespace })
    if (unreadable > 0) log.warn('Ignored MCPServers without spec.image', { unreadable })
    const stored = await deps.locks.run(keyOf(req), () => deps.pipeline.updateDeployedServers(decoded.right, summaries, signal))
    await writeRegistryStatus(deps.client, req, new Date(deps.clock.now()), (draft) => {
      draft.status = { ...draft.status, deployedServerCount: summaries.length }
    }, signal)
    deps.metrics.deployedServersTotal.set({ namespace: req.namespace, registry: req.name }, summaries.length)
    if (stored) log.info('Updated deployed servers', { count: summaries.length })
    return {}
  }
}

/** Passes MCPServer events that can change a summary: create, delete, spec/status changes and label changes. */
const serverChanged = (e: WatchEvent): boolean => or(resourceVersionChanged, labelChanged())(e)

/**
 * Wires the deployed servers controller: MCPRegistry creations and spec changes, plus MCPServers (an optional
 * watch: the manager does not wait for it, and it starts delivering once the CRD exists) mapped to the registry
 * their labels name — old and new labels both, so moving a server between registries updates both.
 */
export function deployedServersController(reconciler: DeployedServersReconciler, maxConcurrentReconciles: number): E.Either<BuildError, Controller> {
  const toRegistry = (obj: KubernetesObject): ReconcileRequest[] => registryKeyOfServer(obj).map(parseKey)
  return controllerFor(MCPRegistryKind, { predicates: [generationChanged] })
    .watches(MCPServerKind, toRegistry, { optional: true, predicates: [serverChanged] })
    .named('mcpregistry-deployed-servers')
    .withOptions({ maxConcurrentReconciles })
    .complete(reconciler)
}
