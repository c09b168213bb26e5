/** Leader election on a coordination.k8s.io/v1 Lease, following client-go's LeaderElector semantics. */
import { V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node'
import { systemClock, type Clock } from './clock.js'
import { defaults } from './defaults.js'
import { httpStatusOf } from '@thv/kube-calls'
import { noopLogger, type Logger } from './logger.js'

/** Options of {@link LeaderElector}; durations default to controller-runtime's 15 s / 10 s / 2 s. */
export interface LeaderElectionOptions {
  /** Namespace of the Lease. */
  readonly namespace: string
  /** Name of the Lease. */
  readonly name: string
  /** This candidate's identity (e.g. pod name + random suffix); must be unique among candidates. */
  readonly identity: string
  /** Followers wait this long after the last observed change before taking over. Default 15 s. */
  readonly leaseDurationMs?: number
  /** The leader steps down when it could not renew for this long. Default 10 s; must be < leaseDurationMs. */
  readonly renewDeadlineMs?: number
  /** Pause between acquire/renew attempts. Default 2 s. */
  readonly retryPeriodMs?: number
  /** Clear the holder on shutdown so a successor need not wait for expiry. Default true. */
  readonly releaseOnCancel?: boolean
}

/** The Lease calls the elector makes; `kubeConfig.makeApiClient(CoordinationV1Api)` provides them. */
export type LeaseApi = Pick<CoordinationV1Api, 'readNamespacedLease' | 'createNamespacedLease' | 'replaceNamespacedLease'>

/** How a {@link LeaderElector.run} ended. */
export type LeaderElectionOutcome = 'cancelled' | 'lost'

/**
 * Acquires and renews a Lease. Expiry is judged by the local time at which this candidate last saw the
 * lease record change (client-go's `observedTime`), never by the holder's `renewTime` clock. Acquire and
 * renew times are written as {@link V1MicroTime} (the API server requires 6 fractional digits).
 */
export class LeaderElector {
  readonly #api: LeaseApi
  readonly #opts: Required<LeaderElectionOptions>
  readonly #clock: Clock
  readonly #log: Logger
  #observed: { record: string; atMs: number } | undefined
  #leader = false

  constructor(api: LeaseApi, options: LeaderElectionOptions, clock: Clock = systemClock, log: Logger = noopLogger) {
    this.#api = api
    this.#opts = {
      leaseDurationMs: defaults.leaseDurationMs,
      renewDeadlineMs: defaults.renewDeadlineMs,
      retryPeriodMs: defaults.retryPeriodMs,
      releaseOnCancel: true,
      ...options,
    }
    if (this.#opts.renewDeadlineMs >= this.#opts.leaseDurationMs) {
      throw new Error(`renewDeadlineMs (${this.#opts.renewDeadlineMs}) must be less than leaseDurationMs (${this.#opts.leaseDurationMs})`)
    }
    this.#clock = clock
    this.#log = log.child({ lease: `${options.namespace}/${options.name}`, identity: options.identity })
  }

  /** True while this candidate holds the lease. */
  isLeader(): boolean {
    return this.#leader
  }

  /**
   * Campaigns until leader, calls `onStartedLeading`, renews until `signal` aborts ('cancelled', lease
   * released if configured) or renewal fails for `renewDeadlineMs` ('lost').
   */
  async run(signal: AbortSignal, onStartedLeading: () => void): Promise<LeaderElectionOutcome> {
    while (!signal.aborted && !(await this.#tryAcquireOrRenew())) await this.#sleep(this.#opts.retryPeriodMs, signal)
    if (signal.aborted) return 'cancelled'
    this.#leader = true
    this.#log.info('Acquired lease')
    onStartedLeading()
    let lastRenewMs = this.#clock.now()
    while (!signal.aborted) {
      await this.#sleep(this.#opts.retryPeriodMs, signal)
      if (signal.aborted) break
      if (await this.#tryAcquireOrRenew()) lastRenewMs = this.#clock.now()
      else if (this.#clock.now() - lastRenewMs >= this.#opts.renewDeadlineMs) {
        this.#leader = false
        this.#log.error('Lost lease: could not renew within the renew deadline', { renewDeadlineMs: this.#opts.renewDeadlineMs })
        return 'lost'
      }
    }
    if (this.#opts.releaseOnCancel) await this.#release()
    this.#leader = false
    return 'cancelled'
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.#opts
    const now = new V1MicroTime(this.#clock.now())
    const leaseDurationSeconds = Math.ceil(this.#opts.leaseDurationMs / 1000)
    let current: V1Lease
    try {
      current = await this.#api.readNamespacedLease({ namespace, name })
    } catch (err) {
      if (httpStatusOf(err) !== 404) return this.#failed('read', err)
      try {
        await this.#api.createNamespacedLease({
          namespace,
          body: { metadata: { name, namespace }, spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 } },
        })
        this.#observe('created')
        return true
      } catch (createErr) {
        return httpStatusOf(createErr) === 409 ? false : this.#failed('create', createErr)
      }
    }
    const spec = current.spec ?? {}
    const holder = spec.holderIdentity ?? ''
    const record = JSON.stringify([holder, String(spec.renewTime ?? ''), spec.leaseTransitions ?? 0, spec.leaseDurationSeconds ?? 0])
    if (this.#observed?.record !== record) this.#observe(record)
    const observedAt = this.#observed?.atMs ?? this.#clock.now()
    const heldByOther = holder !== '' && holder !== identity
    const durationMs = (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000
    if (heldByOther && observedAt + durationMs > this.#clock.now()) return false
    const renewing = holder === identity
    try {
      const updated = await this.#api.replaceNamespacedLease({
        namespace,
        name,
        body: {
          metadata: { ...current.metadata, name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds,
            acquireTime: renewing && spec.acquireTime !== undefined ? spec.acquireTime : now,
            renewTime: now,
            leaseTransitions: (spec.leaseTransitions ?? 0) + (renewing ? 0 : 1),
          },
        },
      })
      this.#observe(JSON.stringify([identity, String(updated.spec?.renewTime ?? ''), updated.spec?.leaseTransitions ?? 0, leaseDurationSeconds]))
      return true
    } catch (err) {
      return httpStatusOf(err) === 409 ? false : this.#failed('update', err)
    }
  }

  async #release(): Promise<void> {
    const { namespace, name, identity } = this.#opts
    try {
      const current = await this.#api.readNamespacedLease({ namespace, name })
      if (current.spec?.holderIdentity !== identity) return
      const now = new V1MicroTime(this.#clock.now())
      // client-go releases by clearing the holder and shortening the lease to 1 s.
      await this.#api.replaceNamespacedLease({
        namespace,
        name,
        body: { metadata: current.metadata, spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now } },
      })
      this.#log.info('Released lease')
    } catch (err) {
      this.#log.error('Could not release lease; successors wait for it to expire', { err })
    }
  }

  #observe(record: string): void {
    this.#observed = { record, atMs: this.#clock.now() }
  }

  #failed(action: string, err: unknown): false {
    this.#log.warn(`Could not ${action} lease`, { err, status: httpStatusOf(err) })
    return false
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const onAbort = () => {
        cancel()
        resolve()
      }
      const cancel = this.#clock.schedule(() => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }
}
