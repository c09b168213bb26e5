/**
 * The status rules of a registry with several sources (`spec.sources`): when each source syncs, what its
 * `status.sources[]` entry says after an attempt, the registry-wide conditions naming every failing source, the
 * `Unsupported` condition, and the Events of a round. Pure: the controller reads and writes, this module decides.
 */
import {
  ConditionReason,
  ConditionType,
  EventReason,
  kindsOf,
  SourceSyncTriggerAnnotationPrefix,
  sourceSpecHash,
  type MCPRegistrySourceEntry,
  type MCPRegistrySpec,
  type MCPRegistryStatus,
  type SourceStatus,
} from '@thv/registry-model'
import type { StatusDraft } from './registry-status.js'
import type { PublishOutcome, SourceSyncOutcome, SyncEvent } from './sync-outcome.js'
import type { ResolvedSyncPolicy } from './sync-policy.js'
import { attemptsAfter, dueByNextSyncTime, nextSyncTime, type SyncDecision, type SyncTrigger } from './sync-schedule.js'
import { counted } from './counted.js'

/** Source kinds accepted by the CRD that no handler implements yet: such a source is `Unsupported` and contributes nothing. */
export const UnimplementedSourceKinds: ReadonlySet<string> = new Set(['managed'])

/** Condition reasons of a failure in the data (DataValid False); storage reasons fail SyncSuccessful only; the rest are source failures. */
const DataReasons: ReadonlySet<string> = new Set(['InvalidJson', 'FormatMismatch', 'InvalidData', 'InvalidFilter', 'DuplicateServer', 'UnknownFormat', 'LegacyNotConvertible'])
const StorageReasons: ReadonlySet<string> = new Set([ConditionReason.StorageFailed, ConditionReason.StorageTooLarge])

/** The kind block of a source entry (`configMapRef`, `configmap`, `url`, …). */
export function kindOfEntry(entry: MCPRegistrySourceEntry): string {
  return kindsOf(entry)[0] ?? 'unknown'
}

/** Whether a handler implements the entry's kind. */
export function isImplemented(entry: MCPRegistrySourceEntry): boolean {
  return !UnimplementedSourceKinds.has(kindOfEntry(entry))
}

/** The value of `toolhive.stacklok.dev/sync-trigger-<source>` to honour: set and different from the last one honoured. */
export function pendingSourceTrigger(annotations: Readonly<Record<string, string>> | undefined, source: string, status: SourceStatus | undefined): string | undefined {
  const value = annotations?.[`${SourceSyncTriggerAnnotationPrefix}${source}`]
  return value !== undefined && value !== '' && value !== status?.lastManualSyncTrigger ? value : undefined
}

/** What {@link decideSourceSync} reads about one source. */
export interface SourceDecisionInput {
  readonly entry: MCPRegistrySourceEntry
  readonly status: SourceStatus | undefined
  readonly annotations: Readonly<Record<string, string>> | undefined
  /** A new registry-wide `sync-trigger` value (syncs every source). */
  readonly registryTrigger: string | undefined
  /** True when the source object differs from what the last attempt read (or the operator has not seen it yet). */
  readonly sourceChanged: boolean
  readonly now: Date
}

/**
 * Decides whether one source syncs now. First match wins: its spec (kind block, format, filter) changed since its
 * last attempt, or it has none; a new registry-wide trigger; a new per-source trigger; the source object changed;
 * its own `nextSyncTime` reached (a retry while failing, else an interval sync). Otherwise wait until its
 * `nextSyncTime`. Each source has its own schedule, so a failing source's backoff never delays another.
 */
export function decideSourceSync(input: SourceDecisionInput, policy: ResolvedSyncPolicy): SyncDecision {
  const { status, now } = input
  if (status?.lastAttemptTime === undefined) return { sync: true, trigger: 'initial' }
  if (status.specHash !== sourceSpecHash(input.entry)) return { sync: true, trigger: 'spec-changed' }
  if (input.registryTrigger !== undefined) return { sync: true, trigger: 'manual-trigger' }
  if (pendingSourceTrigger(input.annotations, input.entry.name, status) !== undefined) return { sync: true, trigger: 'manual-trigger' }
  if (input.sourceChanged) return { sync: true, trigger: 'source-changed' }
  return dueByNextSyncTime(status, now, policy)
}

/** Everything besides the outcome that decides a source's next status entry. */
export interface SourceAttemptContext {
  readonly trigger: SyncTrigger
  readonly policy: ResolvedSyncPolicy
  readonly now: Date
  readonly random: () => number
  /** The per-source trigger value this attempt honoured, if any. */
  readonly manualTrigger: string | undefined
}

/**
 * A source's `status.sources[]` entry after an attempt: schedule fields always; on success phase `Ready` and its
 * last good fields (hash, time, count, revision); on failure phase `Failed` with the reason and a message saying
 * whether its last good data is still served and when it retries (the last good fields stay).
 */
export function sourceStatusAfter(previous: SourceStatus | undefined, entry: MCPRegistrySourceEntry, outcome: SourceSyncOutcome, ctx: SourceAttemptContext): SourceStatus {
  const attempts = attemptsAfter(previous?.syncAttempts ?? 0, ctx.trigger, outcome.ok)
  const next = nextSyncTime(ctx.policy, attempts, ctx.now, ctx.random)
  const { nextSyncTime: _next, reason: _reason, ...kept } = previous ?? { name: entry.name }
  const base: SourceStatus = {
    ...kept,
    name: entry.name,
    kind: kindOfEntry(entry),
    specHash: sourceSpecHash(entry),
    lastAttemptTime: rfc3339(ctx.now),
    syncAttempts: attempts,
    ...(next === undefined ? {} : { nextSyncTime: rfc3339(next) }),
    ...(ctx.manualTrigger === undefined ? {} : { lastManualSyncTrigger: ctx.manualTrigger }),
  }
  if (outcome.ok) {
    return {
      ...base,
      phase: 'Ready',
      message: `Synced ${counted(outcome.serverCount, 'server')} from ${outcome.source}${outcome.stored ? '' : ' (data unchanged)'}${skippedNote(outcome.skipped?.length ?? 0)}`,
      lastSyncTime: rfc3339(ctx.now),
      lastSyncHash: outcome.hash,
      serverCount: outcome.serverCount,
      ...(outcome.revision === undefined ? {} : { revision: outcome.revision }),
      ...(outcome.skipped === undefined ? {} : { skippedCount: outcome.skipped.length }),
    }
  }
  const served = previous?.lastSyncHash === undefined ? 'it contributes nothing until it syncs' : `its last good ${previous.serverCount ?? 0} servers are still served`
  const retry = attempts < ctx.policy.maxAttempts && next !== undefined
    ? `retry ${attempts + 1} of ${ctx.policy.maxAttempts} at ${rfc3339(next)}`
    : `retries stopped after ${attempts} failed attempts${next === undefined ? '' : ` until the interval sync at ${rfc3339(next)}`}`
  return { ...base, phase: 'Failed', reason: outcome.failure.reason, message: `${outcome.failure.message}; ${served}; ${retry}` }
}

/** The part of a success message about workloads a `kubernetes` source left out (none: nothing). */
function skippedNote(skipped: number): string {
  if (skipped === 0) return ''
  return `; ${counted(skipped, 'workload')} skipped for malformed export annotations (see their RegistryExportSkipped Events)`
}

/** The entry of a source whose kind is not implemented: phase `Unsupported`, no schedule. */
export function unsupportedSourceStatus(previous: SourceStatus | undefined, entry: MCPRegistrySourceEntry): SourceStatus {
  const kind = kindOfEntry(entry)
  const { nextSyncTime: _n, reason: _r, ...kept } = previous ?? { name: entry.name }
  return { ...kept, name: entry.name, kind, specHash: sourceSpecHash(entry), phase: 'Unsupported', message: `Source kind ${kind} is accepted but not implemented; the source contributes nothing` }
}

/** The step a source failure belongs to, from its reason. */
export function failureStep(reason: string | undefined): 'source' | 'data' | 'storage' {
  if (reason !== undefined && DataReasons.has(reason)) return 'data'
  if (reason !== undefined && StorageReasons.has(reason)) return 'storage'
  return 'source'
}

/** What {@link applyMultiSourceStatus} writes besides the per-source entries. */
export interface RoundContext {
  readonly now: Date
  readonly generation: number | undefined
  /** The registry-wide trigger value honoured in this round, if any. */
  readonly registryTrigger: string | undefined
  /** The merge of this round; `undefined` when nothing was merged (nothing changed). */
  readonly publish: PublishOutcome | undefined
}

/**
 * Writes a round of a registry with `spec.sources`: `status.sources` (with `shadowedCount` from the merge),
 * `sourcesReady` (`ready/total`, the `Sources` printer column), the Part I top-level fields for the merge
 * (`lastSyncTime`, `lastSyncHash`, `serverCount` of the first view, `storageRef`, `nextSyncTime` = the earliest
 * source's), and the three sync conditions: `SourceAvailable` and `DataValid` False when any source fails in that
 * step, `SyncSuccessful` False when any source or the merge failed — each message names every failing source.
 */
export function applyMultiSourceStatus(draft: StatusDraft, sources: readonly SourceStatus[], ctx: RoundContext): void {
  const publish = ctx.publish
  const shadowed = new Map(publish?.ok === true && !publish.empty ? publish.counts.map((c) => [c.name, c.shadowed] as const) : [])
  const entries = sources.map((s) => (shadowed.has(s.name) ? { ...s, shadowedCount: shadowed.get(s.name) ?? 0 } : s))
  const ready = entries.filter((s) => s.phase === 'Ready' || (s.phase === 'Failed' && s.lastSyncHash !== undefined)).length
  const nexts = entries.flatMap((s) => (s.nextSyncTime === undefined ? [] : [s.nextSyncTime])).sort()
  const { nextSyncTime: _next, ...rest } = draft.status
  draft.status = {
    ...rest,
    ...(ctx.generation === undefined ? {} : { observedGeneration: ctx.generation }),
    lastAttemptTime: rfc3339(ctx.now),
    syncAttempts: Math.max(0, ...entries.map((s) => s.syncAttempts ?? 0)),
    ...(nexts[0] === undefined ? {} : { nextSyncTime: nexts[0] }),
    ...(ctx.registryTrigger === undefined ? {} : { lastManualSyncTrigger: ctx.registryTrigger }),
    sources: entries,
    sourcesReady: `${ready}/${entries.length}`,
  }
  if (publish?.ok === true && !publish.empty) {
    draft.status = { ...draft.status, lastSyncTime: rfc3339(ctx.now), lastSyncHash: publish.hash, serverCount: publish.serverCount, storageRef: publish.storageRef }
  }

  const failing = entries.filter((s) => s.phase === 'Failed')
  const describe = (list: readonly SourceStatus[]) => list.map((s) => `${s.name} (${s.reason ?? 'Failed'}): ${s.message ?? ''}`).join(' | ')
  const sourceFailing = failing.filter((s) => failureStep(s.reason) === 'source')
  const dataFailing = failing.filter((s) => failureStep(s.reason) === 'data')
  const implemented = entries.filter((s) => s.phase !== 'Unsupported').length
  if (sourceFailing.length > 0) {
    draft.set({ type: ConditionType.SourceAvailable, status: 'False', reason: ConditionReason.SourcesFailing, message: `${sourceFailing.length} of ${implemented} sources could not be read: ${describe(sourceFailing)}` })
  } else {
    draft.set({ type: ConditionType.SourceAvailable, status: 'True', reason: ConditionReason.SourcesFetched, message: `Read ${implemented} sources` })
  }
  const mergeFailure = publish?.ok === false ? publish.failure : undefined
  if (dataFailing.length > 0) {
    draft.set({ type: ConditionType.DataValid, status: 'False', reason: ConditionReason.SourcesFailing, message: `${dataFailing.length} of ${implemented} sources have invalid data: ${describe(dataFailing)}` })
  } else if (mergeFailure?.step === 'data') {
    draft.set({ type: ConditionType.DataValid, status: 'False', reason: mergeFailure.reason, message: mergeFailure.message })
  } else {
    draft.set({ type: ConditionType.DataValid, status: 'True', reason: ConditionReason.DataValidated, message: `Validated the data of ${implemented - failing.length} sources` })
  }
  if (failing.length > 0 || mergeFailure !== undefined) {
    const parts = [
      ...(failing.length > 0 ? [`${failing.length} of ${implemented} sources failing: ${describe(failing)}`] : []),
      ...(mergeFailure !== undefined ? [`merging the sources failed: ${mergeFailure.message}`] : []),
    ]
    draft.set({ type: ConditionType.SyncSuccessful, status: 'False', reason: mergeFailure?.step === 'storage' ? mergeFailure.reason : ConditionReason.SourcesFailing, message: parts.join('; ') })
  } else {
    const servers = draft.status.serverCount ?? 0
    draft.set({ type: ConditionType.SyncSuccessful, status: 'True', reason: ConditionReason.SourcesSynced, message: `Synced ${counted(implemented, 'source')}; serving ${counted(servers, 'server')}` })
  }
}

/**
 * Field paths of the spec that are accepted (ToolHive's typed schema) but not implemented: `databaseConfig`,
 * `enforceServers`, source kinds without a handler, `configMapRef.optional`, and `authConfig.authz` (roles of
 * ToolHive's write API, which this registry does not have). `claims` are implemented (the `ClaimsEnforced` condition).
 */
export function unsupportedFields(spec: MCPRegistrySpec): string[] {
  const paths: string[] = []
  if (spec.databaseConfig !== undefined) paths.push('spec.databaseConfig')
  if (spec.enforceServers !== undefined) paths.push('spec.enforceServers')
  if (spec.authConfig?.authz !== undefined) paths.push('spec.authConfig.authz')
  ;(spec.sources ?? []).forEach((s, i) => {
    for (const kind of kindsOf(s)) if (UnimplementedSourceKinds.has(kind)) paths.push(`spec.sources[${i}].${kind}`)
    if (s.configMapRef?.optional !== undefined) paths.push(`spec.sources[${i}].configMapRef.optional`)
  })
  return paths
}

/** Sets `Unsupported` True listing `paths`, or False once they are gone (never added while there never were any). */
export function applyUnsupported(draft: StatusDraft, paths: readonly string[]): void {
  if (paths.length > 0) {
    draft.set({ type: ConditionType.Unsupported, status: 'True', reason: ConditionReason.UnsupportedFields, message: unsupportedMessage(paths) })
  } else if ((draft.status.conditions ?? []).some((c) => c.type === ConditionType.Unsupported)) {
    draft.set({ type: ConditionType.Unsupported, status: 'False', reason: ConditionReason.NoUnsupportedFields, message: 'Every field set is implemented' })
  }
}

/** The message of the `Unsupported` condition (and its Event). */
export function unsupportedMessage(paths: readonly string[]): string {
  return `Accepted but not implemented, so without effect: ${paths.join(', ')}`
}

/** The Warning Event for unsupported fields: once, when the set of paths changes to a non-empty one. */
export function unsupportedEvents(before: MCPRegistryStatus | undefined, paths: readonly string[]): SyncEvent[] {
  if (paths.length === 0) return []
  const previous = (before?.conditions ?? []).find((c) => c.type === ConditionType.Unsupported)
  if (previous?.status === 'True' && previous.message === unsupportedMessage(paths)) return []
  return [{ type: 'Warning', reason: EventReason.UnsupportedFields, message: unsupportedMessage(paths) }]
}

/**
 * The Events of one source's attempt: `Synced` when it stored new data or recovered; a Warning (`SyncFailed`,
 * `InvalidData`, `StorageFailed`) when it starts failing or fails differently; `RetriesExhausted` at the last
 * allowed attempt. Each message starts with `Source <name>:`.
 */
export function sourceEvents(before: SourceStatus | undefined, after: SourceStatus, outcome: SourceSyncOutcome, policy: ResolvedSyncPolicy): SyncEvent[] {
  const prefix = `Source ${after.name}: `
  if (outcome.ok) {
    return outcome.stored || before?.phase !== 'Ready'
      ? [{ type: 'Normal', reason: EventReason.Synced, message: `${prefix}synced ${outcome.serverCount} servers from ${outcome.source}` }]
      : []
  }
  const { step, reason, message } = outcome.failure
  const events: SyncEvent[] = []
  if (before?.phase !== 'Failed' || before.reason !== reason || !(before.message ?? '').startsWith(`${message};`)) {
    const eventReason = step === 'data' ? EventReason.InvalidData : step === 'storage' ? EventReason.StorageFailed : EventReason.SyncFailed
    events.push({ type: 'Warning', reason: eventReason, message: `${prefix}${message} (${reason})` })
  }
  if (after.syncAttempts === policy.maxAttempts) {
    events.push({ type: 'Warning', reason: EventReason.RetriesExhausted, message: `${prefix}sync failed ${after.syncAttempts} times; retries stopped until the source, its spec or a sync trigger changes` })
  }
  return events
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
