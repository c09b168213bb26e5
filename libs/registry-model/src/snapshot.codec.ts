/**
 * The stored registry snapshot: what storage holds and the registry API serves. Every object is
 * closed: the snapshot is our own format, so an unknown key is a bug or a newer writer, never data to keep.
 */
import type * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { arrayOf } from './collection.codec.js'
import { decodeWith } from './decode-failure.js'
import type { DecodeFailure } from './decode-failure.js'
import { DateTimeCodec, Sha256HexCodec } from './format.codec.js'
import { BooleanCodec, boundedString, numberLiteral, stringEnum } from './string.codec.js'
import { optional, strictStruct } from './struct.codec.js'
import { ToolHiveGroupsCodec } from './toolhive-registry.codec.js'
import { ServerResponsesCodec } from './upstream-api.codec.js'

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
  { type: stringEnum('SnapshotSourceType', ['configmap', 'file', 'url', 'git', 'api']), ref: NonEmpty('SourceRef') },
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
 * The stored snapshot: `{schemaVersion: 1, registry, servers (ServerResponse[], unique name@version),
 * groups?, deployedServers, hash}`. `hash` is the sha256 hex of the canonical JSON of the snapshot without
 * `registry.syncedAt` and without `hash` (computed by `@thv/converters`).
 *
 * @category instances
 * @since 0.1.0
 */
export const RegistrySnapshotCodec = strictStruct(
  {
    schemaVersion: numberLiteral(SnapshotSchemaVersion),
    registry: SnapshotRegistryMetaCodec,
    servers: ServerResponsesCodec,
    groups: optional(ToolHiveGroupsCodec),
    deployedServers: DeployedServerSummariesCodec,
    hash: Sha256HexCodec,
  },
  'RegistrySnapshot',
)
/**
 * A value decoded by {@link RegistrySnapshotCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type RegistrySnapshot = t.TypeOf<typeof RegistrySnapshotCodec>

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
 * Decodes one deployed server summary.
 *
 * @category utils
 * @since 0.1.0
 */
export const decodeDeployedServerSummary: (u: unknown) => E.Either<DecodeFailure, DeployedServerSummary> =
  decodeWith(DeployedServerSummaryCodec)

