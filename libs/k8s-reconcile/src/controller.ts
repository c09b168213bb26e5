/** A controller: a work queue fed by watches, drained by reconcile workers. */
import { randomUUID } from 'node:crypto'
import type { KubernetesObject } from '@kubernetes/client-node'
import { systemClock, type Clock } from './clock.js'
import { defaults } from './defaults.js'
import type { InformerSelector } from './informer.js'
import { keyOf, objectKeyOf, parseKey, type KindDescriptor } from './kind.js'
import { noopLogger, type Logger } from './logger.js'
import { workQueueMetricsFor, type ControllerMetrics, type ReconcileResultLabel } from './metrics.js'
import { controllingOwnerName } from './owner-references.js'
import type { Predicate, WatchEvent } from './predicates.js'
import { createDefaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js'
import { runInReconcileContext } from './reconcile-context.js'
import { isTerminalError, type ReconcileRequest, type Reconciler } from './reconciler.js'
import { WorkQueue, type WorkQueueMetrics } from './work-queue.js'

/** Tuning of one controller; every default is in {@link defaults}. */
export interface ControllerOptions {
  /** Reconcile workers; default 1. A key is never reconciled by two workers at once. */
  readonly maxConcurrentReconciles?: number
  /** Retry policy; default max(5 ms x 2^n capped at 1000 s per key, 10 qps / burst 100 overall). */
  readonly rateLimiter?: RateLimiter
  readonly clock?: Clock
}

/** How one watched kind maps its events to reconcile requests. */
export interface WatchSpec {
  readonly role: 'for' | 'owns' | 'watches'
  readonly kind: KindDescriptor
  readonly selector: InformerSelector
  /** When true the manager does not wait for this informer to sync (e.g. a CRD that may be installed later). */
  readonly optional: boolean
  readonly predicates: readonly Predicate[]
  readonly map: (obj: KubernetesObject) => readonly ReconcileRequest[]
  /** Queue mapped keys this long after the first event of a burst (0: at once). See `WatchOptions.coalesceMs`. */
  readonly coalesceMs?: number
}

/** What the builder hands to {@link Controller}. */
export interface ControllerSpec {
  readonly name: string
  readonly watches: readonly WatchSpec[]
  readonly eventFilters: readonly Predicate[]
  readonly options: ControllerOptions
  readonly reconciler: Reconciler
}

/** Runtime services the manager provides when it adopts a controller. */
export interface ControllerRuntime {
  readonly log: Logger
  readonly metrics: ControllerMetrics
}

/** Maps owned-object events to the key of the object's controller owner of `ownerKind`. */
export function mapToControllerOwner(ownerKind: KindDescriptor): (obj: KubernetesObject) => readonly ReconcileRequest[] {
  return (obj) => {
    const name = controllingOwnerName(obj, ownerKind)
    return name === undefined ? [] : [{ namespace: ownerKind.namespaced ? (obj.metadata?.namespace ?? '') : '', name }]
  }
}

/** Maps an object to its own key. */
export function mapToSelf(obj: KubernetesObject): readonly ReconcileRequest[] {
  return [objectKeyOf(obj)]
}

/**
 * A controller built by {@link controllerFor}. Events of its watches enqueue keys; after the manager starts it
 * (when leader), `maxConcurrentReconciles` workers reconcile them. `enqueue` may be called any time, e.g. by
 * event bus subscribers.
 */
export class Controller {
  readonly name: string
  readonly spec: ControllerSpec
  readonly queue: WorkQueue
  readonly #clock: Clock
  #log: Logger = noopLogger
  #metrics: ControllerMetrics | undefined
  #queueMetrics: WorkQueueMetrics | undefined
  #abort = new AbortController()
  #workers: Array<Promise<void>> = []
  #active = 0
  #started = false

  constructor(spec: ControllerSpec) {
    this.name = spec.name
    this.spec = spec
    this.#clock = spec.options.clock ?? systemClock
    this.queue = new WorkQueue({
      clock: this.#clock,
      rateLimiter: spec.options.rateLimiter ?? createDefaultControllerRateLimiter(this.#clock),
      metrics: {
        depth: (n) => this.#queueMetrics?.depth(n),
        added: () => this.#queueMetrics?.added(),
        retried: () => this.#queueMetrics?.retried(),
      },
    })
  }

  /** Queues a reconcile of `req`. */
  enqueue(req: ReconcileRequest): void {
    this.queue.add(keyOf(req))
  }

  /** Queues a reconcile of `req` after `delayMs`. */
  enqueueAfter(req: ReconcileRequest, delayMs: number): void {
    this.queue.addAfter(keyOf(req), delayMs)
  }

  /** Reconciles currently running. */
  activeReconciles(): number {
    return this.#active
  }

  /** The informer handler for `watch`: applies predicates, maps, enqueues. Used by the manager. */
  handlerFor(watch: WatchSpec): (event: WatchEvent) => void {
    const predicates = [...this.spec.eventFilters, ...watch.predicates]
    return (event) => {
      if (!predicates.every((p) => p(event))) return
      const objects = event.type === 'update' ? [event.old, event.object] : [event.object]
      const keys = new Set(objects.flatMap((o) => watch.map(o).map(keyOf)))
      const delayMs = watch.coalesceMs ?? 0
      for (const key of keys) {
        if (delayMs > 0) this.queue.addAfter(key, delayMs)
        else this.queue.add(key)
      }
    }
  }

  /** Connects logging and metrics; called once by the manager. */
  bind(runtime: ControllerRuntime): void {
    this.#log = runtime.log.child({ controller: this.name })
    this.#metrics = runtime.metrics
    this.#queueMetrics = workQueueMetricsFor(runtime.metrics, this.name)
    runtime.metrics.maxConcurrentReconciles.set({ controller: this.name }, this.#concurrency())
    runtime.metrics.activeWorkers.set({ controller: this.name }, 0)
    for (const result of ['success', 'error', 'requeue_after'] as const) runtime.metrics.reconcileTotal.inc({ controller: this.name, result }, 0)
    runtime.metrics.reconcileErrors.inc({ controller: this.name }, 0)
  }

  /** Starts the workers (idempotent). */
  start(): void {
    if (this.#started) return
    this.#started = true
    this.#log.info('Starting workers', { workerCount: this.#concurrency() })
    for (let i = 0; i < this.#concurrency(); i++) this.#workers.push(this.#work())
  }

  /**
   * Stops intake, lets in-flight reconciles finish for up to `deadlineMs`, then aborts their signal.
   * Resolves true when every reconcile ended before the deadline.
   */
  async stop(deadlineMs: number): Promise<boolean> {
    const drained = this.queue.shutDownWithDrain()
    let cancel = (): void => undefined
    const inTime = await Promise.race([
      drained.then(() => true),
      new Promise<boolean>((resolve) => {
        cancel = this.#clock.schedule(() => resolve(false), deadlineMs)
      }),
    ])
    cancel()
    if (!inTime) {
      this.#log.warn('Aborted reconciles still running at the shutdown deadline', { active: this.#active, deadlineMs })
      this.#abort.abort(new Error(`Controller ${this.name} stopped`))
    }
    await Promise.all(this.#workers)
    this.#log.info('Stopped workers', { inTime })
    return inTime
  }

  #concurrency(): number {
    return this.spec.options.maxConcurrentReconciles ?? defaults.maxConcurrentReconciles
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get()
      if (key === undefined) return
      this.#active++
      this.#metrics?.activeWorkers.set({ controller: this.name }, this.#active)
      try {
        await this.#reconcileKey(key)
      } finally {
        this.#active--
        this.#metrics?.activeWorkers.set({ controller: this.name }, this.#active)
        this.queue.done(key)
      }
    }
  }

  async #reconcileKey(key: string): Promise<void> {
    const req = parseKey(key)
    const reconcileId = randomUUID()
    const log = this.#log.child({ namespace: req.namespace, name: req.name, reconcileId })
    const started = performance.now()
    let result: ReconcileResultLabel
    try {
      const res = await runInReconcileContext({ controller: this.name, reconcileId, log }, () =>
        this.spec.reconciler.reconcile(req, this.#abort.signal),
      )
      this.queue.forget(key)
      if (res.requeueAfterMs !== undefined && res.requeueAfterMs > 0) {
        this.queue.addAfter(key, res.requeueAfterMs)
        result = 'requeue_after'
      } else {
        result = 'success'
      }
      log.debug('Reconciled', { durationMs: Math.round(performance.now() - started), requeueAfterMs: res.requeueAfterMs })
    } catch (err) {
      result = 'error'
      this.#metrics?.reconcileErrors.inc({ controller: this.name })
      if (isTerminalError(err)) {
        this.#metrics?.terminalReconcileErrors.inc({ controller: this.name })
        this.queue.forget(key)
        log.error('Reconciler error (terminal, not retried)', { err })
      } else {
        this.queue.addRateLimited(key)
        log.error('Reconciler error', { err, retries: this.queue.numRequeues(key) })
      }
    }
    this.#metrics?.reconcileTotal.inc({ controller: this.name, result })
    this.#metrics?.reconcileTime.observe({ controller: this.name }, (performance.now() - started) / 1000)
  }
}
