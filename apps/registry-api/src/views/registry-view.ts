/** RegistryView: every response derived from one snapshot, computed once (or on first use) and cached. */
import { toolHiveKeyOf } from '@thv/converters'
import type { ToolHiveRegistry } from '@thv/registry-model'
import { ByteLru, type ByteLruOptions } from '../http/byte-lru.js'
import { CachedBody } from '../http/cached-body.js'
import { DocumentBody } from '../http/document-body.js'
import type { StreamedBody } from '../http/send-streamed.js'
import type { ListQuery } from '../query/list-query.js'
import type { ServedServerResponse, ServedSnapshot, ServedViewRef, SnapshotHeader } from '../snapshot/served-snapshot.js'
import { CatalogueIndex, type UpstreamInfo } from '../catalogue/catalogue-index.js'
import type { ItemTable } from '../snapshot/item-table.js'
import type { ToolHiveBytes } from '../snapshot/toolhive-bytes.js'
import type { ToolHiveRenderer } from '../snapshot/toolhive-renderer.js'
import { selectPage } from './list-page.js'
import { newestFirst, type ViewEntry } from './view-entry.js'

/** The parts of a ToolHive registry document (the model's `ToolHiveRegistry`) that a view reads: its entries. */
export type ToolHiveDocument = Pick<ToolHiveRegistry, 'servers' | 'remote_servers'>

/** What a view needs besides the snapshot. */
export interface RegistryViewOptions<S extends ServedSnapshot> {
  /** Renders the snapshot (or a subset of its servers) as a ToolHive document, one server at a time (@thv/converters). */
  readonly renderToolHive: ToolHiveRenderer<S>
  /** The name of the view this is, for a registry with several sources (`info.view`). */
  readonly viewName?: string | undefined
  /** Bounds of the memo of upstream list pages. Default: 2,000 pages, 64 MiB. */
  readonly pageCache?: ByteLruOptions
  /**
   * The largest ToolHive document whose uncompressed body is kept (in the memo of rendered bodies); a larger one is
   * streamed from its segments on each request. Default `MaxKeptDocumentBytes`; never above a quarter of `pageCache`.
   */
  readonly maxKeptDocumentBytes?: number
}

/** What the routes read from a view: every served body, independent of the snapshot type. */
export interface ServedView {
  readonly hash: string
  readonly info: CachedBody
  /** The ToolHive document (`?format=toolhive`, the default), kept deflated: see `sendDocument`. */
  readonly toolHiveDocument: DocumentBody
  readonly deployed: CachedBody
  /** The upstream document (`?format=upstream`), streamed per request. */
  upstreamDocument(): StreamedBody
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

const JsonType = 'application/json; charset=utf-8'

/** The default bounds of the memo of rendered bodies (pages, version lists, single versions, entries). */
export const DefaultPageCache: ByteLruOptions = { maxEntries: 2000, maxBytes: 64 * 1024 * 1024 }

/**
 * The largest ToolHive document kept uncompressed, in the memo of rendered bodies: a quarter of its default budget
 * (16 MiB), so the document `thv` fetches is answered from memory like any rendered body (a 10,000-server document
 * is about 13 MiB) while pages, versions and entries keep three quarters of the memo. A larger document would push
 * them out and cost its full size for as long as it is asked for; it is streamed from its deflated segments instead,
 * like the upstream document.
 */
export const MaxKeptDocumentBytes = DefaultPageCache.maxBytes / 4

/**
 * The served form of one snapshot. The view keeps no object of the snapshot's servers: every item is serialised
 * once into an ItemTable (whose head is the upstream document) and the ToolHive document once into ToolHiveBytes,
 * both deflated in segments; entries keep only what listing, search and lookups read. The ToolHive document is
 * served from a DocumentBody: precompressed gzip and br, identity inflated into the memo of rendered bodies when it
 * is at most `MaxKeptDocumentBytes`, else streamed. List pages, version lists, single versions and
 * ToolHive entries are rendered from those bytes on first request into a bounded LRU of bodies. Views are
 * immutable from the outside: a new snapshot gets a new view, and each request reads exactly one view, so its
 * response is fully old or fully new.
 */
export class RegistryView<S extends ServedSnapshot = ServedSnapshot> implements ServedView {
  /** All server versions in (name, version) order. */
  readonly entries: readonly ViewEntry[]
  readonly info: CachedBody
  readonly toolHiveDocument: DocumentBody
  readonly deployed: CachedBody
  readonly #header: SnapshotHeader<S>
  readonly #items: ItemTable
  readonly #toolHive: ToolHiveBytes
  readonly #byName = new Map<string, ViewEntry[]>()
  /** Rendered bodies: list pages, version lists, single versions, ToolHive entries, deployed lookups, the kept ToolHive document. */
  readonly #rendered: ByteLru<string, CachedBody>
  #namesByKey: Map<string, string[]> | undefined
  #catalogue: CatalogueIndex | undefined

  /**
   * The view of a snapshot's `header` whose items are `items` and whose ToolHive document is `toolHive` (built by
   * SnapshotViewBuilder, from a snapshot or while a stored snapshot is read: see view-builder.ts).
   */
  constructor(header: SnapshotHeader<S>, items: ItemTable, toolHive: ToolHiveBytes, private readonly options: RegistryViewOptions<S>) {
    this.#header = header
    this.#items = items
    this.entries = this.#items.entries
    for (const entry of this.entries) {
      const list = this.#byName.get(entry.name)
      if (list === undefined) this.#byName.set(entry.name, [entry])
      else list.push(entry)
    }
    for (const list of this.#byName.values()) list.sort(newestFirst)
    const pageCache = options.pageCache ?? DefaultPageCache
    this.#rendered = new ByteLru(pageCache, (b) => b.bytes.length)
    this.#toolHive = toolHive
    const maxKept = Math.min(options.maxKeptDocumentBytes ?? MaxKeptDocumentBytes, pageCache.maxBytes / 4)
    this.toolHiveDocument = new DocumentBody(this.#toolHive.bytes, this.#toolHive.etag, JsonType,
      this.#toolHive.length <= maxKept ? (build) => this.#render('document\0toolhive', build) as CachedBody : undefined)
    this.deployed = CachedBody.json(JSON.stringify(header.deployedServers))
    this.info = CachedBody.json(JSON.stringify(this.#infoObject()))
  }

  /** The snapshot's content hash (what `/api/v1/registry/info` reports). */
  get hash(): string {
    return this.#header.hash
  }

  /** The snapshot without its servers: registry metadata, deployed servers, views, hash. */
  get header(): SnapshotHeader<S> {
    return this.#header
  }

  /** The registry's display name (its name when it has none). */
  get registryName(): string {
    return this.#header.registry.displayName ?? this.#header.registry.name
  }

  /** Bytes of serialised data the view holds (items and ToolHive document, both compressed). */
  get byteLength(): number {
    return this.#items.byteLength + this.#toolHive.bytes.compressedLength
  }

  /** Every view of a registry with several sources (name and ordered sources); empty for a single-source registry. */
  get views(): ReadonlyArray<{ readonly name: string; readonly sources: readonly string[] }> {
    return (this.#header.views ?? []).map((v) => ({ name: v.name, sources: v.sources }))
  }

  /** The name of this view, for a registry with several sources. */
  get viewName(): string | undefined {
    return this.options.viewName
  }

  /**
   * The catalogue index of this snapshot, built on the first catalogue request from the ToolHive document's bytes,
   * inflated for the parse (the catalogue keeps the parsed entries: a view whose catalogue is used holds them
   * besides its bytes).
   */
  get catalogue(): CatalogueIndex {
    this.#catalogue ??= new CatalogueIndex(JSON.parse(this.#toolHive.bytes.all().toString('utf8')) as ToolHiveDocument, (key) => this.#upstreamOf(key))
    return this.#catalogue
  }

  /** Full name, title and visible versions (newest first) of the upstream server whose ToolHive key is `key`. */
  #upstreamOf(key: string): UpstreamInfo {
    const fullName = this.#byName.has(key) ? key : this.#fullNameOfKey(key)
    const versions = fullName === undefined ? [] : this.#visibleVersions(fullName, false)
    const latest = versions.find((e) => e.isLatest) ?? versions[0]
    return {
      fullName,
      title: latest?.title,
      versions: versions.map((e) => ({ version: e.version, publishedAt: e.publishedAt, isLatest: e.isLatest })),
    }
  }

  /**
   * Compresses the ToolHive document (what `thv` fetches) ahead of time, off the main thread, from its segments. The
   * upstream document (`?format=upstream`) is not kept: see `upstreamDocument()`.
   */
  async precompress(): Promise<void> {
    await this.toolHiveDocument.precompress()
  }

  /**
   * The upstream document of every version not deleted, streamed from the items on each request (inflated one
   * 64 KiB segment at a time) and never held whole: it is as large as all the items, and clients page through
   * `/v0.1/servers` instead. It is served uncompressed.
   */
  upstreamDocument(): StreamedBody {
    const items = this.#items
    return { contentType: JsonType, etag: items.documentEtag, length: items.documentLength, pieces: () => items.documentPieces() }
  }

  /** The upstream list page for a validated query. */
  listPage(query: ListQuery): CachedBody {
    return this.#render(`list\0${query.key}`, () => {
      const page = selectPage(this.entries, query)
      return this.#json(this.#items.list(page.items, page.nextCursor))
    }) as CachedBody
  }

  /** All versions of `name`, newest first, as a ServerList; undefined when none is visible. */
  versions(name: string, includeDeleted: boolean): CachedBody | undefined {
    return this.#render(`versions\0${includeDeleted}\0${name}`, () => {
      const visible = this.#visibleVersions(name, includeDeleted)
      return visible.length === 0 ? undefined : this.#json(this.#items.list(visible))
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
    return this.#render(`toolhive\0${name}`, () => {
      const direct = this.#toolHive.entry(name)
      if (direct !== undefined) return this.#json(direct)
      const versions = this.#byName.get(name)
      if (versions === undefined) return undefined
      // A full upstream name: render just that server to learn its ToolHive key (the converter owns the rule).
      const servers = versions.map((e) => JSON.parse(this.#items.item(e).toString('utf8')) as ServedServerResponse)
      const rendering = this.options.renderToolHive.begin()
      let key: string | undefined
      for (const server of servers) {
        key = rendering.add(server)?.key
        if (key !== undefined) break
      }
      const entry = key === undefined ? undefined : this.#toolHive.entry(key)
      return entry === undefined ? undefined : this.#json(entry)
    })
  }

  /** Deployed servers whose registry entry (`serverName`) or own name is `name`; undefined when none. */
  deployedFor(name: string): CachedBody | undefined {
    return this.#render(`deployed\0${name}`, () => {
      const found = this.#header.deployedServers.filter((d) => d.serverName === name || d.name === name)
      return found.length === 0 ? undefined : CachedBody.json(JSON.stringify(found))
    })
  }

  /** The full name whose ToolHive key is `key`; undefined when none or when several names share the key. */
  #fullNameOfKey(key: string): string | undefined {
    if (this.#namesByKey === undefined) {
      const byKey = new Map<string, string[]>()
      for (const fullName of this.#byName.keys()) {
        const k = toolHiveKeyOf(fullName)
        const names = byKey.get(k)
        if (names === undefined) byKey.set(k, [fullName])
        else names.push(fullName)
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
    return this.#render(`item\0${entry.start}`, () => this.#json(this.#items.item(entry))) as CachedBody
  }

  #json(bytes: Buffer): CachedBody {
    return new CachedBody(bytes, JsonType)
  }

  // Keys come from URL path segments and queries: misses are not stored, and the LRU bounds what hits keep.
  #render(key: string, build: () => CachedBody | undefined): CachedBody | undefined {
    const hit = this.#rendered.get(key)
    if (hit !== undefined) return hit
    const body = build()
    if (body !== undefined) this.#rendered.set(key, body)
    return body
  }

  #infoObject(): Record<string, unknown> {
    const r = this.#header.registry
    return {
      name: r.name,
      ...(r.namespace === undefined ? {} : { namespace: r.namespace }),
      ...(r.displayName === undefined ? {} : { displayName: r.displayName }),
      source: { type: r.source.type, ref: r.source.ref },
      format: r.format,
      serverCount: this.#byName.size,
      versionCount: this.entries.length,
      deployedServerCount: this.#header.deployedServers.length,
      lastSyncTime: r.syncedAt,
      hash: this.#header.hash,
      sourceHash: r.sourceHash,
      ...(this.#header.views === undefined ? {} : this.#viewsInfo(this.#header.views)),
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
