/** SnapshotStore: holds the current RegistryView and swaps it atomically when a new snapshot arrives. */
import type { Logger } from 'winston'
import type { RegistryView, RegistryViewOptions, ServedView } from '../views/registry-view.js'
import { entryClaimsOf } from '@thv/converters'
import { claimsMatch, type RequiredClaims } from '../auth/claims-match.js'
import { restrictView, type ViewRestriction } from './restricted-snapshot.js'
import type { ServedSnapshot } from './served-snapshot.js'
import { viewOf, viewsOf, type SnapshotViews } from './view-builder.js'

/** Most restricted views kept per snapshot (one per view and distinct set of hidden views and sources). */
export const MaxRestrictedViews = 64

/** Read access to the view being served: what the HTTP layer depends on. */
export interface ViewSource {
  /** The current view (the first view of a registry with several sources), or undefined until the first snapshot has loaded. */
  readonly current: ServedView | undefined
  /** A named view of a registry with several sources (`/registry/{view}/…`); undefined when there is none of that name. */
  named(view: string): ServedView | undefined
  /**
   * The view `name` (undefined: the one served at the unprefixed paths) as a caller restricted by `r` sees it, built
   * on first use and kept for the snapshot; undefined when that view is hidden from the caller or does not exist.
   */
  restricted(name: string | undefined, r: ViewRestriction): ServedView | undefined
  /**
   * `base` extended with the entries of the current snapshot whose own claims (`authz_claims`, set by `kubernetes`
   * sources) `claims` do not match; `base` itself when every entry's claims match. Kept per `claims` object and snapshot.
   */
  restrictionFor(base: ViewRestriction, claims: Readonly<Record<string, unknown>>): ViewRestriction
}

/** The distinct per-entry claims of a snapshot and, per entry of `servers` then `extraServers`, its rule's index. */
interface EntryRules {
  readonly rules: readonly RequiredClaims[]
  readonly ruleOf: Int32Array
}

function entryRulesOf(snapshot: ServedSnapshot): EntryRules | undefined {
  const pool = [...snapshot.servers, ...(snapshot.extraServers ?? [])]
  const byKey = new Map<string, number>()
  const rules: RequiredClaims[] = []
  const ruleOf = new Int32Array(pool.length).fill(-1)
  pool.forEach((entry, e) => {
    const claims = entryClaimsOf(entry.server as { _meta?: unknown })
    if (claims === undefined) return
    const key = JSON.stringify(Object.entries(claims).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    let rule = byKey.get(key)
    if (rule === undefined) {
      rule = rules.length
      byKey.set(key, rule)
      rules.push(claims)
    }
    ruleOf[e] = rule
  })
  return rules.length === 0 ? undefined : { rules, ruleOf }
}

/** Why `offer` did or did not replace the current view. */
export type OfferResult = 'swapped' | 'unchanged'

/**
 * The single mutable cell of the API. `current` is read once per request; `offer` builds the new view
 * completely (every eager document serialized) before one assignment publishes it, so readers never see a
 * half-built state. A snapshot whose hash equals the current one is ignored.
 */
export class SnapshotStore<S extends ServedSnapshot = ServedSnapshot> implements ViewSource {
  #current: RegistryView<S> | undefined
  #named: ReadonlyMap<string, RegistryView<S>> = new Map()
  #snapshot: S | undefined
  #restricted = new Map<string, RegistryView<S> | undefined>()
  #entryRules: EntryRules | undefined
  #restrictions = new WeakMap<object, { readonly snapshot: S; readonly base: ViewRestriction; readonly result: ViewRestriction }>()
  readonly #listeners = new Set<(view: RegistryView<S>) => void>()
  readonly #settledListeners = new Set<() => void>()

  /**
   * `restrictable` (default true) keeps the current snapshot's objects for building restricted views on demand
   * (`restricted`, `restrictionFor`; only `--auth-config` uses them). Without it the store keeps only the views,
   * which hold the snapshot as bytes (ADR 0014): `restricted` then serves the unrestricted views only.
   */
  constructor(readonly viewOptions: RegistryViewOptions<S>, private readonly log: Logger, private readonly restrictable = true) {}

  /** The view being served, or undefined until the first snapshot has loaded (readiness is 503 until then). */
  get current(): RegistryView<S> | undefined {
    return this.#current
  }

  named(view: string): RegistryView<S> | undefined {
    return this.#named.get(view)
  }

  restricted(name: string | undefined, r: ViewRestriction): RegistryView<S> | undefined {
    const snapshot = this.#snapshot
    if (snapshot === undefined) return name === undefined ? this.#current : this.#named.get(name)
    const views = snapshot.views
    // One source (no views): only entries with their own claims can be hidden.
    if (views === undefined && name !== undefined) return undefined
    const i = name === undefined || views === undefined ? 0 : views.findIndex((v) => v.name === name)
    const viewName = views === undefined ? '' : views[i]?.name
    if (viewName === undefined || r.hiddenViews.has(viewName)) return undefined
    if (r.key === '' || (views === undefined && (r.hiddenEntries?.size ?? 0) === 0)) return i === 0 ? this.#current : this.#named.get(viewName)
    const key = `${viewName}\0${r.key}`
    let view = this.#restricted.get(key)
    if (view === undefined) {
      view = viewOf(restrictView(snapshot, i, r), { ...this.viewOptions, ...(views === undefined ? {} : { viewName }) })
      if (this.#restricted.size >= MaxRestrictedViews) this.#restricted.delete(this.#restricted.keys().next().value as string)
    } else this.#restricted.delete(key)
    this.#restricted.set(key, view)
    return view
  }

  restrictionFor(base: ViewRestriction, claims: Readonly<Record<string, unknown>>): ViewRestriction {
    const snapshot = this.#snapshot
    const rules = this.#entryRules
    if (snapshot === undefined || rules === undefined) return base
    const known = this.#restrictions.get(claims)
    if (known !== undefined && known.snapshot === snapshot && known.base === base) return known.result
    const unmatched = new Set<number>()
    rules.rules.forEach((rule, n) => {
      if (!claimsMatch(rule, claims)) unmatched.add(n)
    })
    let result = base
    if (unmatched.size > 0) {
      const hiddenEntries = new Set<number>()
      rules.ruleOf.forEach((rule, e) => {
        if (unmatched.has(rule)) hiddenEntries.add(e)
      })
      result = { ...base, key: `${base.key};e:${[...unmatched].join(',')}`, hiddenEntries }
    }
    this.#restrictions.set(claims, { snapshot, base, result })
    return result
  }

  /**
   * Builds a view of `snapshot` (one per named view when it has `views`) and makes it current, unless it has the
   * current hash. Every view is built before one assignment publishes them. Throws on render bugs.
   */
  offer(snapshot: S): OfferResult {
    if (this.#current?.hash === snapshot.hash) return 'unchanged'
    const started = performance.now()
    return this.#publish(this.#viewsOf(snapshot), started, this.restrictable ? snapshot : undefined)
  }

  /**
   * Makes views built elsewhere current (a stored snapshot's, built while it was read: see view-builder.ts), unless
   * they have the current hash. `started`: when their build began, for the log. Restricted views are not available
   * for them (only the unrestricted views are served), as without `restrictable`.
   */
  offerViews(views: SnapshotViews<S>, started = performance.now()): OfferResult {
    if (this.#current?.hash === views.view.hash) return 'unchanged'
    return this.#publish(views, started, undefined)
  }

  #publish({ view, named }: SnapshotViews<S>, started: number, snapshot: S | undefined): OfferResult {
    const previous = this.#current
    this.#current = view
    this.#named = named
    this.#snapshot = snapshot
    this.#restricted = new Map()
    this.#entryRules = snapshot === undefined ? undefined : entryRulesOf(snapshot)
    this.log.info('Loaded registry snapshot', {
      registry: view.header.registry.name, hash: view.hash, previousHash: previous?.hash,
      versions: view.entries.length, views: named.size, durationMs: Math.round(performance.now() - started),
    })
    const compressing = performance.now()
    // No function created here may refer to `snapshot`: V8 keeps every variable that any closure of a function uses
    // in one context shared by all of them, so the callbacks below would keep the whole snapshot alive until they
    // have run, and the settled listeners (which run inside them) could not collect it. They capture the hash and
    // the views only; the views are built in #viewsOf for the same reason.
    const hash = view.hash
    void Promise.all([view, ...named.values()].map((v) => v.precompress())).then(() => {
      this.log.info('Compressed snapshot documents', { hash, durationMs: Math.round(performance.now() - compressing) })
      if (this.#current === view) for (const listener of this.#settledListeners) listener()
    }, (err: unknown) => {
      this.log.error('Failed to precompress snapshot documents', { err, hash })
    })
    for (const listener of this.#listeners) listener(view)
    return 'swapped'
  }

  /** The views of `snapshot`: one per named view when it has `views` (the first is `view`), else one. */
  #viewsOf(snapshot: S): SnapshotViews<S> {
    return viewsOf(snapshot, this.viewOptions)
  }

  /**
   * Calls `listener` once a swap has settled: its documents are compressed and the loader that offered the snapshot
   * has let go of it (a swap overtaken by the next one does not settle). Returns a function that unsubscribes.
   */
  onSettled(listener: () => void): () => void {
    this.#settledListeners.add(listener)
    return () => this.#settledListeners.delete(listener)
  }

  /** Calls `listener` after every swap; returns a function that unsubscribes. */
  onSwap(listener: (view: RegistryView<S>) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
