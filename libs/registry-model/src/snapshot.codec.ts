/**
 * The stored registry snapshot: what storage holds and the registry API serves. Every object is
 * closed: the snapshot is our own format, so an unknown key is a bug or a newer writer, never data to keep.
 */
import type * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { arrayOf } from './collection.codec.js'
import { decodeOwnedWith, decodeWith } from './decode-failure.js'
import type { DecodeFailure } from './decode-failure.js'
import { DateTimeCodec, Sha256HexCodec } from './format.codec.js'
import { BooleanCodec, boundedString, integerRange, numberLiteral, StringCodec, stringEnum } from './string.codec.js'
import { optional, strictStruct } from './struct.codec.js'
import { ToolHiveGroupsCodec } from './toolhive-registry.codec.js'
import { ServerResponseCodec, ServerResponsesCodec, serverVersionKey, type ServerResponse } from './upstream-api.codec.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The snapshot schema version this library reads and writes.
 *
 * @category model
 * @since 0.1.0
 */
export const SnapshotSchemaVersion = 1

const NonEmpty = (name: string): t.Type<string, string, unknown> => boundedString(name, { minLength: 1 })

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * Where the registry data came from: `{type: 'configmap' | 'file', ref}` (`ref` e.g. `toolhive-system/registry-data#registry.json`).
 *
 * @category instances
 * @since 0.1.0
 */
export const SnapshotSourceCodec = strictStruct(
  { type: stringEnum('SnapshotSourceType', ['configmap', 'file', 'url', 'git', 'api', 'kubernetes']), ref: NonEmpty('SourceRef') },
  'SnapshotSource',
)
/**
 * A value decoded by {@link SnapshotSourceCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type SnapshotSource = t.TypeOf<typeof SnapshotSourceCodec>

/**
 * The source's data format: `toolhive` | `upstream`.
 *
 * @category instances
 * @since 0.1.0
 */
export const SnapshotFormatCodec = stringEnum('SnapshotFormat', ['toolhive', 'upstream'])
/**
 * A value decoded by {@link SnapshotFormatCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type SnapshotFormat = t.TypeOf<typeof SnapshotFormatCodec>

/**
 * ToolHive document header carried for lossless ToolHive round trips: `{version, lastUpdated}`.
 *
 * @category instances
 * @since 0.1.0
 */
export const SnapshotToolHiveHeaderCodec = strictStruct(
  { version: boundedString('RegistryVersion', { pattern: '^\\d+\\.\\d+\\.\\d+$' }), lastUpdated: DateTimeCodec },
  'SnapshotToolHiveHeader',
)
/**
 * A value decoded by {@link SnapshotToolHiveHeaderCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type SnapshotToolHiveHeader = t.TypeOf<typeof SnapshotToolHiveHeaderCodec>

/**
 * Registry metadata of a snapshot: `name`, `namespace`, `displayName?`, `source`, `format`, `sourceHash`
 * (sha256 hex of the raw source bytes), `syncedAt` (RFC 3339), `toolhive?`.
 *
 * @category instances
 * @since 0.1.0
 */
export const SnapshotRegistryMetaCodec = strictStruct(
  {
    name: NonEmpty('RegistryName'),
    namespace: NonEmpty('Namespace'),
    displayName: optional(boundedString('DisplayName', {})),
    source: SnapshotSourceCodec,
    format: SnapshotFormatCodec,
    sourceHash: Sha256HexCodec,
    syncedAt: DateTimeCodec,
    toolhive: optional(SnapshotToolHiveHeaderCodec),
  },
  'SnapshotRegistryMeta',
)
/**
 * A value decoded by {@link SnapshotRegistryMetaCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type SnapshotRegistryMeta = t.TypeOf<typeof SnapshotRegistryMetaCodec>

/**
 * A deployed ToolHive `MCPServer` as the registry API shows it: `{name, namespace, serverName, image,
 * transport, phase?, ready, endpoint?}` (`phase`/`endpoint` absent until the MCPServer reports them).
 *
 * @category instances
 * @since 0.1.0
 */
export const DeployedServerSummaryCodec = strictStruct(
  {
    name: NonEmpty('MCPServerName'),
    namespace: NonEmpty('Namespace'),
    serverName: NonEmpty('ServerName'),
    image: boundedString('Image', {}),
    transport: boundedString('Transport', {}),
    phase: optional(boundedString('Phase', {})),
    ready: BooleanCodec,
    endpoint: optional(boundedString('Endpoint', {})),
  },
  'DeployedServerSummary',
)
/**
 * A value decoded by {@link DeployedServerSummaryCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type DeployedServerSummary = t.TypeOf<typeof DeployedServerSummaryCodec>

/**
 * Deployed server summaries; `namespace/name` is unique.
 *
 * @category instances
 * @since 0.1.0
 */
export const DeployedServerSummariesCodec = arrayOf(DeployedServerSummaryCodec, 'DeployedServerSummaries', {
  uniqueBy: { key: (d) => `${d.namespace}/${d.name}`, label: 'namespace/name' },
})

/**
 * One view of a registry with `spec.sources` in its served snapshot: its name (`spec.registries[].name`, or
 * `default`), its ordered sources, and its server versions as indexes into `servers` followed by `extraServers`.
 * The first view's `entries` are omitted: they are `servers`, in order.
 *
 * @category instances
 * @since 0.2.0
 */
export const SnapshotViewCodec = strictStruct(
  {
    name: NonEmpty('ViewName'),
    sources: arrayOf(NonEmpty('SourceName'), 'ViewSources'),
    entries: optional(arrayOf(integerRange('EntryIndex', 0), 'ViewEntries')),
  },
  'SnapshotView',
)
/**
 * A value decoded by {@link SnapshotViewCodec}.
 *
 * @category model
 * @since 0.2.0
 */
export type SnapshotView = t.TypeOf<typeof SnapshotViewCodec>

/**
 * Per-source summary in a served snapshot: how many of its server names are served and shadowed, and the hash of
 * the source snapshot merged. What changed between two served snapshots can be told from it without the sources.
 *
 * @category instances
 * @since 0.2.0
 */
export const SnapshotSourceSummaryCodec = strictStruct(
  { name: NonEmpty('SourceName'), hash: optional(Sha256HexCodec), served: integerRange('Served', 0), shadowed: integerRange('Shadowed', 0) },
  'SnapshotSourceSummary',
)
/**
 * A value decoded by {@link SnapshotSourceSummaryCodec}.
 *
 * @category model
 * @since 0.2.0
 */
export type SnapshotSourceSummary = t.TypeOf<typeof SnapshotSourceSummaryCodec>

const MultiSourceFieldsOk = (s: { servers: ReadonlyArray<{ server: { name: string; version: string } }>; extraServers?: ReadonlyArray<{ server: { name: string; version: string } }> | undefined; views?: ReadonlyArray<SnapshotView> | undefined; sources?: ReadonlyArray<unknown> | undefined; entrySources?: ReadonlyArray<number> | undefined }): boolean => {
  const pool = s.servers.length + (s.extraServers?.length ?? 0)
  if (s.views === undefined) return s.extraServers === undefined && s.entrySources === undefined
  if (s.entrySources !== undefined && (s.entrySources.length !== pool || s.entrySources.some((n) => n >= (s.sources?.length ?? 0)))) return false
  return s.views.every((v, i) => {
    if (i === 0) return v.entries === undefined
    if (v.entries === undefined) return false
    const seen = new Set<string>()
    for (const n of v.entries) {
      if (n >= pool) return false
      const e = n < s.servers.length ? s.servers[n] : s.extraServers?.[n - s.servers.length]
      const key = `${e?.server.name ?? ''}@${e?.server.version ?? ''}`
      if (seen.has(key)) return false
      seen.add(key)
    }
    return true
  })
}

const MultiSourceFieldsRule =
  'RegistrySnapshot(views[0] has no entries, every other view lists entries in range with no repeated name@version; extraServers and entrySources only with views; entrySources has one source index per entry)'

/** The snapshot's fields, with `servers` decoded by `servers` and each of `extraServers` by `server`. */
function snapshotFields<L extends t.Mixed, S extends t.Mixed>(servers: L, server: S) {
  return {
    schemaVersion: numberLiteral(SnapshotSchemaVersion),
    registry: SnapshotRegistryMetaCodec,
    servers,
    groups: optional(ToolHiveGroupsCodec),
    deployedServers: DeployedServerSummariesCodec,
    views: optional(arrayOf(SnapshotViewCodec, 'SnapshotViews')),
    extraServers: optional(arrayOf(server, 'ExtraServers')),
    sources: optional(arrayOf(SnapshotSourceSummaryCodec, 'SnapshotSources')),
    entrySources: optional(arrayOf(integerRange('SourceIndex', 0), 'EntrySources')),
    hash: Sha256HexCodec,
  }
}

/**
 * The stored snapshot: `{schemaVersion: 1, registry, servers (ServerResponse[], unique name@version),
 * groups?, deployedServers, hash}`. A registry with `spec.sources` serves one snapshot holding every view:
 * `views` (the first view's servers are `servers`; later views index into `servers` then `extraServers`) and
 * `sources` (per-source counts) and `entrySources` (for each entry of `servers` then `extraServers`, the index in
 * `sources` of the source it came from: what the API's claims-based authorization filters on); without those fields it is a Part I snapshot, byte for byte. `hash` is the sha256 hex of the canonical JSON of the snapshot without
 * `registry.syncedAt` and without `hash` (computed by `@thv/converters`).
 *
 * @category instances
 * @since 0.1.0
 */
export const RegistrySnapshotCodec = t.refinement(
  strictStruct(snapshotFields(ServerResponsesCodec, ServerResponseCodec), 'RegistrySnapshotFields'),
  MultiSourceFieldsOk,
  MultiSourceFieldsRule,
)
/**
 * A value decoded by {@link RegistrySnapshotCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type RegistrySnapshot = t.TypeOf<typeof RegistrySnapshotCodec>

/**
 * The identity of one server version in a {@link SnapshotOutlineCodec}: `{server: {name, version}}`.
 *
 * @category instances
 * @since 0.2.0
 */
export const ServerVersionOutlineCodec = strictStruct(
  { server: strictStruct({ name: StringCodec, version: StringCodec }, 'ServerVersionOutlineServer') },
  'ServerVersionOutline',
)

/**
 * A stored snapshot whose servers were checked one at a time as they were read ({@link decodeParsedServerResponse})
 * and replaced by their identities (`{server: {name, version}}`): every other field and every rule across servers
 * (unique `name@version`, the views' entries, `entrySources`) is checked as by {@link RegistrySnapshotCodec}, so the
 * two checks together accept exactly what {@link RegistrySnapshotCodec} accepts. A reader that streams a large
 * snapshot checks it this way without holding its servers.
 *
 * @category instances
 * @since 0.2.0
 */
export const SnapshotOutlineCodec = t.refinement(
  strictStruct(
    snapshotFields(arrayOf(ServerVersionOutlineCodec, 'ServerVersionOutlines', { uniqueBy: { key: serverVersionKey, label: 'name@version' } }), ServerVersionOutlineCodec),
    'SnapshotOutlineFields',
  ),
  MultiSourceFieldsOk,
  MultiSourceFieldsRule,
)
/**
 * A value decoded by {@link SnapshotOutlineCodec}.
 *
 * @category model
 * @since 0.2.0
 */
export type SnapshotOutline = t.TypeOf<typeof SnapshotOutlineCodec>

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Decodes a stored snapshot.
 *
 * @category utils
 * @since 0.1.0
 */
export const decodeSnapshot: (u: unknown) => E.Either<DecodeFailure, RegistrySnapshot> = decodeWith(RegistrySnapshotCodec)

/**
 * {@link decodeSnapshot} for a value the caller has just parsed and owns (nothing else refers to it): every path is
 * checked the same, but valid objects are kept instead of copied. A 100,000-version snapshot is several hundred MiB
 * of objects, which a copy would double.
 *
 * @example
 * decodeParsedSnapshot(JSON.parse(storedText)) // Right: the parsed snapshot itself when it is valid
 * @category utils
 * @since 0.2.0
 */
export const decodeParsedSnapshot: (u: unknown) => E.Either<DecodeFailure, RegistrySnapshot> = decodeOwnedWith(RegistrySnapshotCodec)

/**
 * Decodes one deployed server summary.
 *
 * @category utils
 * @since 0.1.0
 */
export const decodeDeployedServerSummary: (u: unknown) => E.Either<DecodeFailure, DeployedServerSummary> =
  decodeWith(DeployedServerSummaryCodec)

/**
 * {@link decodeParsedSnapshot} of a snapshot outline (see {@link SnapshotOutlineCodec}).
 *
 * @category utils
 * @since 0.2.0
 */
export const decodeParsedSnapshotOutline: (u: unknown) => E.Either<DecodeFailure, SnapshotOutline> = decodeOwnedWith(SnapshotOutlineCodec)

/**
 * Decodes one parsed `{server, _meta}` of a snapshot's `servers` or `extraServers` the caller owns, as
 * {@link RegistrySnapshotCodec} decodes each of them (objects kept, not copied).
 *
 * @category utils
 * @since 0.2.0
 */
export const decodeParsedServerResponse: (u: unknown) => E.Either<DecodeFailure, ServerResponse> = decodeOwnedWith(ServerResponseCodec)
