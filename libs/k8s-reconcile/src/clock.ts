/** Time source and timer scheduling, injectable so rate limiters, backoff and resync are testable. */

/** Cancels a timer scheduled with {@link Clock.schedule}; calling it twice is harmless. */
export type CancelTimer = () => void

/**
 * A clock: current time in milliseconds and one-shot timers. Production code uses {@link systemClock};
 * tests use {@link createFakeClock} and advance time explicitly.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Runs `fn` once after `delayMs` (clamped at 0). Timers never keep the process alive. */
  schedule(fn: () => void, delayMs: number): CancelTimer
}

/** The real clock: `Date.now()` and unref'd `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(fn, delayMs) {
    const t = setTimeout(fn, Math.max(0, delayMs))
    t.unref()
    return () => clearTimeout(t)
  },
}

/** A manually driven {@link Clock} for tests. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, running every timer that falls due, in due order. */
  advance(ms: number): void
  /** Number of timers still pending. */
  pendingTimers(): number
}

/**
 * Creates a {@link FakeClock} starting at `startMs` (default 0).
 * @example
 * const clock = createFakeClock(); clock.schedule(() => fired = true, 10); clock.advance(10)
 */
export function createFakeClock(startMs = 0): FakeClock {
  let now = startMs
  let seq = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  return {
    now: () => now,
    schedule(fn, delayMs) {
      const id = seq++
      timers.set(id, { at: now + Math.max(0, delayMs), fn })
      return () => void timers.delete(id)
    },
    advance(ms) {
      const target = now + ms
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined
        for (const entry of timers) {
          if (entry[1].at <= target && (next === undefined || entry[1].at < next[1].at)) next = entry
        }
        if (next === undefined) break
        timers.delete(next[0])
        now = Math.max(now, next[1].at)
        next[1].fn()
      }
      now = target
    },
    pendingTimers: () => timers.size,
  }
}
