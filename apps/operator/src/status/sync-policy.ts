/** `spec.syncPolicy` with every default filled in, in one place. */
import { parseGoDurationMs, type MCPRegistrySpec } from '@thv/registry-model'

/**
 * Defaults applied when `spec.syncPolicy` (or a part of it) is absent: 5 attempts, first retry after 30 s,
 * delay ×2 per failed attempt, retry delays capped at 1 h (so no timer overflows), intervals of at least 1 s
 * (so `0s` cannot make a busy loop), up to 10 % jitter added to each retry delay.
 */
export const SyncPolicyDefaults = {
  maxAttempts: 5,
  backoffMs: 30_000,
  backoffMultiplier: 2,
  maxBackoffMs: 3_600_000,
  minIntervalMs: 1_000,
  jitterFraction: 0.1,
} as const

/** The effective sync policy of a registry. */
export interface ResolvedSyncPolicy {
  /** True when interval syncs run: `type: automatic`, or an `interval` without `type` (ToolHive's shape). */
  readonly automatic: boolean
  /** Interval between successful syncs; set iff `automatic`. */
  readonly intervalMs: number | undefined
  /** Failed attempts after which retries stop until a new trigger. */
  readonly maxAttempts: number
  /** Delay before the first retry. */
  readonly backoffMs: number
  /** Factor applied to the delay after each further failed attempt (≥ 1). */
  readonly backoffMultiplier: number
}

/** Resolves `spec.syncPolicy` against {@link SyncPolicyDefaults}. */
export function resolveSyncPolicy(spec: MCPRegistrySpec): ResolvedSyncPolicy {
  const policy = spec.syncPolicy
  const interval = policy?.interval === undefined ? undefined : parseGoDurationMs(policy.interval)
  const automatic = interval !== undefined && policy?.type !== 'manual'
  const retry = policy?.retryPolicy
  const backoff = retry?.backoffInterval === undefined ? undefined : parseGoDurationMs(retry.backoffInterval)
  const multiplier = retry?.backoffMultiplier === undefined ? Number.NaN : Number(retry.backoffMultiplier)
  return {
    automatic,
    intervalMs: automatic ? Math.max(interval, SyncPolicyDefaults.minIntervalMs) : undefined,
    maxAttempts: retry?.maxAttempts ?? SyncPolicyDefaults.maxAttempts,
    backoffMs: backoff ?? SyncPolicyDefaults.backoffMs,
    backoffMultiplier: Number.isFinite(multiplier) && multiplier >= 1 ? multiplier : SyncPolicyDefaults.backoffMultiplier,
  }
}
