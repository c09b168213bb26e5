/**
 * Polling with deadlines, the only way tests and tools wait for a condition: the suite never sleeps for a fixed time.
 * One options type serves both {@link eventually} (retry until it holds) and {@link consistently} (it keeps holding).
 */
import { setTimeout as delay } from 'node:timers/promises'

/** Options of {@link eventually} and {@link consistently}. */
export interface PollOptions {
  /** `eventually`: give up after this many milliseconds. `consistently`: how long the check must keep passing. */
  readonly timeoutMs: number
  /** Pause between attempts; default 100 ms. */
  readonly intervalMs?: number
  /**
   * What is awaited ("kube-apiserver /readyz"). With it, a timeout throws `Timed out after N ms waiting for <it>`
   * with the last failure as `cause`; without it, the last failure itself is rethrown (an assertion error keeps its
   * expected/actual diff).
   */
  readonly description?: string
  /** Checked before each attempt of `eventually`; when it returns an Error, polling stops with that error. */
  readonly abortIf?: () => Error | undefined
}

/** What {@link eventually} waits when no options are given: 30 s, an attempt every 100 ms. */
export const DefaultEventually: PollOptions = { timeoutMs: 30_000 }

/**
 * Runs `attempt` until it resolves without throwing and returns its value; a throw (or rejection) means "not yet".
 */
export async function eventually<T>(attempt: () => Promise<T> | T, opts: PollOptions = DefaultEventually): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs
  for (;;) {
    const aborted = opts.abortIf?.()
    if (aborted) throw aborted
    try {
      return await attempt()
    } catch (err) {
      if (Date.now() >= deadline) {
        if (opts.description === undefined) throw err
        throw new Error(`Timed out after ${opts.timeoutMs} ms waiting for ${opts.description}`, { cause: err })
      }
    }
    await delay(opts.intervalMs ?? 100)
  }
}

/**
 * Runs `check` repeatedly for `timeoutMs` and once more at the end (Gomega's Consistently); the first failure is
 * thrown at once.
 */
export async function consistently(check: () => Promise<void> | void, opts: PollOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs
  do {
    await check()
    await delay(opts.intervalMs ?? 100)
  } while (Date.now() < deadline)
  await check()
}

/** Throws "not yet: <what>": how an {@link eventually} attempt says the condition does not hold yet (`ready ? v : notYet()`). */
export function notYet(what = 'condition'): never {
  throw new Error(`not yet: ${what}`)
}
