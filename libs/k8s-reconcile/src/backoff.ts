/** Capped, jittered exponential backoff for reconnect loops. */
import { defaults } from './defaults.js'

/** Backoff parameters; defaults in {@link defaults} (`informerBackoff*`). */
export interface BackoffOptions {
  /** Delay of the first retry in ms. */
  readonly baseMs: number
  /** Upper bound of any delay in ms, jitter included. */
  readonly maxMs: number
  /** Each delay is multiplied by a random factor in `[1, 1 + jitter)`; 0 disables jitter. */
  readonly jitter: number
}

/** The informer's restart backoff: 100 ms doubling, jitter up to +50 %, capped at 5 s. */
export const defaultInformerBackoff: BackoffOptions = {
  baseMs: defaults.informerBackoffBaseMs,
  maxMs: defaults.informerBackoffMaxMs,
  jitter: defaults.informerBackoffJitter,
}

/**
 * Delay before retry number `attempt` (0-based): `min(maxMs, baseMs * 2^attempt * (1 + jitter * random()))`.
 * `random` returns a number in [0, 1) (default `Math.random`), injectable for tests.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exp = options.baseMs * 2 ** Math.min(attempt, 52)
  return Math.min(options.maxMs, Math.round(exp * (1 + options.jitter * random())))
}
