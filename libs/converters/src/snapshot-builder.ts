/** Building the stored registry snapshot from raw source bytes: parse, detect, decode, convert, filter, sort, hash. */
import * as E from 'fp-ts/lib/Either.js'
import { decodeSnapshot, OfficialMetaKey, parseJson } from '@thv/registry-model'
import type {
  DeployedServerSummary, OfficialMeta, RegistrySnapshot, ServerResponse, SnapshotSource,
} from '@thv/registry-model'
import { canonicalSha256Hex } from './canonical-json.js'
import { registryFormatOf, type DocumentFormat, type RegistryFormat } from './format-detect.js'
import { computeIsLatest } from './is-latest.js'
import type { LegacyEntryReport } from './legacy-import.js'
import { decodeRegistryDocument, type DecodedServer } from './registry-document.js'
import { applyFilter, validateFilter, type ServerFilter } from './server-filter.js'
import { sha256Hex } from './sha256.js'
import { SnapshotError } from './snapshot-error.js'

/**
 * The registry a snapshot describes (from the MCPRegistry resource and its source).
 *
 * @category snapshot
 * @since 0.1.0
 */
export interface SnapshotRegistryInput {
  readonly name: string
  readonly namespace: string
  readonly displayName?: string | undefined
  readonly source: SnapshotSource
}

/**
 * Input of {@link buildSnapshot}.
 *
 * @category snapshot
 * @since 0.1.0
 */
export interface BuildSnapshotInput {
  /** The source bytes exactly as fetched (strings are taken as their UTF-8 bytes). */
  readonly raw: string | Uint8Array
  /** `spec.source.format`; when set, the data must be in that format family. */
  readonly declaredFormat?: RegistryFormat | undefined
  readonly registry: SnapshotRegistryInput
  /** `spec.filter`; absent keeps every server. */
  readonly filter?: ServerFilter | null | undefined
  /** Deployed MCPServer summaries to store with the servers (sorted by namespace/name in the snapshot). */
  readonly deployedServers?: ReadonlyArray<DeployedServerSummary> | undefined
  /** The sync time: `registry.syncedAt`, and the publish time of versions whose data and `previous` give none. */
  readonly now: Date
  /**
   * The last stored snapshot. A version that the data gives no publish time for keeps the one it had there,
   * so an unchanged source yields an unchanged hash. Only each version's name, version and official `_meta` are
   * read, so a caller may keep just those ({@link PreviousVersions}) instead of a whole snapshot.
   */
  readonly previous?: PreviousVersions | undefined
}

/** What a build reads of the previous snapshot: each version's name, version and official `_meta`. */
export interface PreviousVersions {
  readonly servers: ReadonlyArray<{
    readonly server: { readonly name: string; readonly version: string }
    readonly _meta: { readonly [OfficialMetaKey]: OfficialMeta }
  }>
}

/**
 * A built snapshot with what was learnt on the way.
 *
 * @category snapshot
 * @since 0.1.0
 */
export interface SnapshotBuild {
  readonly snapshot: RegistrySnapshot
  /** The detected document format. */
  readonly documentFormat: DocumentFormat
  /** Server versions in the source, before the filter. */
  readonly sourceServerCount: number
  /** For legacy seeds: one report per entry saying what could not be carried. */
  readonly legacyReport?: ReadonlyArray<LegacyEntryReport>
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The snapshot hash: sha256 hex of the canonical JSON of the snapshot without `registry.syncedAt` and without
 * `hash`. A sync that changes nothing served gives the same hash.
 *
 * @category snapshot
 * @since 0.1.0
 */
export function computeSnapshotHash(snapshot: Omit<RegistrySnapshot, 'hash'> | RegistrySnapshot): string {
  const { hash: _hash, registry, ...rest } = snapshot as RegistrySnapshot
  const { syncedAt: _syncedAt, ...registryRest } = registry
  return canonicalSha256Hex({ ...rest, registry: registryRest })
}

function findDuplicate(servers: ReadonlyArray<DecodedServer>): SnapshotError | undefined {
  const seen = new Map<string, string>()
  for (const s of servers) {
    const key = `${s.server.name}@${s.server.version}`
    const first = seen.get(key)
    if (first !== undefined) {
      return new SnapshotError('DuplicateServer', `Server ${s.server.name} version ${s.server.version} appears twice (${first} and ${s.origin})`, { server: key })
    }
    seen.set(key, s.origin)
  }
  return undefined
}

/** The later of two RFC 3339 instants (a status change never dates after the version's last update). */
function laterOf(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b
}

function previousTimes(previous: PreviousVersions | undefined): Map<string, OfficialMeta> {
  const out = new Map<string, OfficialMeta>()
  for (const s of previous?.servers ?? []) out.set(`${s.server.name}@${s.server.version}`, s._meta[OfficialMetaKey])
  return out
}

/**
 * Builds the snapshot storage holds and the API serves: parse the raw bytes (a Left names the byte
 * offset) -> detect the format (and check it against `declaredFormat`) -> decode and validate -> convert to
 * upstream `server.json` -> reject duplicate name@version -> filter -> sort by name, then version -> registry
 * `_meta` (`status` from the data, `deprecated` for ToolHive `Deprecated` entries, else `active`; `publishedAt`/`updatedAt` from the data when present, else the
 * document's `last_updated`, else `previous`, else `now`; a status that differs from `previous` sets
 * `statusChangedAt` and `updatedAt` to `now`, and a recorded `statusChangedAt` is kept while the status stays; `isLatest` by the official registry's rules) -> hash.
 * Deterministic: the same input gives a snapshot with byte-identical canonical JSON. Never throws.
 *
 * @returns the snapshot and what was learnt, or a {@link SnapshotError} naming the failed step.
 * @category snapshot
 * @since 0.1.0
 */
export function buildSnapshotDetailed(input: BuildSnapshotInput): E.Either<SnapshotError, SnapshotBuild> {
  try {
    return build(input)
  } catch (cause) {
    // Every step returns Lefts for bad data, so reaching this is a bug; it still must not escape as a throw.
    return E.left(new SnapshotError('InvalidData', `Snapshot could not be built: ${cause instanceof Error ? cause.message : String(cause)}`, { cause }))
  }
}

/**
 * {@link buildSnapshotDetailed}, returning only the snapshot.
 *
 * @example
 * const snapshot = buildSnapshot({
 *   raw: configMap.data['registry.json'],
 *   registry: { name: 'prod', namespace: 'toolhive-system', source: { type: 'configmap', ref: 'toolhive-system/registry-data#registry.json' } },
 *   filter: { tags: { include: ['database'] } },
 *   now: new Date(),
 * }) // Either<SnapshotError, RegistrySnapshot>
 * @category snapshot
 * @since 0.1.0
 */
export function buildSnapshot(input: BuildSnapshotInput): E.Either<SnapshotError, RegistrySnapshot> {
  return E.map((b: SnapshotBuild) => b.snapshot)(buildSnapshotDetailed(input))
}

function build(input: BuildSnapshotInput): E.Either<SnapshotError, SnapshotBuild> {
  // A string is parsed and hashed as it is (its UTF-8 bytes are made only to describe invalid JSON).
  const parsed = parseJson(input.raw)
  if (E.isLeft(parsed)) {
    return E.left(new SnapshotError('InvalidJson', parsed.left.message, { cause: parsed.left, byteOffset: parsed.left.offset }))
  }
  // The parsed document is ours alone, so decoding may keep its objects instead of copying them.
  const decoded = decodeRegistryDocument(parsed.right, { declaredFormat: input.declaredFormat, owned: true })
  if (E.isLeft(decoded)) return decoded
  const doc = decoded.right
  const duplicate = findDuplicate(doc.servers)
  if (duplicate !== undefined) return E.left(duplicate)

  const filter = validateFilter(input.filter)
  if (E.isLeft(filter)) return E.left(new SnapshotError('InvalidFilter', filter.left.message, { cause: filter.left }))
  const kept = applyFilter(doc.servers, filter.right)
    .slice()
    .sort((a, b) => compareStrings(a.server.name, b.server.name) || compareStrings(a.server.version, b.server.version))

  const nowIso = input.now.toISOString()
  const before = previousTimes(input.previous)
  const metas = kept.map((d): OfficialMeta => {
    if (d.official !== undefined) return d.official
    const prior = before.get(`${d.server.name}@${d.server.version}`)
    const status = d.status ?? 'active'
    const publishedAt = d.publishedAt ?? doc.lastUpdated ?? prior?.publishedAt ?? nowIso
    // A status other than the previous snapshot's is a status change: it is dated now and counts as an update.
    // Until a version's status changes, `statusChangedAt` stays absent and readers take `publishedAt`, so
    // snapshots whose statuses never changed keep their content and hash.
    if (prior !== undefined && prior.status !== status) {
      return { status, statusChangedAt: nowIso, publishedAt, updatedAt: nowIso, isLatest: false }
    }
    const updatedAt = d.publishedAt ?? doc.lastUpdated ?? prior?.updatedAt ?? publishedAt
    const statusChangedAt = prior?.statusChangedAt
    return statusChangedAt === undefined
      ? { status, publishedAt, updatedAt, isLatest: false }
      : { status, statusChangedAt, publishedAt, updatedAt: laterOf(updatedAt, statusChangedAt), isLatest: false }
  })
  const latest = computeIsLatest(kept.map((d, i) => ({ name: d.server.name, version: d.server.version, publishedAt: metas[i]?.publishedAt, status: metas[i]?.status })))
  const servers: ServerResponse[] = kept.map((d, i) => {
    const m = metas[i] as OfficialMeta
    const isLatest = latest[i] ?? false
    const official: OfficialMeta = d.official === undefined
      ? m.statusChangedAt === undefined
        ? { status: m.status, publishedAt: m.publishedAt, updatedAt: m.updatedAt, isLatest }
        : { status: m.status, statusChangedAt: m.statusChangedAt, publishedAt: m.publishedAt, updatedAt: m.updatedAt, isLatest }
      : { ...m, isLatest }
    // Spread only when there is something to copy, then a plain assignment: a literal with a computed key takes a
    // slow runtime path in V8, which 10,000 servers make noticeable.
    const meta: Record<string, unknown> = d.responseMeta === undefined ? {} : { ...d.responseMeta }
    meta[OfficialMetaKey] = official
    return { server: d.server, _meta: meta as ServerResponse['_meta'] }
  })
  const deployedServers = [...(input.deployedServers ?? [])].sort(
    (a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name),
  )
  const unhashed = {
    schemaVersion: 1 as const,
    registry: {
      name: input.registry.name,
      namespace: input.registry.namespace,
      ...(input.registry.displayName === undefined ? {} : { displayName: input.registry.displayName }),
      source: { type: input.registry.source.type, ref: input.registry.source.ref },
      format: registryFormatOf(doc.format),
      sourceHash: sha256Hex(input.raw),
      syncedAt: nowIso,
      ...(doc.toolhive === undefined ? {} : { toolhive: doc.toolhive }),
    },
    servers,
    ...(doc.groups === undefined ? {} : { groups: doc.groups }),
    deployedServers,
  }
  const hash = computeSnapshotHash(unhashed as Omit<RegistrySnapshot, 'hash'>)
  // The servers were validated when decoded or converted; this checks the rest (registry metadata, deployed servers).
  const checked = decodeSnapshot({ ...unhashed, servers: [], hash })
  if (E.isLeft(checked)) return E.left(new SnapshotError('InvalidData', checked.left.message, { cause: checked.left }))
  return E.right({
    snapshot: { ...checked.right, servers },
    documentFormat: doc.format,
    sourceServerCount: doc.servers.length,
    ...(doc.legacyReport === undefined ? {} : { legacyReport: doc.legacyReport }),
  })
}
