/** Polling assertions with deadlines: the suite never sleeps for a fixed time. */
import { setTimeout as delay } from 'node:timers/promises'

/** Options of {@link eventually} and {@link consistently}. */
export interface PollOptions {
  /** Give up (eventually) or stop watching (consistently) after this many milliseconds. */
  readonly timeoutMs: number
  /** Pause between attempts; default 100 ms. */
  readonly intervalMs?: number
}

/**
 * Runs `attempt` until it resolves without throwing and returns its value. When the deadline passes, rethrows
 * the last failure (an assertion error keeps its expected/actual diff).
 */
export async function eventually<T>(attempt: () => Promise<T> | T, opts: PollOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs
  for (;;) {
    try {
      return await attempt()
    } catch (err) {
      if (Date.now() >= deadline) throw err
    }
    await delay(opts.intervalMs ?? 100)
  }
}

/** Runs `check` repeatedly for the whole period; the first failure is thrown at once. */
export async function consistently(check: () => Promise<void> | void, opts: PollOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs
  do {
    await check()
    await delay(opts.intervalMs ?? 100)
  } while (Date.now() < deadline)
}
