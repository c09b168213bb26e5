/** A de-duplicating, rate-limited work queue of string keys (client-go workqueue semantics). */
import type { CancelTimer, Clock } from './clock.js'
import type { RateLimiter } from './rate-limiter.js'

/** Observes a queue; the controller wires this to Prometheus. */
export interface WorkQueueMetrics {
  /** Called with the new depth whenever it changes. */
  depth(n: number): void
  /** Called for every `add` (including ones collapsed by de-duplication). */
  added(): void
  /** Called for every rate-limited re-add. */
  retried(): void
}

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  readonly clock: Clock
  readonly rateLimiter: RateLimiter
  readonly metrics?: WorkQueueMetrics
}

/**
 * A work queue of keys with the guarantees a level-based controller needs:
 * - a key queued twice is handed out once (de-duplication while queued);
 * - a key is never handed out while it is being processed; re-added during processing, it is queued
 *   again when `done` is called;
 * - `addRateLimited` delays by the rate limiter, `addAfter` by a fixed time (the earliest pending wins);
 * - after `shutDown`, `get` hands out nothing more (queued keys are dropped: state is re-listed on restart).
 */
export class WorkQueue {
  readonly #clock: Clock
  readonly #limiter: RateLimiter
  readonly #metrics: WorkQueueMetrics | undefined
  readonly #queue: string[] = []
  readonly #dirty = new Set<string>()
  readonly #processing = new Set<string>()
  readonly #waiting = new Map<string, { at: number; cancel: CancelTimer }>()
  readonly #getters: Array<(key: string | undefined) => void> = []
  readonly #drainers: Array<() => void> = []
  #shuttingDown = false

  constructor(options: WorkQueueOptions) {
    this.#clock = options.clock
    this.#limiter = options.rateLimiter
    this.#metrics = options.metrics
  }

  /** Queues `key` unless it is already queued; ignored after shutdown. */
  add(key: string): void {
    if (this.#shuttingDown) return
    this.#metrics?.added()
    if (this.#dirty.has(key)) return
    this.#dirty.add(key)
    if (this.#processing.has(key)) return
    this.#enqueue(key)
  }

  #enqueue(key: string): void {
    const getter = this.#getters.shift()
    if (getter !== undefined) {
      this.#dirty.delete(key)
      this.#processing.add(key)
      getter(key)
      return
    }
    this.#queue.push(key)
    this.#metrics?.depth(this.#queue.length)
  }

  /** Queues `key` after `delayMs`; if it is already waiting, the earlier time wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return
    if (delayMs <= 0) return this.add(key)
    const at = this.#clock.now() + delayMs
    const existing = this.#waiting.get(key)
    if (existing !== undefined) {
      if (existing.at <= at) return
      existing.cancel()
    }
    const cancel = this.#clock.schedule(() => {
      this.#waiting.delete(key)
      this.add(key)
    }, delayMs)
    this.#waiting.set(key, { at, cancel })
  }

  /** Queues `key` after the rate limiter's delay and counts a retry. */
  addRateLimited(key: string): void {
    if (this.#shuttingDown) return
    this.#metrics?.retried()
    this.addAfter(key, this.#limiter.when(key))
  }

  /** Resets the rate limiter's failure history for `key`. */
  forget(key: string): void {
    this.#limiter.forget(key)
  }

  /** Failures recorded for `key`. */
  numRequeues(key: string): number {
    return this.#limiter.numRequeues(key)
  }

  /** Waits for the next key; `undefined` once the queue is shut down. Pair every key with {@link done}. */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined)
    const key = this.#queue.shift()
    if (key !== undefined) {
      this.#dirty.delete(key)
      this.#processing.add(key)
      this.#metrics?.depth(this.#queue.length)
      return Promise.resolve(key)
    }
    return new Promise((resolve) => this.#getters.push(resolve))
  }

  /** Marks `key` processed; if it was re-added meanwhile, it is queued again. */
  done(key: string): void {
    this.#processing.delete(key)
    if (this.#dirty.has(key) && !this.#shuttingDown) this.#enqueue(key)
    if (this.#processing.size === 0) this.#drainers.splice(0).forEach((d) => d())
  }

  /** Keys waiting to be handed out. */
  len(): number {
    return this.#queue.length
  }

  /** Keys currently being processed. */
  processingCount(): number {
    return this.#processing.size
  }

  /** True after {@link shutDown}. */
  isShuttingDown(): boolean {
    return this.#shuttingDown
  }

  /** Stops intake: `add*` are ignored, pending timers are cancelled, waiting `get`s resolve `undefined`. */
  shutDown(): void {
    if (this.#shuttingDown) return
    this.#shuttingDown = true
    for (const w of this.#waiting.values()) w.cancel()
    this.#waiting.clear()
    this.#queue.length = 0
    this.#dirty.clear()
    this.#metrics?.depth(0)
    this.#getters.splice(0).forEach((g) => g(undefined))
  }

  /** {@link shutDown}, then resolves once every key handed out has been marked `done`. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown()
    if (this.#processing.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.#drainers.push(resolve))
  }
}
