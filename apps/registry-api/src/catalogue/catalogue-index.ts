/** CatalogueIndex: the ToolHive entries of one snapshot, prepared for the catalogue's search, filters and pages. */
import type { ToolHiveImageServer, ToolHiveRemoteServer } from '@thv/registry-model'

/** Container (an image run by `thv run`) or remote (a URL). */
export type ServerKind = 'container' | 'remote'

/** One version of a server as the detail page lists it. */
export interface CatalogueVersion {
  readonly version: string
  readonly publishedAt: string
  readonly isLatest: boolean
}

/** One catalogue entry: the ToolHive key, its entry and what search and filters read. */
export interface CatalogueEntry {
  readonly key: string
  readonly kind: ServerKind
  readonly server: ToolHiveImageServer | ToolHiveRemoteServer
  readonly searchText: string
  readonly upstream: UpstreamInfo
}

/** What the upstream entries of the snapshot add to a ToolHive entry: its full name, title and versions. */
export interface UpstreamInfo {
  readonly fullName?: string | undefined
  readonly title?: string | undefined
  /** Newest first. */
  readonly versions: readonly CatalogueVersion[]
}

/** What the list page asks for; `undefined` filters match everything. */
export interface CatalogueQuery {
  readonly q?: string | undefined
  readonly tag?: string | undefined
  readonly transport?: string | undefined
  readonly kind?: ServerKind | undefined
  readonly status?: string | undefined
  /** 1-based. */
  readonly page: number
  readonly pageSize: number
}

/** Value → number of entries that have it, sorted by value. */
export type Counts = ReadonlyArray<readonly [string, number]>

/** One page of results with the facet counts of the whole match set. */
export interface CatalogueResult {
  readonly items: readonly CatalogueEntry[]
  readonly total: number
  readonly page: number
  readonly pageCount: number
  readonly counts: { readonly tag: Counts; readonly transport: Counts; readonly kind: Counts; readonly status: Counts }
}

/** What the index is built from: the view's ToolHive document and the upstream versions by ToolHive key. */
export interface CatalogueSource {
  readonly servers?: Readonly<Record<string, ToolHiveImageServer>> | undefined
  readonly remote_servers?: Readonly<Record<string, ToolHiveRemoteServer>> | undefined
}

function countAll(entries: readonly CatalogueEntry[]): CatalogueResult['counts'] {
  const tag = new Map<string, number>()
  const transport = new Map<string, number>()
  const kind = new Map<string, number>()
  const status = new Map<string, number>()
  const add = (m: Map<string, number>, v: string): void => {
    m.set(v, (m.get(v) ?? 0) + 1)
  }
  for (const e of entries) {
    for (const t of e.server.tags ?? []) add(tag, t)
    add(transport, e.server.transport)
    add(kind, e.kind)
    add(status, e.server.status)
  }
  return { tag: sorted(tag), transport: sorted(transport), kind: sorted(kind), status: sorted(status) }
}

function sorted(counts: Map<string, number>): Counts {
  return [...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}

/** Entries in key order, built once per snapshot; queries are linear scans (10,000 entries take about a millisecond). */
export class CatalogueIndex {
  readonly entries: readonly CatalogueEntry[]
  readonly #byKey: ReadonlyMap<string, CatalogueEntry>
  /** Counts over every entry: the unfiltered list (the first page a browser sees) needs no counting. */
  readonly #allCounts: CatalogueResult['counts']

  constructor(doc: CatalogueSource, upstreamOf: (key: string) => UpstreamInfo) {
    const entries: CatalogueEntry[] = []
    const add = (key: string, kind: ServerKind, server: ToolHiveImageServer | ToolHiveRemoteServer): void => {
      const upstream = upstreamOf(key)
      const searchText = `${key}\n${upstream.fullName ?? ''}\n${upstream.title ?? ''}\n${server.description}`.toLowerCase()
      entries.push({ key, kind, server, searchText, upstream })
    }
    for (const [key, server] of Object.entries(doc.servers ?? {})) add(key, 'container', server)
    for (const [key, server] of Object.entries(doc.remote_servers ?? {})) add(key, 'remote', server)
    entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.kind < b.kind ? -1 : 1))
    this.entries = entries
    this.#byKey = new Map(entries.map((e) => [e.key, e]))
    this.#allCounts = countAll(entries)
  }

  /** The entry with ToolHive key `key`. */
  get(key: string): CatalogueEntry | undefined {
    return this.#byKey.get(key)
  }

  /** The entries matching `query` (search in key, full name, title and description; filters exact), one page of them, and counts. */
  query(query: CatalogueQuery): CatalogueResult {
    const q = query.q?.trim().toLowerCase()
    const unfiltered = (q === undefined || q === '') && query.tag === undefined && query.transport === undefined
      && query.kind === undefined && query.status === undefined
    const matched = unfiltered ? this.entries : this.entries.filter((e) =>
      (q === undefined || q === '' || e.searchText.includes(q))
      && (query.tag === undefined || (e.server.tags ?? []).includes(query.tag))
      && (query.transport === undefined || e.server.transport === query.transport)
      && (query.kind === undefined || e.kind === query.kind)
      && (query.status === undefined || e.server.status === query.status))
    const pageCount = Math.max(1, Math.ceil(matched.length / query.pageSize))
    const page = Math.min(query.page, pageCount)
    const start = (page - 1) * query.pageSize
    return {
      items: matched.slice(start, start + query.pageSize),
      total: matched.length,
      page,
      pageCount,
      counts: unfiltered ? this.#allCounts : countAll(matched),
    }
  }
}
