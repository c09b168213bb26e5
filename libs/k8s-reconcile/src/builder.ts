/** Fluent wiring of a controller (controller-runtime's pkg/builder); misuse is reported by `complete`. */
import type { KubernetesObject } from '@kubernetes/client-node'
import * as E from 'fp-ts/lib/Either.js'
import { Controller, mapToControllerOwner, mapToSelf, type ControllerOptions, type WatchSpec } from './controller.js'
import type { InformerSelector } from './informer.js'
import type { KindDescriptor } from './kind.js'
import type { Predicate } from './predicates.js'
import type { ReconcileRequest, Reconciler } from './reconciler.js'

/** Wiring mistakes found by {@link ControllerBuilder.complete}; `problems` lists each one. */
export class BuildError extends Error {
  override readonly name = 'BuildError'
  constructor(readonly problems: readonly string[]) {
    super(`Invalid controller: ${problems.join('; ')}`)
  }
}

/** Per-watch options. */
export interface WatchOptions extends InformerSelector {
  /** Predicates for this watch only (the builder's event filters apply to all watches). */
  readonly predicates?: readonly Predicate[]
  /** Do not block manager start on this informer's sync (a CRD that may be installed later). Default false. */
  readonly optional?: boolean
  /**
   * Coalesce this watch's events: a mapped key is queued this many ms after the first event of a burst, and the
   * events that arrive meanwhile ride along (a burst of N changes costs about one reconcile per window, not N).
   * Default 0: queued at once.
   */
  readonly coalesceMs?: number
}

const NAME = /^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$/

/**
 * Builds a {@link Controller}. Every method returns the builder; nothing throws: mistakes (a second `for`,
 * no `for`, no or invalid name, bad options, ownership impossible in Kubernetes) are collected and
 * returned by {@link complete} as a `Left<BuildError>`.
 */
export class ControllerBuilder {
  readonly #problems: string[] = []
  #for: WatchSpec | undefined
  readonly #others: WatchSpec[] = []
  readonly #filters: Predicate[] = []
  #name: string | undefined
  #options: ControllerOptions = {}

  /** The primary kind: its events enqueue its own key. */
  for(kind: KindDescriptor, options: WatchOptions = {}): this {
    if (this.#for !== undefined) this.#problems.push(`for(${kind.kind}) called after for(${this.#for.kind.kind}); a controller has exactly one primary kind`)
    else this.#for = watchSpec('for', kind, options, mapToSelf)
    return this
  }

  /** A child kind: its events enqueue the key of the object's controller owner of the primary kind. */
  owns(kind: KindDescriptor, options: WatchOptions = {}): this {
    this.#others.push({ ...watchSpec('owns', kind, options, () => []), map: (o) => (this.#for ? mapToControllerOwner(this.#for.kind)(o) : []) })
    return this
  }

  /** Any kind: `map` turns each changed object into the keys to reconcile (old and new object on update). */
  watches(kind: KindDescriptor, map: (obj: KubernetesObject) => readonly ReconcileRequest[], options: WatchOptions = {}): this {
    if (typeof map !== 'function') this.#problems.push(`watches(${kind.kind}) needs a map function`)
    else this.#others.push(watchSpec('watches', kind, options, map))
    return this
  }

  /** A predicate applied to the events of every watch. */
  withEventFilter(predicate: Predicate): this {
    if (typeof predicate !== 'function') this.#problems.push('withEventFilter needs a predicate function')
    else this.#filters.push(predicate)
    return this
  }

  /** The controller name: metrics label, log field, queue name. Required; `[a-z0-9_-]`, at most 63 characters. */
  named(name: string): this {
    if (this.#name !== undefined) this.#problems.push(`named("${name}") called after named("${this.#name}")`)
    else this.#name = name
    return this
  }

  /** Concurrency, rate limiter and clock; see {@link ControllerOptions}. */
  withOptions(options: ControllerOptions): this {
    this.#options = { ...this.#options, ...options }
    return this
  }

  /** Validates the wiring and creates the controller. */
  complete(reconciler: Reconciler): E.Either<BuildError, Controller> {
    const problems = [...this.#problems]
    if (this.#for === undefined) problems.push('no primary kind: call for(kind)')
    if (this.#name === undefined) problems.push('no name: call named(name)')
    else if (!NAME.test(this.#name)) problems.push(`name "${this.#name}" must match ${NAME.source}`)
    const workers = this.#options.maxConcurrentReconciles
    if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
      problems.push(`maxConcurrentReconciles must be an integer >= 1 (got ${workers})`)
    }
    const primary = this.#for
    for (const w of this.#others) {
      if (w.role === 'owns' && primary !== undefined && primary.kind.namespaced && !w.kind.namespaced) {
        problems.push(`owns(${w.kind.kind}): a cluster-scoped object cannot be owned by namespaced ${primary.kind.kind}`)
      }
    }
    if (typeof reconciler?.reconcile !== 'function') problems.push('complete needs a Reconciler with a reconcile method')
    if (problems.length > 0 || primary === undefined || this.#name === undefined) return E.left(new BuildError(problems))
    return E.right(
      new Controller({
        name: this.#name,
        watches: [primary, ...this.#others],
        eventFilters: [...this.#filters],
        options: this.#options,
        reconciler,
      }),
    )
  }
}

/** Starts a builder with no primary kind (for code that decides the kind later). */
export function controllerBuilder(): ControllerBuilder {
  return new ControllerBuilder()
}

/**
 * Starts a builder for controllers of `kind`.
 * @example
 * const controller = controllerFor(WidgetKind).owns(ConfigMapKind).withEventFilter(generationChanged)
 *   .named('widget').complete(new WidgetReconciler(deps)) // Either<BuildError, Controller>
 */
export function controllerFor(kind: KindDescriptor, options: WatchOptions = {}): ControllerBuilder {
  return new ControllerBuilder().for(kind, options)
}

function watchSpec(
  role: WatchSpec['role'],
  kind: KindDescriptor,
  options: WatchOptions,
  map: WatchSpec['map'],
): WatchSpec {
  const { predicates = [], optional = false, coalesceMs = 0, ...selector } = options
  return { role, kind, selector, optional, predicates, map, coalesceMs }
}
