/** Rate limiters deciding how long a failed key waits before its next attempt (client-go workqueue semantics). */
import type { Clock } from './clock.js'
import { defaults } from './defaults.js'

/** Decides the delay before `key` is retried. */
export interface RateLimiter {
  /** Delay in ms before the next attempt of `key`; records one more failure. */
  when(key: string): number
  /** Forgets the failure history of `key` (call on success). */
  forget(key: string): void
  /** Failures recorded for `key` since the last `forget`. */
  numRequeues(key: string): number
}

/**
 * Per-key exponential backoff: `baseMs * 2^failures`, capped at `maxMs`.
 * Defaults: {@link defaults.itemBackoffBaseMs} (5 ms) and {@link defaults.itemBackoffMaxMs} (1000 s).
 */
export function createItemExponentialRateLimiter(
  baseMs: number = defaults.itemBackoffBaseMs,
  maxMs: number = defaults.itemBackoffMaxMs,
): RateLimiter {
  const failures = new Map<string, number>()
  return {
    when(key) {
      const n = failures.get(key) ?? 0
      failures.set(key, n + 1)
      const delay = baseMs * 2 ** n
      return Number.isFinite(delay) ? Math.min(delay, maxMs) : maxMs
    },
    forget: (key) => void failures.delete(key),
    numRequeues: (key) => failures.get(key) ?? 0,
  }
}

/**
 * An overall token bucket shared by all keys: `qps` tokens per second, at most `burst` stored. Each `when`
 * reserves a token and returns how long to wait for it (Go's `rate.Limiter.Reserve`). Defaults: 10 qps, burst 100.
 */
export function createBucketRateLimiter(
  clock: Clock,
  qps: number = defaults.bucketQps,
  burst: number = defaults.bucketBurst,
): RateLimiter {
  let tokens = burst
  let last = clock.now()
  return {
    when() {
      const now = clock.now()
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * qps)
      last = now
      tokens -= 1
      return tokens >= 0 ? 0 : Math.ceil((-tokens / qps) * 1000)
    },
    forget: () => undefined,
    numRequeues: () => 0,
  }
}

/** Combines limiters: the delay is the maximum of all, failures the maximum count (client-go `MaxOf`). */
export function createMaxOfRateLimiter(...limiters: RateLimiter[]): RateLimiter {
  return {
    when: (key) => limiters.reduce((max, l) => Math.max(max, l.when(key)), 0),
    forget: (key) => limiters.forEach((l) => l.forget(key)),
    numRequeues: (key) => limiters.reduce((max, l) => Math.max(max, l.numRequeues(key)), 0),
  }
}

/**
 * The default controller rate limiter: max of per-key exponential backoff (5 ms x 2^n, cap 1000 s) and an
 * overall token bucket (10 qps, burst 100), as controller-runtime's `DefaultTypedControllerRateLimiter`.
 */
export function createDefaultControllerRateLimiter(clock: Clock): RateLimiter {
  return createMaxOfRateLimiter(createItemExponentialRateLimiter(), createBucketRateLimiter(clock))
}
