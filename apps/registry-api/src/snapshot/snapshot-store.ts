/** SnapshotStore: holds the current RegistryView and swaps it atomically when a new snapshot arrives. */
import type { Logger } from 'winston'
import { RegistryView, type RegistryViewOptions, type ServedView } from '../views/registry-view.js'
import type { ServedSnapshot } from './served-snapshot.js'

/** Read access to the view being served: what the HTTP layer depends on. */
export interface ViewSource {
  /** The current view, or undefined until the first snapshot has loaded. */
  readonly current: ServedView | undefined
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
  readonly #listeners = new Set<(view: RegistryView<S>) => void>()

  constructor(private readonly viewOptions: RegistryViewOptions<S>, private readonly log: Logger) {}

  /** The view being served, or undefined until the first snapshot has loaded (readiness is 503 until then). */
  get current(): RegistryView<S> | undefined {
    return this.#current
  }

  /** Builds a view of `snapshot` and makes it current, unless it has the current hash. Throws on render bugs. */
  offer(snapshot: S): OfferResult {
    if (this.#current?.hash === snapshot.hash) return 'unchanged'
    const started = performance.now()
    const view = new RegistryView(snapshot, this.viewOptions)
    const previous = this.#current
    this.#current = view
    this.log.info('Loaded registry snapshot', {
      registry: snapshot.registry.name, hash: snapshot.hash, previousHash: previous?.hash,
      versions: view.entries.length, durationMs: Math.round(performance.now() - started),
    })
    const compressing = performance.now()
    void view.precompress().then(() => {
      this.log.info('Compressed snapshot documents', { hash: snapshot.hash, durationMs: Math.round(performance.now() - compressing) })
    }, (err: unknown) => {
      this.log.error('Failed to precompress snapshot documents', { err, hash: snapshot.hash })
    })
    for (const listener of this.#listeners) listener(view)
    return 'swapped'
  }

  /** Calls `listener` after every swap; returns a function that unsubscribes. */
  onSwap(listener: (view: RegistryView<S>) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
