import { setTimeout as delay } from 'node:timers/promises'

/** Options of {@link pollUntil}. */
export interface PollOptions {
  /** What is awaited, used in the timeout error ("kube-apiserver /readyz"). */
  readonly description: string
  /** Give up after this many milliseconds. */
  readonly timeoutMs: number
  /** Pause between attempts; default 100 ms. */
  readonly intervalMs?: number
  /** Checked before each attempt; when it returns an Error, polling stops with that error. */
  readonly abortIf?: () => Error | undefined
}

/**
 * Calls `attempt` until it returns a value other than `undefined`, then returns that value.
 * A thrown error counts as "not yet"; the last one is attached as `cause` when the deadline passes.
 */
export async function pollUntil<T>(attempt: () => Promise<T | undefined>, opts: PollOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs
  let lastError: unknown
  for (;;) {
    const aborted = opts.abortIf?.()
    if (aborted) throw aborted
    try {
      const value = await attempt()
      if (value !== undefined) return value
    } catch (err) {
      lastError = err
    }
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${opts.timeoutMs} ms waiting for ${opts.description}`, { cause: lastError })
    }
    await delay(opts.intervalMs ?? 100)
  }
}
