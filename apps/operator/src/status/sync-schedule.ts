/** When to sync a registry: trigger detection, retry backoff with jitter and the next scheduled sync. */
import { SyncTriggerAnnotation, type MCPRegistryStatus } from '@thv/registry-model'
import { SyncPolicyDefaults, type ResolvedSyncPolicy } from './sync-policy.js'

/**
 * Why a sync runs. The first four start a new round of attempts; `retry` continues
 * the current round after a failure.
 */
export type SyncTrigger = 'spec-changed' | 'manual-trigger' | 'source-changed' | 'initial' | 'interval' | 'retry'

/** What {@link decideSync} reads. */
export interface SyncDecisionInput {
  readonly generation: number | undefined
  readonly annotations: Readonly<Record<string, string>> | undefined
  readonly status: MCPRegistryStatus | undefined
  /** True when the source differs from what the last attempt read (or the operator has not seen it yet). */
  readonly sourceChanged: boolean
  readonly now: Date
}

/** Sync now for a reason, or wait (`requeueAfterMs` until the next scheduled sync, none when nothing is scheduled). */
export type SyncDecision =
  | { readonly sync: true; readonly trigger: SyncTrigger }
  | { readonly sync: false; readonly requeueAfterMs: number | undefined }

/** The manual trigger value to honour: the annotation, when set and different from the last one processed. */
export function pendingManualTrigger(
  annotations: Readonly<Record<string, string>> | undefined,
  status: MCPRegistryStatus | undefined,
): string | undefined {
  const value = annotations?.[SyncTriggerAnnotation]
  return value !== undefined && value !== '' && value !== status?.lastManualSyncTrigger ? value : undefined
}

/**
 * Decides whether to sync now. Rules, first match wins: spec generation not yet observed; a new manual trigger;
 * the source changed; never attempted; `status.nextSyncTime` reached (a retry when the last attempt failed, else
 * an interval sync). Otherwise wait until `nextSyncTime`, or for the next event when none is set. Because the
 * schedule is read from the status (written once per attempt, jitter included), repeated reconciles agree.
 */
export function decideSync(input: SyncDecisionInput, policy: ResolvedSyncPolicy): SyncDecision {
  const { status, now } = input
  if (input.generation !== undefined && status?.observedGeneration !== input.generation) return { sync: true, trigger: 'spec-changed' }
  if (pendingManualTrigger(input.annotations, status) !== undefined) return { sync: true, trigger: 'manual-trigger' }
  if (input.sourceChanged) return { sync: true, trigger: 'source-changed' }
  if (status?.lastAttemptTime === undefined) return { sync: true, trigger: 'initial' }
  return dueByNextSyncTime(status, now, policy)
}

/**
 * The schedule part of a sync decision, shared by a registry and each of its sources: sync once `nextSyncTime` is
 * reached (a retry while the current round of attempts is failing, else an interval sync), otherwise wait until it;
 * wait for the next event when nothing is scheduled.
 */
export function dueByNextSyncTime(
  status: { readonly nextSyncTime?: string | undefined; readonly syncAttempts?: number | undefined },
  now: Date,
  policy: ResolvedSyncPolicy,
): SyncDecision {
  if (status.nextSyncTime === undefined) return { sync: false, requeueAfterMs: undefined }
  const dueInMs = Date.parse(status.nextSyncTime) - now.getTime()
  if (Number.isNaN(dueInMs) || dueInMs <= 0) {
    const failing = (status.syncAttempts ?? 0) > 0 && (status.syncAttempts ?? 0) < policy.maxAttempts
    return { sync: true, trigger: failing ? 'retry' : 'interval' }
  }
  return { sync: false, requeueAfterMs: dueInMs }
}

/**
 * The delay before retry number `attempt` (1 = after the first failure):
 * `backoffMs × multiplier^(attempt-1)`, capped at {@link SyncPolicyDefaults.maxBackoffMs}, plus up to 10 % jitter
 * (`random()` in [0, 1), injected for tests) so that registries failing together do not retry together.
 */
export function retryDelayMs(policy: ResolvedSyncPolicy, attempt: number, random: () => number): number {
  const base = Math.min(policy.backoffMs * policy.backoffMultiplier ** Math.max(0, attempt - 1), SyncPolicyDefaults.maxBackoffMs)
  return Math.round(base * (1 + SyncPolicyDefaults.jitterFraction * random()))
}

/** Failed attempts after an attempt: 0 on success; 1 when a new trigger failed; one more when a retry failed. */
export function attemptsAfter(previous: number, trigger: SyncTrigger, succeeded: boolean): number {
  if (succeeded) return 0
  return trigger === 'retry' ? previous + 1 : 1
}

/**
 * When the next sync is due after an attempt that left `attempts` failed attempts: a retry while
 * `attempts < maxAttempts`; otherwise (success, or retries exhausted) the next interval sync when automatic,
 * else nothing (manual mode waits for a trigger).
 */
export function nextSyncTime(policy: ResolvedSyncPolicy, attempts: number, now: Date, random: () => number): Date | undefined {
  if (attempts > 0 && attempts < policy.maxAttempts) return new Date(now.getTime() + retryDelayMs(policy, attempts, random))
  return policy.intervalMs === undefined ? undefined : new Date(now.getTime() + policy.intervalMs)
}
