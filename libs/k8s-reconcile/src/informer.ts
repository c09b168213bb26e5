/** A shared informer: list, then watch from the list's resourceVersion, with its own restart loop. */
import { Watch, type KubernetesObject } from '@kubernetes/client-node'
import { backoffDelayMs, defaultInformerBackoff, type BackoffOptions } from './backoff.js'
import { systemClock, type CancelTimer, type Clock } from './clock.js'
import { defaults } from './defaults.js'
import { apiVersionOf, keyOf, objectKeyOf, resourcePath, type KindDescriptor } from './kind.js'
import { httpStatusOf } from '@thv/kube-calls'
import { KubeApiError, type KubeClient } from './kube-client.js'
import { noopLogger, type Logger } from './logger.js'
import type { WatchEvent } from './predicates.js'

/** Which objects an informer caches. */
export interface InformerSelector {
  /** Only this namespace; all namespaces when undefined (ignored for cluster-scoped kinds). */
  readonly namespace?: string
  readonly labelSelector?: string
  readonly fieldSelector?: string
}

/**
 * Rewrites an object before an informer caches it and hands it to handlers, to keep only what readers of the cache
 * use (client-go's `SharedIndexInformer.SetTransform`, controller-runtime's cache `Transform`): e.g. drop ConfigMap
 * `data` that is always read through the API. It gets each listed or watched object (also the last state of a
 * deleted one) freshly decoded and owned by the informer, so it may change and return it; it must keep `metadata`
 * `namespace`, `name` and `resourceVersion`, and must not throw.
 */
export type InformerTransform<T extends KubernetesObject = KubernetesObject> = (obj: T) => T

/** Options of {@link Informer}. */
export interface InformerOptions extends InformerSelector {
  /** Re-deliver every cached object as an update this often (ms); off when undefined. */
  readonly resyncPeriodMs?: number
  readonly clock?: Clock
  readonly log?: Logger
  /** Restart backoff after errors; default {@link defaultInformerBackoff}. */
  readonly backoff?: BackoffOptions
  /** Server-side watch timeout (default {@link defaults.watchTimeoutSeconds}). */
  readonly watchTimeoutSeconds?: number
  /** Random source in [0, 1) for jitter (default `Math.random`). */
  readonly random?: () => number
  /** Applied to every object before it is cached and delivered (default: none). See {@link InformerTransform}. */
  readonly transform?: InformerTransform
}

/** Counters of an informer's loop, for diagnostics and tests. */
export interface InformerStats {
  /** Completed full lists (1 after the first sync; +1 per re-list after 410 or an error). */
  readonly lists: number
  /** Watch requests made. */
  readonly watches: number
  /** 410 Gone answers (expired resourceVersion) seen. */
  readonly expired: number
  /** Other failures that caused a backoff. */
  readonly failures: number
}

/** Computes the index values of an object, e.g. the ConfigMaps a registry reads. */
export type IndexFunc<T> = (obj: T) => readonly string[]

/** A watch-event handler; called synchronously from the informer loop. */
export type InformerHandler<T extends KubernetesObject> = (event: WatchEvent & { readonly object: T }) => void

class WatchStatusError extends Error {
  constructor(readonly code: number, message: string) {
    super(message)
  }
}

/**
 * Caches all objects of one kind (optionally narrowed by namespace and selectors) and tells handlers about
 * changes. Unlike client-node's `ListWatch` it never stops by itself: after any error it restarts with
 * capped, jittered backoff; a 410 Gone re-lists at once; a kind whose CRD is not installed yet (404) is
 * retried until it appears. Quiet watches are ended by the server before client-node's 30 s inactivity abort
 * and resumed immediately from the last resourceVersion.
 */
export class Informer<T extends KubernetesObject = KubernetesObject> {
  readonly kind: KindDescriptor
  readonly #client: KubeClient
  readonly #watch: Watch
  readonly #opts: InformerOptions
  readonly #clock: Clock
  readonly #log: Logger
  readonly #cache = new Map<string, T>()
  readonly #handlers = new Set<InformerHandler<T>>()
  readonly #indexes = new Map<string, { fn: IndexFunc<T>; byValue: Map<string, Set<string>>; byKey: Map<string, readonly string[]> }>()
  readonly #syncWaiters = new Set<() => void>()
  #rv: string | undefined
  #synced = false
  #stopped = true
  #loop: Promise<void> | undefined
  #abort: AbortController | undefined
  #wake: (() => void) | undefined
  #cancelResync: CancelTimer | undefined
  #stats = { lists: 0, watches: 0, expired: 0, failures: 0 }

  constructor(client: KubeClient, kind: KindDescriptor, options: InformerOptions = {}) {
    this.kind = kind
    this.#client = client
    this.#watch = new Watch(client.kubeConfig)
    this.#opts = options
    this.#clock = options.clock ?? systemClock
    this.#log = (options.log ?? noopLogger).child({ informer: kind.kind, namespace: options.namespace ?? '' })
  }

  /** Registers a handler; objects already cached are replayed to it as creates. Returns an unregister function. */
  addHandler(handler: InformerHandler<T>): () => void {
    this.#handlers.add(handler)
    for (const object of this.#cache.values()) this.#deliver(handler, { type: 'create', object })
    return () => void this.#handlers.delete(handler)
  }

  /** Adds (or replaces) index `name`; existing objects are indexed at once. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    const index = { fn, byValue: new Map<string, Set<string>>(), byKey: new Map<string, readonly string[]>() }
    this.#indexes.set(name, index)
    for (const [key, obj] of this.#cache) this.#indexOne(index, key, obj)
  }

  /** Cached objects whose index `name` contains `value`. Throws for an unknown index (a wiring bug). */
  byIndex(name: string, value: string): T[] {
    const index = this.#indexes.get(name)
    if (index === undefined) throw new Error(`Informer for ${this.kind.kind} has no index "${name}"`)
    return [...(index.byValue.get(value) ?? [])].flatMap((k) => {
      const o = this.#cache.get(k)
      return o === undefined ? [] : [o]
    })
  }

  /** The cached object, if any. Treat it as read-only. */
  get(namespace: string, name: string): T | undefined {
    return this.#cache.get(keyOf({ namespace, name }))
  }

  /** Cached objects, optionally of one namespace. */
  list(namespace?: string): T[] {
    const all = [...this.#cache.values()]
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace)
  }

  /** Loop counters. */
  stats(): InformerStats {
    return { ...this.#stats }
  }

  /** The resourceVersion the next watch resumes from (undefined before a list or after a 410). */
  lastResourceVersion(): string | undefined {
    return this.#rv
  }

  /** True once the first list has completed. */
  hasSynced(): boolean {
    return this.#synced
  }

  /** Resolves true when synced, false if `timeoutMs` passes first. */
  waitForSync(timeoutMs: number): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true)
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        this.#syncWaiters.delete(onSync)
        cancel()
        resolve(ok)
      }
      const onSync = () => done(true)
      const cancel = this.#clock.schedule(() => done(false), timeoutMs)
      this.#syncWaiters.add(onSync)
    })
  }

  /** Starts the list/watch loop (idempotent). */
  start(): void {
    if (!this.#stopped) return
    this.#stopped = false
    this.#loop = this.#run()
  }

  /** Stops the loop and resolves when it has ended. The cache keeps its content. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#cancelResync?.()
    this.#abort?.abort()
    this.#wake?.()
    await this.#loop
  }

  async #run(): Promise<void> {
    let failures = 0
    let goneInARow = 0
    while (!this.#stopped) {
      try {
        if (this.#rv === undefined) {
          await this.#relist()
          if (failures > 0) this.#log.info('Recovered informer', { kind: this.kind.kind, failures })
          failures = 0
        }
        await this.#watchOnce()
        goneInARow = 0
      } catch (err) {
        if (this.#stopped) break
        const status = httpStatusOf(err)
        if (status === 410) this.#stats.expired++
        else this.#stats.failures++
        if (status === 410 && goneInARow++ === 0) {
          this.#log.info('Watch expired, re-listing', { kind: this.kind.kind })
          this.#rv = undefined
          continue
        }
        if (status === 410) this.#rv = undefined
        const delayMs = backoffDelayMs(failures, this.#opts.backoff ?? defaultInformerBackoff, this.#opts.random)
        const meta = { kind: this.kind.kind, status, attempt: failures + 1, delayMs, err }
        if (failures === 0) this.#log.warn('Informer failed, retrying', meta)
        else this.#log.debug('Informer failed again, retrying', meta)
        failures++
        await this.#sleep(delayMs)
      }
    }
  }

  async #relist(): Promise<void> {
    const abort = new AbortController()
    this.#abort = abort
    const items: T[] = []
    let cont: string | undefined
    let rv: string | undefined
    do {
      const page = await this.#client.list<T>(this.kind, this.#opts.namespace, {
        labelSelector: this.#opts.labelSelector,
        fieldSelector: this.#opts.fieldSelector,
        limit: defaults.listPageSize,
        continue: cont,
      }, abort.signal)
      for (const o of page.items) items.push(this.#transform({ ...o, apiVersion: apiVersionOf(this.kind), kind: this.kind.kind }))
      cont = page.metadata?.continue === '' ? undefined : page.metadata?.continue
      rv = page.metadata?.resourceVersion
    } while (cont !== undefined)
    if (this.#stopped) return
    const seen = new Set<string>()
    for (const object of items) {
      const key = keyOf(objectKeyOf(object))
      seen.add(key)
      const old = this.#cache.get(key)
      this.#store(key, object)
      if (old === undefined) this.#emit({ type: 'create', object })
      else if (old.metadata?.resourceVersion !== object.metadata?.resourceVersion) this.#emit({ type: 'update', old, object })
    }
    for (const [key, object] of [...this.#cache]) {
      if (seen.has(key)) continue
      this.#remove(key)
      this.#emit({ type: 'delete', object })
    }
    this.#rv = rv
    this.#stats.lists++
    if (!this.#synced) {
      this.#synced = true
      this.#log.debug('Synced informer', { kind: this.kind.kind, objects: items.length })
      this.#syncWaiters.forEach((w) => w())
      this.#scheduleResync()
    }
  }

  #watchOnce(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false
      let controller: AbortController | undefined
      const finish = (err?: unknown) => {
        if (settled) return
        settled = true
        controller?.abort()
        // client-node aborts a watch after 30 s without data; that is a clean end, resume from #rv.
        if (err === undefined || err === null || (err instanceof Error && err.name === 'TimeoutError')) resolve()
        else reject(err)
      }
      const path = resourcePath(this.kind, this.#opts.namespace)
      this.#stats.watches++
      const query = {
        resourceVersion: this.#rv,
        allowWatchBookmarks: true,
        timeoutSeconds: this.#opts.watchTimeoutSeconds ?? defaults.watchTimeoutSeconds,
        labelSelector: this.#opts.labelSelector,
        fieldSelector: this.#opts.fieldSelector,
      }
      const onEvent = (type: string, obj: unknown) => {
        if (settled || this.#stopped) return
        try {
          this.#onWatchEvent(type, obj)
        } catch (err) {
          finish(err)
        }
      }
      this.#watch.watch(path, query, onEvent, finish).then(
        (c) => {
          controller = c
          this.#abort = c
          if (settled || this.#stopped) c.abort()
        },
        (err: unknown) => finish(new KubeApiError('GET', path, 0, undefined, { cause: err })),
      )
    })
  }

  #onWatchEvent(type: string, raw: unknown): void {
    if (type === 'ERROR') {
      const status = raw as { code?: number; message?: string }
      throw new WatchStatusError(status.code ?? 500, `Watch of ${this.kind.kind} returned an error: ${status.message ?? 'unknown'}`)
    }
    if (type === 'BOOKMARK') {
      this.#rv = (raw as T).metadata?.resourceVersion ?? this.#rv
      return
    }
    const object = this.#transform(raw as T)
    const rv = object.metadata?.resourceVersion
    const key = keyOf(objectKeyOf(object))
    const old = this.#cache.get(key)
    if (type === 'ADDED' || type === 'MODIFIED') {
      this.#store(key, object)
      this.#rv = rv ?? this.#rv
      this.#emit(old === undefined ? { type: 'create', object } : { type: 'update', old, object })
    } else if (type === 'DELETED') {
      this.#remove(key)
      this.#rv = rv ?? this.#rv
      this.#emit({ type: 'delete', object })
    }
  }

  #transform(obj: T): T {
    const transform = this.#opts.transform as InformerTransform<T> | undefined
    return transform === undefined ? obj : transform(obj)
  }

  #store(key: string, obj: T): void {
    this.#cache.set(key, obj)
    for (const index of this.#indexes.values()) this.#indexOne(index, key, obj)
  }

  #remove(key: string): void {
    this.#cache.delete(key)
    for (const index of this.#indexes.values()) this.#unindexOne(index, key)
  }

  #indexOne(index: { fn: IndexFunc<T>; byValue: Map<string, Set<string>>; byKey: Map<string, readonly string[]> }, key: string, obj: T): void {
    this.#unindexOne(index, key)
    const values = index.fn(obj)
    index.byKey.set(key, values)
    for (const v of values) {
      const set = index.byValue.get(v) ?? new Set<string>()
      index.byValue.set(v, set)
      set.add(key)
    }
  }

  #unindexOne(index: { byValue: Map<string, Set<string>>; byKey: Map<string, readonly string[]> }, key: string): void {
    for (const v of index.byKey.get(key) ?? []) {
      const set = index.byValue.get(v)
      set?.delete(key)
      if (set?.size === 0) index.byValue.delete(v)
    }
    index.byKey.delete(key)
  }

  #emit(event: WatchEvent & { readonly object: T }): void {
    for (const handler of [...this.#handlers]) this.#deliver(handler, event)
  }

  #deliver(handler: InformerHandler<T>, event: WatchEvent & { readonly object: T }): void {
    try {
      handler(event)
    } catch (err) {
      this.#log.error('Informer handler failed', { kind: this.kind.kind, event: event.type, err })
    }
  }

  #scheduleResync(): void {
    const period = this.#opts.resyncPeriodMs
    if (period === undefined || period <= 0 || this.#stopped) return
    this.#cancelResync = this.#clock.schedule(() => {
      for (const object of this.#cache.values()) this.#emit({ type: 'update', old: object, object })
      this.#scheduleResync()
    }, period)
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.#clock.schedule(() => {
        this.#wake = undefined
        resolve()
      }, ms)
      this.#wake = () => {
        cancel()
        this.#wake = undefined
        resolve()
      }
    })
  }
}
