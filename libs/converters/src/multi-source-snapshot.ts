/**
 * The served snapshot of a registry with several sources: every view merged from the sources' last good
 * snapshots, in one document. The first view's servers are `servers` (so a reader of the Part I format serves the
 * first view unchanged); each later view lists its entries as indexes into `servers` followed by `extraServers`,
 * so an entry shared by several views is stored once.
 */
import type { DeployedServerSummary, RegistrySnapshot, ServerResponse, SnapshotSourceSummary, SnapshotView } from '@thv/registry-model'
import { sha256Hex } from './sha256.js'
import type { CompiledFilter } from './server-filter.js'
import { computeSnapshotHash } from './snapshot-builder.js'
import { mergeSources, mergeView, type ShadowedServer } from './source-merge.js'

/**
 * What {@link buildMultiSourceSnapshot} reads.
 *
 * @category merge
 * @since 0.2.0
 */
export interface MultiSourceSnapshotInput {
  readonly registry: { readonly name: string; readonly namespace: string; readonly displayName?: string | undefined }
  /** Every source in `spec.sources` order, with its last good snapshot (`undefined`: never synced). */
  readonly sources: ReadonlyArray<{ readonly name: string; readonly snapshot: RegistrySnapshot | undefined }>
  /** The views in order (the first is served at the unprefixed paths). */
  readonly views: ReadonlyArray<{ readonly name: string; readonly sources: ReadonlyArray<string> }>
  /** The compiled global `spec.filter`, applied to each merge. */
  readonly filter: CompiledFilter
  readonly deployedServers: ReadonlyArray<DeployedServerSummary>
  readonly now: Date
}

/**
 * The served snapshot and what the status reports about the merge of all sources in order.
 *
 * @category merge
 * @since 0.2.0
 */
export interface MultiSourceSnapshot {
  readonly snapshot: RegistrySnapshot
  /** Shadowed (name, source) pairs of the merge of every source in `spec.sources` order. */
  readonly shadowed: ReadonlyArray<ShadowedServer>
  /** Per source: server names served and shadowed in that merge. */
  readonly counts: ReadonlyArray<SnapshotSourceSummary>
}

/**
 * Builds the served snapshot from the sources' last good snapshots, or `undefined` when no source has data yet.
 * Deterministic: the same inputs (but `now`) give the same `hash`, so an unchanged merge writes nothing.
 *
 * @category merge
 * @since 0.2.0
 */
export function buildMultiSourceSnapshot(input: MultiSourceSnapshotInput): MultiSourceSnapshot | undefined {
  const withData = input.sources.filter((s): s is { name: string; snapshot: RegistrySnapshot } => s.snapshot !== undefined)
  const first = withData[0]
  if (first === undefined) return undefined
  const bySource = new Map<string, ReadonlyArray<ServerResponse>>(withData.map((s) => [s.name, s.snapshot.servers]))

  const all = mergeSources(withData.map((s) => ({ source: s.name, servers: s.snapshot.servers })), input.filter)
  const counts: SnapshotSourceSummary[] = input.sources.map((s) => ({
    name: s.name,
    ...(s.snapshot === undefined ? {} : { hash: s.snapshot.hash }),
    served: all.servedBySource.get(s.name) ?? 0,
    shadowed: all.shadowedBySource.get(s.name) ?? 0,
  }))

  const merged = input.views.map((v) => mergeView(bySource, v.sources, input.filter).servers)
  const servers = [...(merged[0] ?? [])]
  const index = new Map<ServerResponse, number>(servers.map((e, i) => [e, i]))
  const extraServers: ServerResponse[] = []
  const views: SnapshotView[] = input.views.map((v, i) => {
    if (i === 0) return { name: v.name, sources: [...v.sources] }
    const entries = (merged[i] ?? []).map((entry) => {
      let n = index.get(entry)
      if (n === undefined) {
        n = servers.length + extraServers.length
        extraServers.push(entry)
        index.set(entry, n)
      }
      return n
    })
    return { name: v.name, sources: [...v.sources], entries }
  })

  // Each entry object comes from exactly one source's snapshot: record which, for claims-based authorization.
  const sourceIndex = new Map<ServerResponse, number>()
  input.sources.forEach((s, i) => {
    for (const entry of s.snapshot?.servers ?? []) sourceIndex.set(entry, i)
  })
  const entrySources = [...servers, ...extraServers].map((entry) => sourceIndex.get(entry) ?? 0)

  const unhashed: Omit<RegistrySnapshot, 'hash'> = {
    schemaVersion: 1,
    registry: {
      name: input.registry.name,
      namespace: input.registry.namespace,
      ...(input.registry.displayName === undefined ? {} : { displayName: input.registry.displayName }),
      source: { type: first.snapshot.registry.source.type, ref: `sources: ${input.sources.map((s) => s.name).join(', ')}` },
      format: first.snapshot.registry.format,
      sourceHash: sha256Hex(withData.map((s) => `${s.name}:${s.snapshot.registry.sourceHash}`).join('\n')),
      syncedAt: input.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    servers,
    deployedServers: [...input.deployedServers],
    views,
    ...(extraServers.length === 0 ? {} : { extraServers }),
    sources: counts,
    entrySources,
  }
  return { snapshot: { ...unhashed, hash: computeSnapshotHash(unhashed) }, shadowed: all.shadowed, counts }
}

/**
 * The snapshot of one view of a served snapshot (the whole snapshot for a Part I one), or `undefined` when it has
 * no view of that name. The result is a Part I snapshot: what the API serves for `/registry/{view}/…`.
 *
 * @category merge
 * @since 0.2.0
 */
export function viewSnapshot(snapshot: RegistrySnapshot, view: string): RegistrySnapshot | undefined {
  const views = snapshot.views
  if (views === undefined) return undefined
  const i = views.findIndex((v) => v.name === view)
  if (i < 0) return undefined
  const { views: _views, extraServers, sources: _sources, entrySources: _entrySources, ...base } = snapshot
  if (i === 0) return base
  const pool = (n: number): ServerResponse => (n < snapshot.servers.length ? snapshot.servers[n] : extraServers?.[n - snapshot.servers.length]) as ServerResponse
  return { ...base, servers: (views[i]?.entries ?? []).map(pool) }
}
