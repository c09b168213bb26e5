/**
 * Per-source sync attempts that outlive the round that started them, so one slow source (a url or git fetch may
 * take up to its timeout) never holds back the rounds that serve the other sources.
 */
import type { Clock } from '@thv/k8s-reconcile'
import type { MCPRegistrySourceEntry } from '@thv/registry-model'
import type { SourceSyncOutcome } from '../status/sync-outcome.js'
import type { SyncTrigger } from '../status/sync-schedule.js'

/** One source attempt: what started it and, once finished, its outcome. */
export interface SourceAttempt {
  readonly entry: MCPRegistrySourceEntry
  readonly trigger: SyncTrigger
  /** The per-source trigger annotation value this attempt honours. */
  readonly manual: string | undefined
  /** The fingerprint of the source object when the attempt started. */
  readonly fingerprint: string
  readonly outcome: SourceSyncOutcome
}

interface Running {
  readonly done: Promise<void>
  finished: SourceAttempt | undefined
  failure: { readonly err: unknown } | undefined
  /** Set when the round that started it stopped waiting: the attempt is handed to a later round. */
  handedOver: boolean
}

/**
 * Tracks the running and handed-over attempts of every registry (by uid). A round {@link start}s the due sources and
 * waits for them at most `graceMs` ({@link settle}); attempts still running then are handed over: when one finishes,
 * its outcome waits in {@link takeFinished} and `wake(registry)` asks for a new round. A source with an attempt
 * running is never started twice.
 */
export class SourceAttempts {
  readonly #running = new Map<string, Map<string, Running>>()
  readonly #finished = new Map<string, SourceAttempt[]>()

  constructor(private readonly clock: Clock, private readonly graceMs: number) {}

  /** Whether source `name` of registry `uid` has an attempt running. */
  isRunning(uid: string, name: string): boolean {
    return this.#running.get(uid)?.has(name) ?? false
  }

  /** The names of the sources of registry `uid` with an attempt running. */
  runningNames(uid: string): string[] {
    return [...(this.#running.get(uid)?.keys() ?? [])]
  }

  /** Takes the outcomes of handed-over attempts that finished since the last round of registry `uid`. */
  takeFinished(uid: string): SourceAttempt[] {
    const finished = this.#finished.get(uid) ?? []
    this.#finished.delete(uid)
    return finished
  }

  /**
   * Starts `run` for each attempt, waits until all finished or `graceMs` passed, and returns the finished ones. The
   * others are handed over: `wake` is called when each finishes (its outcome then waits in {@link takeFinished}).
   */
  async settle(
    uid: string,
    attempts: ReadonlyArray<Omit<SourceAttempt, 'outcome'> & { readonly run: () => Promise<SourceSyncOutcome> }>,
    wake: () => void,
  ): Promise<SourceAttempt[]> {
    if (attempts.length === 0) return []
    const byName = this.#running.get(uid) ?? new Map<string, Running>()
    this.#running.set(uid, byName)
    const started = attempts.map(({ run, ...attempt }) => {
      const running: Running = {
        finished: undefined,
        handedOver: false,
        failure: undefined,
        done: run().then((outcome) => {
          release()
          running.finished = { ...attempt, outcome }
          if (running.handedOver) {
            this.#finished.set(uid, [...(this.#finished.get(uid) ?? []), running.finished])
            wake()
          }
        }, (err: unknown) => {
          // Only an aborted signal rejects (the operator stops): the round that waits rethrows it; a handed-over
          // attempt has nobody left to tell.
          release()
          running.failure = { err }
        }),
      }
      const release = (): void => {
        if (byName.get(attempt.entry.name) === running) byName.delete(attempt.entry.name)
        if (byName.size === 0 && this.#running.get(uid) === byName) this.#running.delete(uid)
      }
      byName.set(attempt.entry.name, running)
      return running
    })
    let cancel = (): void => undefined
    await Promise.race([
      Promise.all(started.map((r) => r.done)),
      new Promise<void>((resolve) => { cancel = this.clock.schedule(resolve, this.graceMs) }),
    ])
    cancel()
    const finished: SourceAttempt[] = []
    for (const running of started) {
      if (running.failure !== undefined) throw running.failure.err
      if (running.finished !== undefined) finished.push(running.finished)
      else running.handedOver = true
    }
    return finished
  }

  /** Forgets registry `uid`: outcomes of its attempts still running are dropped when they finish. */
  forget(uid: string): void {
    const running = this.#running.get(uid)
    for (const r of running?.values() ?? []) r.handedOver = false
    this.#running.delete(uid)
    this.#finished.delete(uid)
  }
}
