/**
 * The sync of a registry with several sources (`spec.sources`): each source on its own schedule, trigger and
 * backoff, its last good snapshot in its own storage slot; then one merge into the served snapshot with every view.
 */
import type { KubernetesObject } from '@kubernetes/client-node'
import { describeShadowing } from '@thv/converters'
import { keyOf, type ReconcileRequest, type ReconcileResult } from '@thv/k8s-reconcile'
import {
  EventReason, sourceSpecHash, type MCPRegistry, type MCPRegistrySourceEntry, type SourceStatus,
} from '@thv/registry-model'
import { storageConfigMapName } from '@thv/storage'
import {
  applyMultiSourceStatus, applyUnsupported, decideSourceSync, isImplemented, pendingSourceTrigger, sourceEvents, sourceStatusAfter,
  unsupportedEvents, unsupportedFields, unsupportedSourceStatus,
} from '../status/source-status.js'
import { writeRegistryStatus, type RegistryObject } from '../status/registry-status.js'
import type { PublishOutcome, SourceSyncOutcome, SyncEvent } from '../status/sync-outcome.js'
import { resolveSyncPolicy } from '../status/sync-policy.js'
import { pendingManualTrigger, type SyncTrigger } from '../status/sync-schedule.js'
import { SourceAttempts } from './source-attempts.js'
import type { SyncDeps } from './sync.controller.js'
import { skippedMessage, skippedObjectRef, SkippedWarnings } from '../status/skipped-workloads.js'
import { workloadNamespacesOf } from '../sync/workloads.js'

/** How long a round waits for its sources before it hands the slow ones over to a later round. */
export const DefaultSourceGraceMs = 1_000

/** `namespace/name` of the ConfigMap a source entry reads, or `undefined` for other kinds. */
export function configMapKeyOfEntry(entry: MCPRegistrySourceEntry, registryNamespace: string): string | undefined {
  if (entry.configMapRef !== undefined) return `${registryNamespace}/${entry.configMapRef.name}`
  if (entry.configmap !== undefined) return `${entry.configmap.namespace ?? registryNamespace}/${entry.configmap.name}`
  return undefined
}

/**
 * Reconciles registries with `spec.sources`. Per round: decide for each source whether it is due
 * ({@link decideSourceSync}); sync the due ones in parallel, each storing its own last good snapshot; merge every
 * source's last good snapshot into the served snapshot when anything may have changed (a source stored, the spec
 * changed, the served snapshot is missing); write the status once; emit the Events of the round.
 */
export class MultiSourceSync {
  /** Per registry uid: per source, the fingerprint of the source object its last attempt read. */
  readonly #lastSource = new Map<string, Map<string, string>>()
  /** Per registry uid: the last `ServersShadowed` message sent (once per change). */
  readonly #lastShadowing = new Map<string, string>()
  /** Per registry and source: the workloads warned about as skipped (one Warning per object and change). */
  readonly #skippedWarnings = new SkippedWarnings()
  readonly #attempts: SourceAttempts
  #wake: (req: ReconcileRequest) => void = () => undefined

  constructor(private readonly deps: SyncDeps) {
    this.#attempts = new SourceAttempts(deps.clock, deps.sourceGraceMs ?? DefaultSourceGraceMs)
  }

  /** Sets how a source attempt that outlived its round asks for the round that applies its outcome. */
  onAttemptFinished(wake: (req: ReconcileRequest) => void): void {
    this.#wake = wake
  }

  async reconcile(req: ReconcileRequest, obj: RegistryObject, registry: MCPRegistry, signal: AbortSignal): Promise<ReconcileResult> {
    const { deps } = this
    const entries = registry.spec.sources ?? []
    const status = registry.status
    const uid = registry.metadata.uid ?? keyOf(req)
    const now = this.#now()
    const previous = new Map((status?.sources ?? []).map((s) => [s.name, s] as const))
    const registryTrigger = pendingManualTrigger(registry.metadata.annotations, status)
    const seen = this.#lastSource.get(uid) ?? new Map<string, string>()
    const fingerprints = new Map(entries.map((e) => [e.name, this.#fingerprint(registry, e)] as const))

    const due: Array<{ entry: MCPRegistrySourceEntry; trigger: SyncTrigger; manual: string | undefined }> = []
    let waitMs: number | undefined
    // Attempts handed over by earlier rounds; an outcome fetched with a spec that changed since is dropped (the source
    // is due again for the new spec).
    const finished = this.#attempts.takeFinished(uid).filter((a) => {
      const current = entries.find((e) => e.name === a.entry.name)
      return current !== undefined && sourceSpecHash(current) === sourceSpecHash(a.entry)
    })
    for (const entry of entries) {
      if (!isImplemented(entry) || this.#attempts.isRunning(uid, entry.name) || finished.some((a) => a.entry.name === entry.name)) continue
      const policy = resolveSyncPolicy({ ...registry.spec, ...(entry.syncPolicy === undefined ? {} : { syncPolicy: entry.syncPolicy }) })
      const decision = decideSourceSync({
        entry, status: previous.get(entry.name), annotations: registry.metadata.annotations, registryTrigger,
        sourceChanged: seen.get(entry.name) !== fingerprints.get(entry.name), now,
      }, policy)
      if (decision.sync) due.push({ entry, trigger: decision.trigger, manual: pendingSourceTrigger(registry.metadata.annotations, entry.name, previous.get(entry.name)) })
      else if (decision.requeueAfterMs !== undefined) waitMs = Math.min(waitMs ?? decision.requeueAfterMs, decision.requeueAfterMs)
    }
    // A removed source's slot is deleted once no attempt of it is running (a late store would recreate it).
    const removed = [...previous.keys()].filter((name) => !entries.some((e) => e.name === name) && !this.#attempts.isRunning(uid, name))
    const specChanged = registry.metadata.generation !== undefined && status?.observedGeneration !== registry.metadata.generation
    const servedMissing = status?.lastSyncHash !== undefined
      && deps.configMaps.get(registry.metadata.namespace ?? '', storageConfigMapName(registry.metadata.name)) === undefined
    if (due.length === 0 && finished.length === 0 && removed.length === 0 && !specChanged && !servedMissing && registryTrigger === undefined) {
      return waitMs === undefined ? {} : { requeueAfterMs: waitMs }
    }

    const started = deps.clock.now()
    // Each source fetches and stores its own slot outside the registry's lock; the round waits for them at most the
    // grace period, so a slow source is applied by a later round instead of holding back the others.
    const settled = await this.#attempts.settle(uid, due.map((d) => ({
      ...d,
      fingerprint: fingerprints.get(d.entry.name) ?? '',
      run: () => deps.pipeline.syncSource(registry, d.entry, previous.get(d.entry.name)?.lastSyncHash, signal),
    })), () => this.#wake(req))
    const outcomes = [...finished, ...settled]
    if (outcomes.length === 0 && removed.length === 0 && !specChanged && !servedMissing && registryTrigger === undefined) {
      return this.#requeue(uid, [...previous.values()], waitMs)
    }
    const publish: PublishOutcome = await deps.locks.run(keyOf(req), async () => {
      for (const name of removed) await deps.pipeline.forgetSource(registry, name, signal)
      return deps.pipeline.publish(registry, deps.deployedServers(req), signal)
    })
    const durationMs = deps.clock.now() - started
    for (const o of outcomes) seen.set(o.entry.name, o.fingerprint)
    for (const name of removed) seen.delete(name)
    this.#lastSource.set(uid, seen)

    const written = this.#now()
    const byName = new Map(outcomes.map((o) => [o.entry.name, o] as const))
    const events: SyncEvent[] = []
    const nextStatuses: SourceStatus[] = entries.map((entry) => {
      const before = previous.get(entry.name)
      if (!isImplemented(entry)) return unsupportedSourceStatus(before, entry)
      const attempt = byName.get(entry.name)
      if (attempt === undefined) return before ?? { name: entry.name, specHash: sourceSpecHash(entry) }
      const policy = resolveSyncPolicy({ ...registry.spec, ...(entry.syncPolicy === undefined ? {} : { syncPolicy: entry.syncPolicy }) })
      const after = sourceStatusAfter(before, entry, attempt.outcome, { trigger: attempt.trigger, policy, now: written, random: deps.random, manualTrigger: attempt.manual })
      events.push(...sourceEvents(before, after, attempt.outcome, policy))
      return after
    })
    const unsupported = unsupportedFields(registry.spec)
    events.push(...unsupportedEvents(status, unsupported))
    await writeRegistryStatus(deps.client, req, written, (draft) => {
      applyMultiSourceStatus(draft, nextStatuses, { now: written, generation: registry.metadata.generation, registryTrigger, publish })
      applyUnsupported(draft, unsupported)
    }, signal)

    if (publish.ok && !publish.empty) {
      const message = describeShadowing(publish.shadowed)
      if (message !== '' && message !== this.#lastShadowing.get(uid)) events.push({ type: 'Normal', reason: EventReason.ServersShadowed, message })
      this.#lastShadowing.set(uid, message)
    }
    for (const e of events) await deps.events.event(obj as KubernetesObject, e.type, e.reason, e.message)
    for (const o of outcomes) {
      if (!o.outcome.ok || o.outcome.skipped === undefined) continue
      for (const w of this.#skippedWarnings.next(uid, o.entry.name, o.outcome.skipped)) {
        await deps.events.event(skippedObjectRef(w), 'Warning', EventReason.RegistryExportSkipped, skippedMessage(req, o.entry.name, w))
      }
    }
    this.#record(req, outcomes.map((o) => o.outcome), publish, durationMs)
    this.#recordSources(req, outcomes, nextStatuses, publish, removed)
    if (publish.ok && !publish.empty) deps.bus.publish('RegistrySynced', { namespace: req.namespace, name: req.name })

    return this.#requeue(uid, nextStatuses, undefined, written.getTime())
  }

  /**
   * When to look again: the earliest `nextSyncTime` of a source without a running attempt (a running attempt wakes
   * the registry itself when it finishes). A source not attempted this round may have come due while the round ran
   * (its nextSyncTime is now past): requeue at once. Never 0: the controller reads 0 as "no requeue", which would
   * stall every source until the next event.
   */
  #requeue(uid: string, statuses: readonly SourceStatus[], waitMs: number | undefined, nowMs = this.deps.clock.now()): ReconcileResult {
    const nexts = statuses.flatMap((s) => (s.nextSyncTime === undefined || this.#attempts.isRunning(uid, s.name) ? [] : [Date.parse(s.nextSyncTime) - nowMs]))
    if (waitMs !== undefined) nexts.push(waitMs)
    return nexts.length === 0 ? {} : { requeueAfterMs: Math.max(1, Math.min(...nexts)) }
  }

  /** Forgets what the controller remembers of a deleted registry. */
  forget(uid: string): void {
    this.#attempts.forget(uid)
    this.#lastSource.delete(uid)
    this.#lastShadowing.delete(uid)
    this.#skippedWarnings.forget(uid)
  }

  #record(req: ReconcileRequest, outcomes: readonly SourceSyncOutcome[], publish: PublishOutcome, durationMs: number): void {
    const { deps } = this
    const labels = { namespace: req.namespace, registry: req.name }
    const ok = outcomes.every((o) => o.ok) && publish.ok
    deps.metrics.syncTotal.inc({ ...labels, result: ok ? 'success' : 'failure' })
    deps.metrics.syncDurationSeconds.observe({ result: ok ? 'success' : 'failure' }, durationMs / 1000)
    for (const o of outcomes) if (!o.ok) deps.metrics.syncErrorsTotal.inc({ ...labels, reason: o.failure.reason })
    if (!publish.ok) deps.metrics.syncErrorsTotal.inc({ ...labels, reason: publish.failure.reason })
    const log = deps.log.child({ registry: req.name, namespace: req.namespace })
    if (publish.ok && !publish.empty) {
      deps.metrics.serversTotal.set(labels, publish.serverCount)
      if (publish.stored && publish.storedBytes > 0) deps.metrics.storageBytes.set(labels, publish.storedBytes)
    }
    const failed = outcomes.flatMap((o) => (o.ok ? [] : [o.failure.reason]))
    const fields = { sources: outcomes.length, failed, durationMs, hash: publish.ok && !publish.empty ? publish.hash : undefined, stored: publish.ok && !publish.empty ? publish.stored : false }
    if (ok) log.info('Synced MCPRegistry sources', fields)
    else log.warn('Some MCPRegistry sources failed', { ...fields, ...(publish.ok ? {} : { mergeReason: publish.failure.reason }) })
  }

  /**
   * The per-source metrics of a round: failures by reason, and for every implemented source its servers, shadowed
   * servers (from this round's merge, else as the status kept them) and whether its last attempt succeeded.
   */
  #recordSources(
    req: ReconcileRequest, attempts: ReadonlyArray<{ entry: MCPRegistrySourceEntry; outcome: SourceSyncOutcome }>,
    statuses: readonly SourceStatus[], publish: PublishOutcome, removed: readonly string[],
  ): void {
    const { metrics } = this.deps
    for (const a of attempts) {
      if (!a.outcome.ok) metrics.sourceSyncErrorsTotal.inc({ namespace: req.namespace, registry: req.name, source: a.entry.name, reason: a.outcome.failure.reason })
    }
    const shadowed = new Map(publish.ok && !publish.empty ? publish.counts.map((c) => [c.name, c.shadowed] as const) : [])
    for (const s of statuses) {
      if (s.phase === undefined || s.phase === 'Unsupported') continue
      metrics.setSource(req.namespace, req.name, s.name, { servers: s.serverCount ?? 0, shadowed: shadowed.get(s.name) ?? s.shadowedCount ?? 0, ready: s.phase === 'Ready' })
    }
    for (const name of removed) metrics.forgetSource(req.namespace, req.name, name)
  }

  /**
   * What a source's next sync depends on besides its spec (status.specHash covers that): the ConfigMap's
   * resourceVersion; for a remote source, which is driven by its schedule only, its resolved sync policy, so a new
   * interval or retry policy syncs it now and schedules from then instead of waiting out the old `nextSyncTime`.
   */
  #fingerprint(registry: MCPRegistry, entry: MCPRegistrySourceEntry): string {
    if (entry.kubernetes !== undefined) return `workloads ${this.deps.workloads?.fingerprint(workloadNamespacesOf(entry, registry.metadata.namespace ?? '')) ?? ''}`
    const key = configMapKeyOfEntry(entry, registry.metadata.namespace ?? '')
    if (key === undefined) return `remote@${JSON.stringify(resolveSyncPolicy({ ...registry.spec, ...(entry.syncPolicy === undefined ? {} : { syncPolicy: entry.syncPolicy }) }))}`
    const [ns = '', name = ''] = key.split('/')
    return `${key}@${this.deps.configMaps.get(ns, name)?.metadata?.resourceVersion ?? 'absent'}`
  }

  #now(): Date {
    return new Date(this.deps.clock.now())
  }
}
