/** The manager: shared informers, controllers, leader election, health, metrics and graceful shutdown. */
import { CoordinationV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node'
import { Registry } from 'prom-client'
import type { BackoffOptions } from './backoff.js'
import { systemClock, type Clock } from './clock.js'
import type { Controller } from './controller.js'
import { defaults } from './defaults.js'
import { Informer, type InformerSelector, type InformerTransform } from './informer.js'
import type { KindDescriptor } from './kind.js'
import { KubeClient } from './kube-client.js'
import { LeaderElector, type LeaderElectionOptions } from './leader-election.js'
import type { Logger } from './logger.js'
import { createControllerMetrics, type ControllerMetrics } from './metrics.js'

/** Options of {@link Manager}; every default is in {@link defaults}. */
export interface ManagerOptions {
  readonly kubeConfig: KubeConfig
  readonly log: Logger
  /** Registry for the framework's metrics; a private one when omitted. */
  readonly metricsRegistry?: Registry
  readonly clock?: Clock
  /** Restrict every namespaced informer to this namespace (the operator's `--watch-namespace`). */
  readonly namespace?: string
  /** Run controllers only while holding this Lease; no election when omitted. */
  readonly leaderElection?: LeaderElectionOptions
  /** Start fails when required informers have not synced in time. Default 2 min. */
  readonly cacheSyncTimeoutMs?: number
  /** How long shutdown waits for in-flight reconciles before aborting them. Default 30 s. */
  readonly gracefulShutdownTimeoutMs?: number
  /** Periodic re-delivery of cached objects to handlers; off by default. */
  readonly resyncPeriodMs?: number
  /** Informer restart backoff; default 100 ms doubling to 5 s with jitter. */
  readonly informerBackoff?: BackoffOptions
  /**
   * Transforms of cached objects by kind (matched by group, version and plural), applied by every shared informer of
   * that kind, so that what readers of the cache never use is not held in memory (controller-runtime's cache
   * `ByObject.Transform`). See {@link InformerTransform}; `keepMetadataOnly` and `stripManagedFields` are ready-made.
   */
  readonly transforms?: ReadonlyArray<readonly [KindDescriptor, InformerTransform]>
  /** The transform of kinds that {@link transforms} does not name (controller-runtime's `DefaultTransform`). None by default. */
  readonly defaultTransform?: InformerTransform
}

/** Why {@link Manager.start} returned. `leaderElectionLost` and `cacheSyncTimeout` should exit non-zero. */
export type ManagerExit =
  | { readonly reason: 'shutdown'; readonly drainedInTime: boolean }
  | { readonly reason: 'leaderElectionLost' }
  | { readonly reason: 'cacheSyncTimeout'; readonly unsyncedKinds: readonly string[] }

/** Result of a health or readiness check, ready to serialise as the body of `/healthz` or `/readyz`. */
export interface HealthStatus {
  readonly ok: boolean
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly message: string }>>
}

type Phase = 'new' | 'syncing' | 'running' | 'stopping' | 'stopped'

/**
 * Runs controllers. Informers run on every replica (warm standby caches); controllers start only on the
 * leader. `start` resolves when the manager stops: after `stop()` or an aborted signal (graceful: intake
 * stops, in-flight reconciles get `gracefulShutdownTimeoutMs`, the lease is released), when leadership is
 * lost (the app must exit), or when caches do not sync in time.
 * @example
 * const manager = new Manager({ kubeConfig, log, metricsRegistry: registry })
 * manager.add(controller)
 * const exit = await manager.start(shutdownSignal)
 * process.exitCode = exit.reason === 'shutdown' ? 0 : 1
 */
export class Manager {
  /** REST client shared by helpers (status, finalizers, apply). */
  readonly client: KubeClient
  readonly metrics: ControllerMetrics
  readonly metricsRegistry: Registry
  readonly #opts: ManagerOptions
  readonly #clock: Clock
  readonly #log: Logger
  readonly #informers = new Map<string, { informer: Informer; required: boolean }>()
  readonly #controllers: Controller[] = []
  readonly #stopRequested = new AbortController()
  #elector: LeaderElector | undefined
  #phase: Phase = 'new'
  #controllersRunning = false

  constructor(options: ManagerOptions) {
    this.#opts = options
    this.#clock = options.clock ?? systemClock
    this.#log = options.log
    this.client = new KubeClient(options.kubeConfig)
    this.metricsRegistry = options.metricsRegistry ?? new Registry()
    this.metrics = createControllerMetrics(this.metricsRegistry)
  }

  /**
   * The shared informer of `kind` for `selector` (scoped to the manager's namespace), created on first use.
   * Reconcilers read from it. `required` (default true) makes `start` wait for its sync.
   */
  informer<T extends KubernetesObject = KubernetesObject>(kind: KindDescriptor, selector: InformerSelector = {}, required = true): Informer<T> {
    const scoped: InformerSelector = { ...selector, namespace: kind.namespaced ? (selector.namespace ?? this.#opts.namespace) : undefined }
    const id = JSON.stringify([kind.group, kind.version, kind.plural, scoped.namespace, scoped.labelSelector, scoped.fieldSelector])
    let entry = this.#informers.get(id)
    if (entry === undefined) {
      const informer = new Informer(this.client, kind, {
        ...scoped,
        clock: this.#clock,
        log: this.#log,
        resyncPeriodMs: this.#opts.resyncPeriodMs,
        backoff: this.#opts.informerBackoff,
        transform: this.#transformFor(kind),
      })
      entry = { informer, required }
      this.#informers.set(id, entry)
      if (this.#phase !== 'new') informer.start()
    } else if (required) {
      entry.required = true
    }
    return entry.informer as unknown as Informer<T>
  }

  #transformFor(kind: KindDescriptor): InformerTransform | undefined {
    const same = (k: KindDescriptor): boolean => k.group === kind.group && k.version === kind.version && k.plural === kind.plural
    return this.#opts.transforms?.find(([k]) => same(k))?.[1] ?? this.#opts.defaultTransform
  }

  /** Adds a controller and wires its watches to shared informers. Call before `start`. */
  add(controller: Controller): void {
    if (this.#phase !== 'new') throw new Error(`Manager.add(${controller.name}) called after start`)
    if (this.#controllers.some((c) => c.name === controller.name)) throw new Error(`Controller name "${controller.name}" is already used`)
    controller.bind({ log: this.#log, metrics: this.metrics })
    for (const watch of controller.spec.watches) {
      this.informer(watch.kind, watch.selector, !watch.optional).addHandler(controller.handlerFor(watch))
    }
    this.#controllers.push(controller)
  }

  /** True while this replica runs its controllers (always true without leader election once started). */
  isLeader(): boolean {
    return this.#controllersRunning
  }

  /** Requests a graceful stop; `start` resolves once done. */
  stop(): void {
    this.#stopRequested.abort()
  }

  /** Liveness: failing only once the manager has stopped. */
  healthz(): HealthStatus {
    const alive = this.#phase !== 'stopped'
    return { ok: alive, checks: { manager: { ok: alive, message: this.#phase } } }
  }

  /** Readiness: every required informer synced and not shutting down (followers are ready too). */
  readyz(): HealthStatus {
    const checks: Record<string, { ok: boolean; message: string }> = {
      manager: { ok: this.#phase === 'running', message: this.#phase },
    }
    for (const { informer, required } of this.#informers.values()) {
      if (!required) continue
      const synced = informer.hasSynced()
      checks[`informer:${informer.kind.kind}`] = { ok: synced, message: synced ? 'synced' : 'not synced' }
    }
    return { ok: Object.values(checks).every((c) => c.ok), checks }
  }

  /** Runs until stopped; see {@link ManagerExit}. `signal` (e.g. aborted on SIGTERM) requests a graceful stop. */
  async start(signal?: AbortSignal): Promise<ManagerExit> {
    if (this.#phase !== 'new') throw new Error('Manager.start called twice')
    this.#phase = 'syncing'
    const stop = this.#stopRequested.signal
    signal?.addEventListener('abort', () => this.stop(), { once: true })
    if (signal?.aborted) this.stop()
    for (const { informer } of this.#informers.values()) informer.start()
    const timeoutMs = this.#opts.cacheSyncTimeoutMs ?? defaults.cacheSyncTimeoutMs
    const required = [...this.#informers.values()].filter((e) => e.required).map((e) => e.informer)
    const synced = await Promise.all(required.map((i) => i.waitForSync(timeoutMs)))
    if (synced.includes(false)) {
      const unsyncedKinds = required.filter((i) => !i.hasSynced()).map((i) => i.kind.kind)
      this.#log.error('Timed out waiting for caches to sync', { unsyncedKinds, timeoutMs })
      await this.#stopInformers()
      this.#phase = 'stopped'
      return { reason: 'cacheSyncTimeout', unsyncedKinds }
    }
    this.#phase = 'running'
    this.#log.info('Caches synced', { informers: this.#informers.size })

    const stopped = new Promise<'stop'>((resolve) =>
      stop.aborted ? resolve('stop') : stop.addEventListener('abort', () => resolve('stop'), { once: true }),
    )
    if (this.#opts.leaderElection === undefined) {
      this.#startControllers()
      await stopped
      return this.#shutdown(false)
    }
    const lease = this.#opts.leaderElection.name
    const election = new AbortController()
    this.#elector = new LeaderElector(this.#opts.kubeConfig.makeApiClient(CoordinationV1Api), this.#opts.leaderElection, this.#clock, this.#log)
    this.metrics.leaderStatus.set({ name: lease }, 0)
    const campaign = this.#elector
      .run(election.signal, () => {
        this.metrics.leaderStatus.set({ name: lease }, 1)
        this.#startControllers()
      })
      .catch((err: unknown) => {
        this.#log.error('Leader election failed', { err })
        return 'lost' as const
      })
    const first = await Promise.race([campaign, stopped])
    if (first === 'stop') {
      // Keep renewing while in-flight reconciles drain; release the lease only afterwards.
      const exit = await this.#shutdown(false, async () => {
        election.abort()
        await campaign
      })
      this.metrics.leaderStatus.set({ name: lease }, 0)
      return exit
    }
    this.metrics.leaderStatus.set({ name: lease }, 0)
    return this.#shutdown(true)
  }

  #startControllers(): void {
    this.#controllersRunning = true
    for (const c of this.#controllers) c.start()
  }

  async #shutdown(lost: boolean, afterDrain?: () => Promise<void>): Promise<ManagerExit> {
    this.#phase = 'stopping'
    this.#log.info(lost ? 'Stopping after losing leadership' : 'Stopping gracefully')
    const deadline = lost ? 0 : (this.#opts.gracefulShutdownTimeoutMs ?? defaults.gracefulShutdownTimeoutMs)
    const drained = await Promise.all(this.#controllers.map((c) => c.stop(deadline)))
    this.#controllersRunning = false
    await afterDrain?.()
    await this.#stopInformers()
    this.#phase = 'stopped'
    if (lost) return { reason: 'leaderElectionLost' }
    return { reason: 'shutdown', drainedInTime: drained.every(Boolean) }
  }

  async #stopInformers(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((e) => e.informer.stop()))
  }
}
