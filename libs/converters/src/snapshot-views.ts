/** Views of a snapshot in the formats clients read: a ToolHive registry document and the upstream API list. */
import {
  OfficialMetaKey, type RegistrySnapshot, type ServerJson, type ServerList, type ServerResponse, type ToolHiveImageServer, type ToolHiveRegistry,
  type ToolHiveRemoteServer,
} from '@thv/registry-model'
import { sanitizeKey, toolHiveKeyOf } from './meta-keys.js'
import { ToolHiveEntryVersion, type ToolHiveEntryKind } from './toolhive-to-upstream.converter.js'
import { fromUpstreamServer, isToolHiveEntryResult, type NotRepresentableInToolHive } from './upstream-to-toolhive.converter.js'

/**
 * The `$schema` of ToolHive registry documents (`pkg/registry/data/schema.json` in stacklok/toolhive).
 *
 * @category views
 * @since 0.1.0
 */
export const ToolHiveRegistrySchemaUrl = 'https://raw.githubusercontent.com/stacklok/toolhive/main/pkg/registry/data/schema.json'

/**
 * A ToolHive registry document as `thv` reads it and {@link toToolHiveRegistry} writes it: the type of
 * @thv/registry-model's `ToolHiveRegistryCodec`, always with `$schema` and `remote_servers`
 * (`{$schema, version, last_updated, servers, remote_servers, groups?}`).
 *
 * @category views
 * @since 0.1.0
 */
export type ToolHiveRegistryDocument = ToolHiveRegistry & {
  readonly $schema: string
  readonly remote_servers: NonNullable<ToolHiveRegistry['remote_servers']>
}

/**
 * {@link toToolHiveRegistry}'s document plus the latest versions it could not include.
 *
 * @category views
 * @since 0.1.0
 */
export interface ToolHiveView {
  readonly document: ToolHiveRegistryDocument
  /** Servers with neither an OCI package nor a remote (npm/pypi-only), which ToolHive cannot run. */
  readonly omitted: ReadonlyArray<NotRepresentableInToolHive>
  /** Full upstream name -> ToolHive key, for every included server. */
  readonly keys: ReadonlyMap<string, string>
}

/** Picks a key not used yet: the short key, else the sanitised full name, else a numbered variant. */
function uniqueKey(name: string, used: Set<string>): string {
  const candidates = [toolHiveKeyOf(name), sanitizeKey(name)]
  for (const c of candidates) if (c !== '' && !used.has(c)) return c
  const base = candidates[1] === '' ? 'server' : (candidates[1] as string)
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`
}

/**
 * Renders a snapshot as a ToolHive registry document (the latest version of each server), the inverse of the
 * ToolHive -> snapshot conversion: for a snapshot built from a ToolHive document the result deep-equals that
 * document (given it carried the standard `$schema`). `version`/`last_updated` come from the carried ToolHive
 * header, else `1.0.0` and the newest `updatedAt` (or `syncedAt`). Keys are the part of the name after the last
 * `/`; on a clash, the later name (in snapshot order) gets its whole name as key (`io-github-b-x`). `groups` are
 * carried verbatim.
 *
 * @category views
 * @since 0.1.0
 */
export function toToolHiveView(snapshot: RegistrySnapshot): ToolHiveView {
  const servers: Record<string, ToolHiveImageServer> = {}
  const remoteServers: Record<string, ToolHiveRemoteServer> = {}
  const omitted: NotRepresentableInToolHive[] = []
  const keys = new Map<string, string>()
  const parts = toToolHiveParts(snapshot, (o) => omitted.push(o))
  for (const { kind, key, name, entry } of parts.entries) {
    keys.set(name, key)
    const target: Record<ToolHiveEntryKind, Record<string, unknown>> = { image: servers, remote: remoteServers }
    target[kind][key] = entry
  }
  const document: ToolHiveRegistryDocument = { ...parts.head, servers, remote_servers: remoteServers, ...parts.tail }
  return { document, omitted, keys }
}

/**
 * One entry of a ToolHive registry document: in `servers` (`image`) or `remote_servers` (`remote`) under `key`,
 * rendered from the latest version of the upstream server `name`.
 *
 * @category views
 * @since 0.2.0
 */
export interface ToolHiveDocumentEntry {
  readonly kind: ToolHiveEntryKind
  readonly key: string
  readonly name: string
  readonly entry: Readonly<Record<string, unknown>>
}

/**
 * The ToolHive registry document of a snapshot in parts, for writing it out without holding it whole: the fields
 * before the entry maps (`$schema`, `version`, `last_updated`), the entries one at a time in document order (each
 * is rendered when the iteration reaches it), and the fields after them (`groups`). {@link toToolHiveView} assembles
 * the same parts into one document. `omitted` is called for each latest version ToolHive cannot represent.
 *
 * @category views
 * @since 0.2.0
 */
export function toToolHiveParts(snapshot: RegistrySnapshot, omitted: (o: NotRepresentableInToolHive) => void = () => undefined): {
  readonly head: ToolHiveDocumentHead
  readonly entries: Iterable<ToolHiveDocumentEntry>
  readonly tail: ToolHiveDocumentTail
} {
  const newest = new ToolHiveEntryStream()
  for (const s of snapshot.servers) newest.observe(s)
  return { head: newest.head(snapshot.registry), entries: toolHiveEntriesOf(snapshot, omitted), tail: toolHiveTail(snapshot) }
}

/**
 * The fields of a ToolHive registry document before its entry maps.
 *
 * @category views
 * @since 0.2.0
 */
export interface ToolHiveDocumentHead {
  readonly $schema: string
  readonly version: string
  readonly last_updated: string
}

/**
 * The fields of a ToolHive registry document after its entry maps.
 *
 * @category views
 * @since 0.2.0
 */
export interface ToolHiveDocumentTail {
  readonly groups?: ToolHiveRegistry['groups']
}

/**
 * {@link toToolHiveParts} for servers that come one at a time (a snapshot read as a stream): `add` each server
 * version in snapshot order and write the entry it returns, if any; once every server was added, `head` gives the
 * fields before the entries (`last_updated` needs the newest `updatedAt` of all of them) and {@link toolHiveTail}
 * the fields after. The entries, keys and head are exactly {@link toToolHiveParts}'s.
 *
 * @example
 * const stream = new ToolHiveEntryStream()
 * for (const s of servers) { const e = stream.add(s); if (e !== undefined) write(e) }
 * const head = stream.head(registry)
 * @category views
 * @since 0.2.0
 */
export class ToolHiveEntryStream {
  readonly #used = new Set<string>()
  #newest = ''

  constructor(private readonly omitted: (o: NotRepresentableInToolHive) => void = () => undefined) {}

  /** The entry of server version `s` when it is its server's latest version and ToolHive can represent it. */
  add(s: ServerResponse): ToolHiveDocumentEntry | undefined {
    this.observe(s)
    const official = s._meta[OfficialMetaKey]
    if (!official.isLatest) return undefined
    // fromUpstreamServer writes entries of ToolHive's schema (toolhive-conversion.test.ts decodes them with the codecs).
    const r = fromUpstreamServer(s.server as unknown as Record<string, unknown>, official.status)
    if (!isToolHiveEntryResult(r)) {
      this.omitted(r)
      return undefined
    }
    const key = this.#used.has(r.key) ? uniqueKey(s.server.name, this.#used) : r.key
    this.#used.add(key)
    return { kind: r.kind, key, name: s.server.name, entry: r.entry as Readonly<Record<string, unknown>> }
  }

  /** Counts `s` towards `last_updated` only (what `add` does besides rendering). */
  observe(s: ServerResponse): void {
    const updatedAt = s._meta[OfficialMetaKey].updatedAt
    if (updatedAt > this.#newest) this.#newest = updatedAt
  }

  /** The head of the document of the servers added (or observed) so far, for a snapshot whose metadata is `registry`. */
  head(registry: Pick<RegistrySnapshot['registry'], 'toolhive' | 'syncedAt'>): ToolHiveDocumentHead {
    const header = registry.toolhive
    return {
      $schema: ToolHiveRegistrySchemaUrl,
      version: header?.version ?? ToolHiveEntryVersion,
      last_updated: header?.lastUpdated ?? (this.#newest === '' ? registry.syncedAt : this.#newest),
    }
  }
}

/**
 * The fields after the entry maps of a snapshot's ToolHive document: its `groups`, carried verbatim.
 *
 * @category views
 * @since 0.2.0
 */
export function toolHiveTail(snapshot: Pick<RegistrySnapshot, 'groups'>): ToolHiveDocumentTail {
  return snapshot.groups === undefined ? {} : { groups: snapshot.groups }
}

/** The entries of {@link toToolHiveParts}, rendered as the iteration reaches them. */
function* toolHiveEntriesOf(snapshot: RegistrySnapshot, omitted: (o: NotRepresentableInToolHive) => void): Generator<ToolHiveDocumentEntry> {
  const stream = new ToolHiveEntryStream(omitted)
  for (const s of snapshot.servers) {
    const entry = stream.add(s)
    if (entry !== undefined) yield entry
  }
}

/**
 * The ToolHive registry document of a snapshot (see {@link toToolHiveView}, which also reports omitted servers).
 *
 * @example
 * const doc = toToolHiveRegistry(snapshot) // {$schema, version, last_updated, servers, remote_servers, groups?}
 * @category views
 * @since 0.1.0
 */
export function toToolHiveRegistry(snapshot: RegistrySnapshot): ToolHiveRegistryDocument {
  return toToolHiveView(snapshot).document
}

/**
 * The snapshot's servers as the upstream API list `{servers: [{server, _meta}], metadata: {count}}`, every version,
 * in snapshot order (name, then version).
 *
 * @category views
 * @since 0.1.0
 */
export function toUpstreamServerList(snapshot: RegistrySnapshot): ServerList {
  return { servers: snapshot.servers as ServerResponse[], metadata: { count: snapshot.servers.length } }
}

/**
 * The snapshot's `server.json` objects (every version, snapshot order), e.g. to write an upstream array file.
 *
 * @category views
 * @since 0.1.0
 */
export function toUpstreamServers(snapshot: RegistrySnapshot): ServerJson[] {
  return snapshot.servers.map((s) => s.server)
}
