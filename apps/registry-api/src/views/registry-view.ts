/** RegistryView: every response derived from one snapshot, computed once (or on first use) and cached. */
import { toolHiveKeyOf } from '@thv/converters'
import type { ToolHiveRegistry } from '@thv/registry-model'
import { ByteLru, type ByteLruOptions } from '../http/byte-lru.js'
import { CachedBody } from '../http/cached-body.js'
import type { ListQuery } from '../query/list-query.js'
import type { ServedSnapshot, ServedViewRef } from '../snapshot/served-snapshot.js'
import { CatalogueIndex, type UpstreamInfo } from '../catalogue/catalogue-index.js'
import { renderServerList, selectPage } from './list-page.js'
import { byNameThenVersion, newestFirst, toViewEntry, type ViewEntry } from './view-entry.js'

/** The parts of a ToolHive registry document (the model's `ToolHiveRegistry`) that a view reads: its entries. */
export type ToolHiveDocument = Pick<ToolHiveRegistry, 'servers' | 'remote_servers'>

/** What a view needs besides the snapshot. */
export interface RegistryViewOptions<S extends ServedSnapshot> {
  /** Renders the snapshot (or a subset of its servers) as a ToolHive document (@thv/converters). */
  readonly renderToolHive: (snapshot: S) => ToolHiveDocument
  /** The name of the view this is, for a registry with several sources (`info.view`). */
  readonly viewName?: string | undefined
  /** Bounds of the memo of upstream list pages. Default: 2,000 pages, 64 MiB. */
  readonly pageCache?: ByteLruOptions
}

/** What the routes read from a view: every served body, independent of the snapshot type. */
export interface ServedView {
  readonly hash: string
  readonly info: CachedBody
  readonly toolHiveDocument: CachedBody
  readonly upstreamDocument: CachedBody
  readonly deployed: CachedBody
  listPage(query: ListQuery): CachedBody
  versions(name: string, includeDeleted: boolean): CachedBody | undefined
  version(name: string, version: string, includeDeleted: boolean): CachedBody | undefined
  latestUpstreamEntry(name: string): CachedBody | undefined
  toolHiveEntry(name: string): CachedBody | undefined
  deployedFor(name: string): CachedBody | undefined
  precompress(): Promise<void>
  /** The registry's display name (its name when it has none). */
  readonly registryName: string
  /** The ToolHive entries prepared for the HTML catalogue; built on first use. */
  readonly catalogue: CatalogueIndex
  /** Every view of a registry with several sources (name and ordered sources); empty for a single-source registry. */
  readonly views: ReadonlyArray<{ readonly name: string; readonly sources: readonly string[] }>
  /** The name of this view, for a registry with several sources. */
  readonly viewName: string | undefined
}

/** The default bounds of the page memo. */
export const DefaultPageCache: ByteLruOptions = { maxEntries: 2000, maxBytes: 64 * 1024 * 1024 }

/**
 * The served form of one snapshot. Whole documents (ToolHive, upstream, info, deployed) are built eagerly;
 * list pages, version lists, single versions and ToolHive entries are built on first request and memoized, so
 * an unchanged response is never serialized twice. Views are immutable from the outside: a new snapshot gets
 * a new view, and each request reads exactly one view, so its response is fully old or fully new.
 */
export class RegistryView<S extends ServedSnapshot = ServedSnapshot> implements ServedView {
  /** All server versions in (name, version) order. */
  readonly entries: readonly ViewEntry[]
  readonly info: CachedBody
  readonly toolHiveDocument: CachedBody
  readonly upstreamDocument: CachedBody
  readonly deployed: CachedBody
  readonly #byName = new Map<string, ViewEntry[]>()
  readonly #toolHive: ToolHiveDocument
  readonly #pages: ByteLru<string, CachedBody>
  readonly #memo = new Map<string, CachedBody | undefined>()
  readonly #entryBodies = new WeakMap<ViewEntry, CachedBody>()
  #namesByKey: Map<string, string[]> | undefined
  #catalogue: CatalogueIndex | undefined

  constructor(readonly snapshot: S, private readonly options: RegistryViewOptions<S>) {
    this.entries = snapshot.servers.map(toViewEntry).sort(byNameThenVersion)
    for (const entry of this.entries) {
      const list = this.#byName.get(entry.name)
      if (list === undefined) this.#byName.set(entry.name, [entry])
      else list.push(entry)
    }
    for (const list of this.#byName.values()) list.sort(newestFirst)
    this.#pages = new ByteLru(options.pageCache ?? DefaultPageCache, (b) => b.bytes.length)

    this.#toolHive = options.renderToolHive(snapshot)
    this.toolHiveDocument = CachedBody.json(JSON.stringify(this.#toolHive))
    this.upstreamDocument = CachedBody.json(renderServerList(this.entries.filter((e) => !e.deleted)))
    this.deployed = CachedBody.json(JSON.stringify(snapshot.deployedServers))
    this.info = CachedBody.json(JSON.stringify(this.#infoObject()))
  }

  /** The snapshot's content hash (what `/api/v1/registry/info` reports). */
  get hash(): string {
    return this.snapshot.hash
  }

  /** The registry's display name (its name when it has none). */
  get registryName(): string {
    return this.snapshot.registry.displayName ?? this.snapshot.registry.name
  }

  get views(): ReadonlyArray<{ readonly name: string; readonly sources: readonly string[] }> {
    return (this.snapshot.views ?? []).map((v) => ({ name: v.name, sources: v.sources }))
  }

  get viewName(): string | undefined {
    return this.options.viewName
  }

  /** The catalogue index of this snapshot, built on the first catalogue request. */
  get catalogue(): CatalogueIndex {
    this.#catalogue ??= new CatalogueIndex(this.#toolHive, (key) => this.#upstreamOf(key))
    return this.#catalogue
  }

  /** Full name, title and visible versions (newest first) of the upstream server whose ToolHive key is `key`. */
  #upstreamOf(key: string): UpstreamInfo {
    const fullName = this.#byName.has(key) ? key : this.#fullNameOfKey(key)
    const versions = fullName === undefined ? [] : this.#visibleVersions(fullName, false)
    const latest = versions.find((e) => e.isLatest) ?? versions[0]
    return {
      fullName,
      title: latest?.response.server.title,
      versions: versions.map((e) => ({ version: e.version, publishedAt: e.publishedAt, isLatest: e.isLatest })),
    }
  }

  /** Compresses the big documents ahead of time, off the main thread. */
  async precompress(): Promise<void> {
    await Promise.all([this.toolHiveDocument.precompress(), this.upstreamDocument.precompress()])
  }

  /** The upstream list page for a validated query. */
  listPage(query: ListQuery): CachedBody {
    const hit = this.#pages.get(query.key)
    if (hit !== undefined) return hit
    const page = selectPage(this.entries, query)
    const body = CachedBody.json(renderServerList(page.items, page.nextCursor))
    this.#pages.set(query.key, body)
    return body
  }

  /** All versions of `name`, newest first, as a ServerList; undefined when none is visible. */
  versions(name: string, includeDeleted: boolean): CachedBody | undefined {
    return this.#memoize(`versions\0${includeDeleted}\0${name}`, () => {
      const visible = this.#visibleVersions(name, includeDeleted)
      return visible.length === 0 ? undefined : CachedBody.json(renderServerList(visible))
    })
  }

  /** One version of `name` (`latest` = the version flagged isLatest); undefined when not found. */
  version(name: string, version: string, includeDeleted: boolean): CachedBody | undefined {
    const visible = this.#visibleVersions(name, includeDeleted)
    const entry = version === 'latest'
      ? visible.find((e) => e.isLatest)
      : visible.find((e) => e.version === version)
    return entry === undefined ? undefined : this.#entryBody(entry)
  }

  /**
   * The latest visible version of `name` as `{server, _meta}`, for `/api/v1/registry/servers/{name}?format=upstream`;
   * `name` is the full upstream name or the ToolHive key (`fetch`), as for the ToolHive format.
   */
  latestUpstreamEntry(name: string): CachedBody | undefined {
    const fullName = this.#byName.has(name) ? name : this.#fullNameOfKey(name)
    if (fullName === undefined) return undefined
    const visible = this.#visibleVersions(fullName, false)
    const entry = visible.find((e) => e.isLatest) ?? visible[0]
    return entry === undefined ? undefined : this.#entryBody(entry)
  }

  /** Whether the snapshot holds any version of `name`. */
  hasServer(name: string): boolean {
    return this.#byName.has(name)
  }

  /**
   * One ToolHive entry, found by its ToolHive key (`fetch`) or by its full upstream name
   * (`io.github.stacklok/fetch`); the entry gets `name` set to its key when it does not carry one.
   */
  toolHiveEntry(name: string): CachedBody | undefined {
    return this.#memoize(`toolhive\0${name}`, () => {
      const direct = findEntry(this.#toolHive, name)
      if (direct !== undefined) return CachedBody.json(JSON.stringify(withName(name, direct)))
      const versions = this.#byName.get(name)
      if (versions === undefined) return undefined
      // A full upstream name: render just that server to learn its ToolHive key (the converter owns the rule).
      const single = this.options.renderToolHive({ ...this.snapshot, servers: versions.map((e) => e.response) } as S)
      const keys = [...Object.keys(single.servers ?? {}), ...Object.keys(single.remote_servers ?? {})]
      const key = keys[0]
      const entry = key === undefined ? undefined : findEntry(this.#toolHive, key)
      return key === undefined || entry === undefined ? undefined : CachedBody.json(JSON.stringify(withName(key, entry)))
    })
  }

  /** Deployed servers whose registry entry (`serverName`) or own name is `name`; undefined when none. */
  deployedFor(name: string): CachedBody | undefined {
    return this.#memoize(`deployed\0${name}`, () => {
      const found = this.snapshot.deployedServers.filter((d) => d.serverName === name || d.name === name)
      return found.length === 0 ? undefined : CachedBody.json(JSON.stringify(found))
    })
  }

  /** The full name whose ToolHive key is `key`; undefined when none or when several names share the key. */
  #fullNameOfKey(key: string): string | undefined {
    if (this.#namesByKey === undefined) {
      const byKey = new Map<string, string[]>()
      for (const fullName of this.#byName.keys()) {
        const k = toolHiveKeyOf(fullName)
        byKey.set(k, [...(byKey.get(k) ?? []), fullName])
      }
      this.#namesByKey = byKey
    }
    const names = this.#namesByKey.get(key)
    return names?.length === 1 ? names[0] : undefined
  }

  #visibleVersions(name: string, includeDeleted: boolean): readonly ViewEntry[] {
    const all = this.#byName.get(name) ?? []
    return includeDeleted ? all : all.filter((e) => !e.deleted)
  }

  #entryBody(entry: ViewEntry): CachedBody {
    let body = this.#entryBodies.get(entry)
    if (body === undefined) {
      body = CachedBody.json(entry.json)
      this.#entryBodies.set(entry, body)
    }
    return body
  }

  // Keys come from URL path segments, so the memo is bounded by what the snapshot holds: misses are not stored.
  #memoize(key: string, build: () => CachedBody | undefined): CachedBody | undefined {
    if (this.#memo.has(key)) return this.#memo.get(key)
    const body = build()
    if (body !== undefined) this.#memo.set(key, body)
    return body
  }

  #infoObject(): Record<string, unknown> {
    const r = this.snapshot.registry
    return {
      name: r.name,
      ...(r.namespace === undefined ? {} : { namespace: r.namespace }),
      ...(r.displayName === undefined ? {} : { displayName: r.displayName }),
      source: { type: r.source.type, ref: r.source.ref },
      format: r.format,
      serverCount: this.#byName.size,
      versionCount: this.entries.length,
      deployedServerCount: this.snapshot.deployedServers.length,
      lastSyncTime: r.syncedAt,
      hash: this.snapshot.hash,
      sourceHash: r.sourceHash,
      ...(this.snapshot.views === undefined ? {} : this.#viewsInfo(this.snapshot.views)),
    }
  }

  /** `view` (this one) and `views` (every view with its sources and base path) of a registry with several sources. */
  #viewsInfo(views: readonly ServedViewRef[]): Record<string, unknown> {
    return {
      ...(this.options.viewName === undefined ? {} : { view: this.options.viewName }),
      views: views.map((v) => ({ name: v.name, sources: v.sources, path: `/registry/${v.name}` })),
    }
  }
}

function findEntry(doc: ToolHiveDocument, key: string): unknown {
  if (doc.servers !== undefined && Object.hasOwn(doc.servers, key)) return doc.servers[key]
  if (doc.remote_servers !== undefined && Object.hasOwn(doc.remote_servers, key)) return doc.remote_servers[key]
  return undefined
}

function withName(key: string, entry: unknown): unknown {
  if (typeof entry !== 'object' || entry === null || 'name' in entry) return entry
  return { name: key, ...entry }
}
