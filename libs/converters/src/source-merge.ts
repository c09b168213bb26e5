/**
 * The merge rule of a registry with several sources: servers are merged by server name in source order, the first
 * source that has a name wins (every version it has), and later copies of that name are shadowed (counted, never
 * served). The global filter applies to the merge, after shadowing. A view is the same merge over its own ordered
 * subset of the sources, so a view never contains a server that none of its sources has.
 */
import { applyFilter, type CompiledFilter } from './server-filter.js'

/**
 * A server entry as a source contributes it (the upstream `ServerResponse` shape: one entry per version).
 *
 * @category merge
 * @since 0.2.0
 */
export interface MergeableServer {
  /** The server; `name` is the merge key (all versions of a name come from one source). */
  readonly server: { readonly name: string; readonly _meta?: unknown }
}

/**
 * One source's current servers: its last good data (a source that never synced has none and is left out).
 *
 * @category merge
 * @since 0.2.0
 */
export interface SourceServers<T extends MergeableServer> {
  /** `spec.sources[].name`. */
  readonly source: string
  /** The source's entries, in its own order. */
  readonly servers: ReadonlyArray<T>
}

/**
 * A server name a later source also has, and which source's copy is served instead.
 *
 * @category merge
 * @since 0.2.0
 */
export interface ShadowedServer {
  /** The server name. */
  readonly name: string
  /** The source whose entries for `name` are dropped. */
  readonly source: string
  /** The earlier source whose entries are served. */
  readonly winner: string
}

/**
 * The merge of a list of sources.
 *
 * @category merge
 * @since 0.2.0
 */
export interface MergedSources<T extends MergeableServer> {
  /** Served entries: each source's winning entries in source order, each source's own order kept; filtered. */
  readonly servers: ReadonlyArray<T>
  /** Every shadowed (name, source) pair, in source order then the shadowed source's order. */
  readonly shadowed: ReadonlyArray<ShadowedServer>
  /** Per source: distinct server names it contributes to `servers` (after the filter). */
  readonly servedBySource: ReadonlyMap<string, number>
  /** Per source: distinct server names of it that an earlier source shadows. */
  readonly shadowedBySource: ReadonlyMap<string, number>
}

/**
 * Merges sources by server name, first wins, then keeps what passes `filter` (shadowing is decided before the
 * filter, so a filtered-out winner still hides later copies: the order of `sources` alone decides who owns a name).
 *
 * @category merge
 * @since 0.2.0
 */
export function mergeSources<T extends MergeableServer>(
  sources: ReadonlyArray<SourceServers<T>>,
  filter: CompiledFilter,
): MergedSources<T> {
  const owner = new Map<string, string>()
  const kept: T[] = []
  const keptSource: string[] = []
  const shadowed: ShadowedServer[] = []
  const shadowedBySource = new Map<string, number>()
  for (const { source, servers } of sources) {
    const mine = new Set<string>()
    const hidden = new Set<string>()
    for (const entry of servers) {
      const name = entry.server.name
      const winner = owner.get(name)
      if (winner === undefined || winner === source) {
        if (winner === undefined) owner.set(name, source)
        mine.add(name)
        kept.push(entry)
        keptSource.push(source)
      } else if (!hidden.has(name)) {
        hidden.add(name)
        shadowed.push({ name, source, winner })
      }
    }
    shadowedBySource.set(source, hidden.size)
  }
  const passes = new Set(applyFilter(kept, filter))
  const servers: T[] = []
  const servedNames = new Map<string, Set<string>>(sources.map((s) => [s.source, new Set<string>()]))
  kept.forEach((entry, i) => {
    if (!passes.has(entry)) return
    servers.push(entry)
    servedNames.get(keptSource[i] as string)?.add(entry.server.name)
  })
  const servedBySource = new Map([...servedNames].map(([s, names]) => [s, names.size] as const))
  return { servers, shadowed, servedBySource, shadowedBySource }
}

/**
 * {@link mergeSources} over the sources a view names, in the view's order; sources without data are skipped.
 *
 * @category merge
 * @since 0.2.0
 */
export function mergeView<T extends MergeableServer>(
  bySource: ReadonlyMap<string, ReadonlyArray<T>>,
  viewSources: ReadonlyArray<string>,
  filter: CompiledFilter,
): MergedSources<T> {
  const present = viewSources.flatMap((source) => {
    const servers = bySource.get(source)
    return servers === undefined ? [] : [{ source, servers }]
  })
  return mergeSources(present, filter)
}

/**
 * The Event message for shadowed servers, naming at most `limit` (default 5) and counting the rest, e.g.
 * `3 servers shadowed: fetch (upstream-list, served from platform), git (…), time (…)`. Empty when nothing is shadowed.
 * Deterministic for the same shadowing, so a caller emits it once per change by comparing it with the last one sent.
 *
 * @category merge
 * @since 0.2.0
 */
export function describeShadowing(shadowed: ReadonlyArray<ShadowedServer>, limit = 5): string {
  if (shadowed.length === 0) return ''
  const named = shadowed.slice(0, limit).map((s) => `${s.name} (${s.source}, served from ${s.winner})`)
  const more = shadowed.length > limit ? ` and ${shadowed.length - limit} more` : ''
  return `${shadowed.length} server${shadowed.length === 1 ? '' : 's'} shadowed: ${named.join(', ')}${more}`
}
