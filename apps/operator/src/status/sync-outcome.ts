/** What one sync attempt did, and how it shows in the registry's status and Events. */
import type { SkippedObject } from '@thv/sources'
import type { ShadowedServer } from '@thv/converters'
import { ConditionReason, ConditionType, EventReason, type SnapshotSourceSummary, type StorageRef } from '@thv/registry-model'
import type { StatusDraft } from './registry-status.js'
import type { ResolvedSyncPolicy } from './sync-policy.js'
import { attemptsAfter, nextSyncTime, type SyncTrigger } from './sync-schedule.js'
import { counted } from './counted.js'

/** The pipeline step that failed: reading the source, validating its data, or writing storage. */
export type SyncFailureStep = 'source' | 'data' | 'storage'

/** A failed attempt: the step, the condition reason (a {@link ConditionReason}) and one human sentence. */
export interface SyncFailure {
  readonly step: SyncFailureStep
  readonly reason: string
  readonly message: string
}

/** The result of one attempt. `stored` is false when the snapshot hash equalled the stored one (nothing written). */
export type SyncOutcome =
  | {
      readonly ok: true
      readonly serverCount: number
      readonly hash: string
      readonly stored: boolean
      /** Bytes written to storage (0 when `stored` is false). */
      readonly storedBytes?: number
      readonly storageRef: StorageRef
      /** e.g. `ConfigMap toolhive-system/registry-data key registry.json`, for messages. */
      readonly source: string
    }
  | { readonly ok: false; readonly failure: SyncFailure }

/** The result of one source's attempt (a registry with `spec.sources`): a {@link SyncOutcome} plus the source's revision. */
export type SourceSyncOutcome =
  | (Extract<SyncOutcome, { ok: true }> & { readonly revision?: string | undefined; readonly skipped?: readonly SkippedObject[] | undefined })
  | { readonly ok: false; readonly failure: SyncFailure }

/**
 * The result of merging the sources into the served snapshot: `empty` while no source has data; otherwise its hash,
 * the first view's server count, whether storage was written, and the merge's shadowing and per-source counts.
 */
export type PublishOutcome =
  | { readonly ok: true; readonly empty: true }
  | {
      readonly ok: true
      readonly empty: false
      readonly hash: string
      readonly serverCount: number
      readonly stored: boolean
      readonly storedBytes: number
      readonly storageRef: StorageRef
      readonly shadowed: ReadonlyArray<ShadowedServer>
      readonly counts: ReadonlyArray<SnapshotSourceSummary>
    }
  | { readonly ok: false; readonly failure: SyncFailure }

/** Everything besides the outcome that decides the next status. */
export interface SyncAttemptContext {
  readonly trigger: SyncTrigger
  readonly policy: ResolvedSyncPolicy
  readonly now: Date
  readonly random: () => number
  /** The manual trigger value this attempt honoured, if any. */
  readonly manualTrigger: string | undefined
  readonly generation: number | undefined
}

/** An Event to emit after the status write. */
export interface SyncEvent {
  readonly type: 'Normal' | 'Warning'
  readonly reason: string
  readonly message: string
}

/**
 * Applies an attempt to the status: schedule fields (`lastAttemptTime`, `nextSyncTime`, `syncAttempts`,
 * `observedGeneration`, `lastManualSyncTrigger`), the success fields on success (last good values stay on
 * failure), and all three sync conditions, True or False:
 * - source failed → SourceAvailable False (reason), DataValid Unknown (SourceUnavailable), SyncSuccessful False;
 * - data failed → SourceAvailable True, DataValid False (reason), SyncSuccessful False;
 * - storage failed → SourceAvailable True, DataValid True, SyncSuccessful False (reason);
 * - success → all True.
 * A failure message says how many attempts failed and when (or whether) the next retry runs.
 */
export function applySyncOutcome(draft: StatusDraft, outcome: SyncOutcome, ctx: SyncAttemptContext): { attempts: number; next: Date | undefined } {
  const previous = draft.status.syncAttempts ?? 0
  const attempts = attemptsAfter(previous, ctx.trigger, outcome.ok)
  const next = nextSyncTime(ctx.policy, attempts, ctx.now, ctx.random)
  const nowIso = rfc3339(ctx.now)
  const { nextSyncTime: _dropped, ...rest } = draft.status
  draft.status = {
    ...rest,
    ...(ctx.generation === undefined ? {} : { observedGeneration: ctx.generation }),
    lastAttemptTime: nowIso,
    syncAttempts: attempts,
    ...(next === undefined ? {} : { nextSyncTime: next.toISOString() }),
    ...(ctx.manualTrigger === undefined ? {} : { lastManualSyncTrigger: ctx.manualTrigger }),
  }
  if (outcome.ok) {
    draft.status = { ...draft.status, lastSyncTime: nowIso, lastSyncHash: outcome.hash, serverCount: outcome.serverCount, storageRef: outcome.storageRef }
    draft.set({ type: ConditionType.SourceAvailable, status: 'True', reason: ConditionReason.SourceFetched, message: `Read ${outcome.source}` })
    draft.set({ type: ConditionType.DataValid, status: 'True', reason: ConditionReason.DataValidated, message: `Validated ${counted(outcome.serverCount, 'server')}` })
    draft.set({ type: ConditionType.SyncSuccessful, status: 'True', reason: ConditionReason.SyncSucceeded, message: `Synced ${counted(outcome.serverCount, 'server')}${outcome.stored ? '' : ' (data unchanged)'}` })
    return { attempts, next }
  }
  const { step, reason, message } = outcome.failure
  const kept = draft.status.lastSyncTime === undefined ? 'no data is served yet' : `serving ${draft.status.serverCount ?? 0} servers from the last good sync`
  const retry = attempts < ctx.policy.maxAttempts && next !== undefined
    ? `retry ${attempts + 1} of ${ctx.policy.maxAttempts} at ${rfc3339(next)}`
    : `retries stopped after ${attempts} failed attempts until the source, spec or sync-trigger annotation changes${next === undefined ? '' : ` or the interval sync at ${rfc3339(next)}`}`
  const full = `${message}; ${kept}; ${retry}`
  if (step === 'source') {
    draft.set({ type: ConditionType.SourceAvailable, status: 'False', reason, message })
    draft.set({ type: ConditionType.DataValid, status: 'Unknown', reason: ConditionReason.SourceUnavailable, message: 'The data was not checked because the source could not be read' })
  } else {
    draft.set({ type: ConditionType.SourceAvailable, status: 'True', reason: ConditionReason.SourceFetched, message: 'Read the source' })
    if (step === 'data') draft.set({ type: ConditionType.DataValid, status: 'False', reason, message })
    else draft.set({ type: ConditionType.DataValid, status: 'True', reason: ConditionReason.DataValidated, message: 'Validated the data' })
  }
  const syncReason = step === 'storage' ? reason : attempts >= ctx.policy.maxAttempts ? ConditionReason.RetriesExhausted : ConditionReason.SyncFailed
  draft.set({ type: ConditionType.SyncSuccessful, status: 'False', reason: syncReason, message: full })
  return { attempts, next }
}

/**
 * The Events of an attempt, given the previous SyncSuccessful state (status + reason): `Synced` when storage got
 * a new snapshot or the sync recovered; a Warning (`SyncFailed`, `InvalidData`, `StorageFailed`) when failing
 * starts or the failure changes; `RetriesExhausted` when the last allowed attempt failed. Repeats of the same
 * failure emit nothing.
 */
export function syncEvents(
  before: { status: string | undefined; reason: string | undefined; message: string | undefined },
  outcome: SyncOutcome,
  attempts: number,
  policy: ResolvedSyncPolicy,
): SyncEvent[] {
  if (outcome.ok) {
    if (outcome.stored || before.status !== 'True') {
      return [{ type: 'Normal', reason: EventReason.Synced, message: `Synced ${counted(outcome.serverCount, 'server')} from ${outcome.source}` }]
    }
    return []
  }
  const { step, reason, message } = outcome.failure
  const events: SyncEvent[] = []
  const eventReason = step === 'data' ? EventReason.InvalidData : step === 'storage' ? EventReason.StorageFailed : EventReason.SyncFailed
  const firstOrChanged = before.status !== 'False' || !(before.message ?? '').startsWith(`${message};`)
  if (firstOrChanged) events.push({ type: 'Warning', reason: eventReason, message: `${message} (${reason})` })
  if (attempts === policy.maxAttempts) {
    events.push({ type: 'Warning', reason: EventReason.RetriesExhausted, message: `Sync failed ${attempts} times; retries stopped until the source, spec or sync-trigger annotation changes` })
  }
  return events
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
