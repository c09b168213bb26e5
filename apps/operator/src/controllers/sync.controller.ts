/** Sync controller: decides when to sync a registry, runs the pipeline, records status, Events and metrics. */
import type { KubernetesObject } from '@kubernetes/client-node'
import {
  addFinalizer,
  annotationChanged,
  ConfigMapKind,
  controllerFor,
  findCondition,
  generationChanged,
  hasFinalizer,
  isBeingDeleted,
  keyOf,
  or,
  removeFinalizer,
  resourceVersionChanged,
  type BuildError,
  type Clock,
  type Controller,
  type EventRecorder,
  type Informer,
  type KindDescriptor,
  type KubeClient,
  type Logger,
  type Predicate,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
} from '@thv/k8s-reconcile'
import {
  ConditionReason,
  ConditionType,
  decodeMCPRegistry,
  isSingleSource,
  SourceSyncTriggerAnnotationPrefix,
  SyncTriggerAnnotation,
  type DeployedServerSummary,
  type MCPRegistry,
  type SingleSourceRegistry,
} from '@thv/registry-model'
import { storageConfigMapName } from '@thv/storage'
import * as E from 'fp-ts/lib/Either.js'
import { MCPRegistryKind, RegistryFinalizer } from '../kinds.js'
import type { RegistryMetrics } from '../metrics/registry-metrics.js'
import type { OperatorBus } from '../operator-events.js'
import { readRegistry, writeRegistryStatus, type RegistryObject } from '../status/registry-status.js'
import type { KeyedMutex } from '../sync/keyed-mutex.js'
import { applySyncOutcome, syncEvents, type SyncOutcome } from '../status/sync-outcome.js'
import type { SyncPipeline } from '../sync/sync-pipeline.js'
import { resolveSyncPolicy } from '../status/sync-policy.js'
import { applyUnsupported, unsupportedEvents, unsupportedFields } from '../status/source-status.js'
import { MultiSourceSync } from './multi-source.sync.js'
import { RegistriesByWorkloadNamespaceIndex, workloadExportChanged } from '../sync/workloads.js'
import { decideSync, pendingManualTrigger, type SyncTrigger } from '../status/sync-schedule.js'

/** Name of the MCPRegistry informer index: `<namespace>/<name>` of the source ConfigMap. */
export const RegistriesBySourceIndex = 'by-source-configmap'

/** Index function for {@link RegistriesBySourceIndex}. */
export function sourceKeyOfRegistry(obj: RegistryObject): string[] {
  type Ref = { name?: string; namespace?: string }
  const spec = obj.spec as { source?: { configmap?: Ref }; sources?: Array<{ configmap?: Ref; configMapRef?: Ref }> } | undefined
  const ns = obj.metadata?.namespace ?? ''
  const refs: Ref[] = [
    ...(spec?.source?.configmap === undefined ? [] : [spec.source.configmap]),
    ...(Array.isArray(spec?.sources) ? spec.sources.flatMap((s) => [s.configmap, s.configMapRef === undefined ? undefined : { name: s.configMapRef.name }]) : []),
  ].filter((r): r is Ref => r?.name !== undefined)
  return [...new Set(refs.map((r) => `${r.namespace ?? ns}/${r.name ?? ''}`))]
}

/** Passes creates, deletes and updates that changed any per-source `sync-trigger-<source>` annotation. */
export const sourceTriggerChanged: Predicate = (e) => {
  if (e.type !== 'update') return true
  const pick = (o: KubernetesObject) => Object.entries(o.metadata?.annotations ?? {}).filter(([k]) => k.startsWith(SourceSyncTriggerAnnotationPrefix)).sort().join('\n')
  return pick(e.old) !== pick(e.object)
}

/** What the sync reconciler needs. */
export interface SyncDeps {
  readonly client: KubeClient
  /** ConfigMaps as cached: metadata only (their contents are read through the API). */
  readonly configMaps: Informer<KubernetesObject>
  readonly deployedServers: (registry: { namespace: string; name: string }) => DeployedServerSummary[]
  readonly pipeline: SyncPipeline
  readonly bus: OperatorBus
  readonly events: EventRecorder
  readonly metrics: RegistryMetrics
  readonly locks: KeyedMutex
  readonly log: Logger
  readonly clock: Clock
  /** Jitter source in [0, 1). */
  readonly random: () => number
  /** How long a round of a registry with several sources waits for a slow source before handing it to a later round. */
  readonly sourceGraceMs?: number
  /** Changes of the workloads `kubernetes` sources export, per namespace; without it such sources never see a change. */
  readonly workloads?: { fingerprint(namespaces: readonly string[]): string } | undefined
}

/**
 * Reconciles one MCPRegistry's data: adds the finalizer; on deletion writes `Terminating`, deletes the
 * storage and removes the finalizer; otherwise asks {@link decideSync} whether a trigger is pending (spec
 * generation, manual annotation, source ConfigMap change, first run, due interval or retry, storage gone) and, if so,
 * runs the pipeline under the registry's lock, writes the status once, emits one Event per transition and publishes
 * `RegistrySynced` after a successful sync. Returns the time until `nextSyncTime` as `requeueAfterMs`.
 */
export class SyncReconciler implements Reconciler {
  readonly #deps: SyncDeps
  /** Fingerprint of the source each registry's last attempt read (by uid). Lost on restart: one extra sync then. */
  readonly #lastSource = new Map<string, string>()
  readonly #multi: MultiSourceSync

  constructor(deps: SyncDeps) {
    this.#deps = deps
    this.#multi = new MultiSourceSync(deps)
  }

  /** Sets how a source attempt that outlived its round asks for another round (the controller's `enqueue`). */
  onSourceAttemptFinished(wake: (req: ReconcileRequest) => void): void {
    this.#multi.onAttemptFinished(wake)
  }

  async reconcile(req: ReconcileRequest, signal: AbortSignal): Promise<ReconcileResult> {
    const { client } = this.#deps
    let obj = await readRegistry(client, req, signal)
    if (obj === undefined) {
      this.#deps.metrics.forget(req.namespace, req.name)
      return {}
    }
    if (isBeingDeleted(obj)) return this.#finalize(req, obj, signal)
    if (!hasFinalizer(obj, RegistryFinalizer)) obj = await addFinalizer(client, MCPRegistryKind, obj, RegistryFinalizer, signal)

    const decoded = decodeMCPRegistry(obj)
    if (E.isLeft(decoded)) {
      await writeRegistryStatus(client, req, this.#now(), (draft, current) => {
        draft.status = { ...draft.status, ...(current.metadata?.generation === undefined ? {} : { observedGeneration: current.metadata.generation }) }
        draft.set({ type: ConditionType.SourceAvailable, status: 'False', reason: ConditionReason.InvalidSourceConfig, message: decoded.left.message })
      }, signal)
      return {}
    }
    if (!isSingleSource(decoded.right)) return this.#multi.reconcile(req, obj, decoded.right, signal)
    const registry = decoded.right
    const policy = resolveSyncPolicy(registry.spec)
    const uid = registry.metadata.uid ?? keyOf(req)
    const fingerprint = this.#sourceFingerprint(registry)
    let decision = decideSync(
      { generation: registry.metadata.generation, annotations: registry.metadata.annotations, status: registry.status, sourceChanged: this.#lastSource.get(uid) !== fingerprint, now: this.#now() },
      policy,
    )
    if (!decision.sync && this.#storageMissing(registry)) decision = { sync: true, trigger: 'source-changed' }
    if (!decision.sync) return decision.requeueAfterMs === undefined ? {} : { requeueAfterMs: decision.requeueAfterMs }
    return this.#sync(req, obj, registry, decision.trigger, fingerprint, signal)
  }

  async #sync(req: ReconcileRequest, obj: RegistryObject, registry: SingleSourceRegistry, trigger: SyncTrigger, fingerprint: string, signal: AbortSignal): Promise<ReconcileResult> {
    const { deps } = { deps: this.#deps }
    const log = deps.log.child({ registry: req.name, namespace: req.namespace })
    const policy = resolveSyncPolicy(registry.spec)
    const manualTrigger = pendingManualTrigger(registry.metadata.annotations, registry.status)
    const started = deps.clock.now()
    const outcome: SyncOutcome = await deps.locks.run(keyOf(req), () => deps.pipeline.run(registry, deps.deployedServers(req), signal))
    const durationMs = deps.clock.now() - started
    this.#lastSource.set(registry.metadata.uid ?? keyOf(req), fingerprint)

    const now = this.#now()
    let attempts = 0
    let next: Date | undefined
    let before: { status: string | undefined; reason: string | undefined; message: string | undefined } = { status: undefined, reason: undefined, message: undefined }
    const unsupported = unsupportedFields(registry.spec)
    await writeRegistryStatus(deps.client, req, now, (draft, current) => {
      applyUnsupported(draft, unsupported)
      const c = findCondition(current.status?.conditions, ConditionType.SyncSuccessful)
      before = { status: c?.status, reason: c?.reason, message: c?.message }
      // observedGeneration is the generation that was synced: a spec change during the sync stays pending.
      ;({ attempts, next } = applySyncOutcome(draft, outcome, { trigger, policy, now, random: deps.random, manualTrigger, generation: registry.metadata.generation }))
    }, signal)

    for (const e of [...syncEvents(before, outcome, attempts, policy), ...unsupportedEvents(registry.status, unsupported)]) await deps.events.event(obj as KubernetesObject, e.type, e.reason, e.message)
    const labels = { namespace: req.namespace, registry: req.name }
    deps.metrics.syncTotal.inc({ ...labels, result: outcome.ok ? 'success' : 'failure' })
    deps.metrics.syncDurationSeconds.observe({ result: outcome.ok ? 'success' : 'failure' }, durationMs / 1000)
    if (outcome.ok) {
      deps.metrics.serversTotal.set(labels, outcome.serverCount)
      if (outcome.stored && (outcome.storedBytes ?? 0) > 0) deps.metrics.storageBytes.set(labels, outcome.storedBytes ?? 0)
      log.info(outcome.stored ? 'Synced MCPRegistry' : 'Synced MCPRegistry without changes', { trigger, servers: outcome.serverCount, hash: outcome.hash, durationMs })
      deps.bus.publish('RegistrySynced', { namespace: req.namespace, name: req.name })
    } else {
      deps.metrics.syncErrorsTotal.inc({ ...labels, reason: outcome.failure.reason })
      log.warn('Failed to sync MCPRegistry', { trigger, step: outcome.failure.step, reason: outcome.failure.reason, message: outcome.failure.message, attempts, durationMs })
    }
    return next === undefined ? {} : { requeueAfterMs: Math.max(0, next.getTime() - now.getTime()) }
  }

  async #finalize(req: ReconcileRequest, obj: RegistryObject, signal: AbortSignal): Promise<ReconcileResult> {
    if (!hasFinalizer(obj, RegistryFinalizer)) return {}
    const { deps } = { deps: this.#deps }
    await writeRegistryStatus(deps.client, req, this.#now(), () => undefined, signal)
    await deps.locks.run(keyOf(req), () => deps.pipeline.delete(obj as unknown as MCPRegistry, signal))
    const fresh = await readRegistry(deps.client, req, signal)
    if (fresh !== undefined) await removeFinalizer(deps.client, MCPRegistryKind, fresh, RegistryFinalizer, signal)
    this.#lastSource.delete(obj.metadata?.uid ?? keyOf(req))
    this.#multi.forget(obj.metadata?.uid ?? keyOf(req))
    deps.metrics.forget(req.namespace, req.name)
    deps.log.info('Deleted MCPRegistry storage', { registry: req.name, namespace: req.namespace })
    return {}
  }

  #sourceFingerprint(registry: SingleSourceRegistry): string {
    const cm = registry.spec.source.configmap
    if (cm === undefined) return 'none'
    const ns = cm.namespace ?? registry.metadata.namespace ?? ''
    const current = this.#deps.configMaps.get(ns, cm.name)
    return `${ns}/${cm.name}/${cm.key ?? ''}@${current?.metadata?.resourceVersion ?? 'absent'}`
  }

  #storageMissing(registry: SingleSourceRegistry): boolean {
    if (registry.status?.lastSyncHash === undefined) return false
    return this.#deps.configMaps.get(registry.metadata.namespace ?? '', storageConfigMapName(registry.metadata.name)) === undefined
  }

  #now(): Date {
    return new Date(this.#deps.clock.now())
  }
}

/** Passes updates that set `metadata.deletionTimestamp` (deletion of an object with finalizers). */
export const deletionStarted: Predicate = (e) =>
  e.type === 'update' && (e.old.metadata?.deletionTimestamp === undefined || e.old.metadata.deletionTimestamp === null) && isBeingDeleted(e.object)

/**
 * Wires the sync controller: MCPRegistry spec, sync-trigger annotation and deletion; the source ConfigMaps mapped
 * through {@link RegistriesBySourceIndex}; the owned storage ConfigMaps. Status-only writes pass no predicate, so
 * the controller never wakes itself with its own status.
 */
export function syncController(
  reconciler: SyncReconciler,
  registries: Informer<RegistryObject>,
  maxConcurrentReconciles: number,
  workloads: { readonly kinds: readonly KindDescriptor[]; readonly coalesceMs: number } = { kinds: [], coalesceMs: 0 },
): E.Either<BuildError, Controller> {
  const refs = (rs: RegistryObject[]): ReconcileRequest[] => rs.map((r) => ({ namespace: r.metadata?.namespace ?? '', name: r.metadata?.name ?? '' }))
  const bySource = (cm: KubernetesObject): ReconcileRequest[] =>
    refs(registries.byIndex(RegistriesBySourceIndex, `${cm.metadata?.namespace ?? ''}/${cm.metadata?.name ?? ''}`))
  const byWorkloadNamespace = (o: KubernetesObject): ReconcileRequest[] => refs(registries.byIndex(RegistriesByWorkloadNamespaceIndex, o.metadata?.namespace ?? ''))
  let builder = controllerFor(MCPRegistryKind, { predicates: [or(generationChanged, annotationChanged(SyncTriggerAnnotation), sourceTriggerChanged, deletionStarted)] })
    .watches(ConfigMapKind, bySource, { predicates: [resourceVersionChanged] })
  // Exported workloads (their CRDs may be missing or installed later: optional watches keep listing until they exist).
  for (const kind of workloads.kinds) {
    builder = builder.watches(kind, byWorkloadNamespace, { optional: true, predicates: [workloadExportChanged], coalesceMs: workloads.coalesceMs })
  }
  const built = builder
    .owns(ConfigMapKind, { predicates: [resourceVersionChanged] })
    .named('mcpregistry-sync')
    .withOptions({ maxConcurrentReconciles })
    .complete(reconciler)
  if (E.isRight(built)) reconciler.onSourceAttemptFinished((req) => built.right.enqueue(req))
  return built
}
