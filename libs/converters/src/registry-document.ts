/** Decoding a parsed registry document in any supported format into normalized upstream servers. */
import * as E from 'fp-ts/lib/Either.js'
import {
  decodeOwnedWith, decodeServerJson, decodeWith, formatIssue, ServerJsonArrayCodec, ServerJsonCodec, ServerListCodec,
  OfficialMetaKey, ToolHiveRegistryCodec, ToolHiveUpstreamRegistryCodec,
} from '@thv/registry-model'
import type { DecodeFailure, OfficialMeta, ServerJson, ToolHiveGroup, ToolHiveRegistry } from '@thv/registry-model'
import { detectDeclaredFormat, type DocumentFormat, type RegistryFormat } from './format-detect.js'
import { importLegacy, type LegacyEntryReport } from './legacy-import.js'
import { SnapshotError } from './snapshot-error.js'
import { fromToolHiveEntry } from './toolhive-to-upstream.converter.js'

/**
 * One server version read from a document, with what the document said about it beyond `server.json`.
 *
 * @category documents
 * @since 0.1.0
 */
export interface DecodedServer {
  readonly server: ServerJson
  /** Where it came from, for messages: `servers/fetch`, `remote_servers/x`, `data/servers/3`, `servers/2/server`, `7`. */
  readonly origin: string
  /** Registry-managed metadata carried by the document (upstream API lists). */
  readonly official?: OfficialMeta
  /** Publish time carried by the document (legacy `release_date`). */
  readonly publishedAt?: string
  /** Registry status implied by the source (`deprecated` for ToolHive entries with status `Deprecated`). */
  readonly status?: 'deprecated'
  /** Other registries' keys of the response `_meta` (upstream API lists), kept verbatim. */
  readonly responseMeta?: Readonly<Record<string, unknown>>
}

/**
 * A decoded registry document: its detected format, its servers as upstream `server.json` (document order), and
 * the document-level data a snapshot carries (ToolHive header and groups, the wrapper's `last_updated`, the
 * legacy import report).
 *
 * @category documents
 * @since 0.1.0
 */
export interface DecodedRegistry {
  readonly format: DocumentFormat
  readonly servers: ReadonlyArray<DecodedServer>
  /** ToolHive documents: `version` and `last_updated`, kept for lossless round trips. */
  readonly toolhive?: { readonly version: string; readonly lastUpdated: string }
  /** ToolHive documents: `groups`, verbatim. */
  readonly groups?: ReadonlyArray<ToolHiveGroup>
  /** When the document says it was last updated (ToolHive `last_updated`, wrapper `meta.last_updated`). */
  readonly lastUpdated?: string
  /** Legacy seeds: one report per entry. */
  readonly legacyReport?: ReadonlyArray<LegacyEntryReport>
}

const invalid = (failure: DecodeFailure): SnapshotError =>
  new SnapshotError('InvalidData', failure.message, { cause: failure })

/**
 * Converts a decoded ToolHive registry to upstream `server.json` objects (image servers, then remote servers, each
 * in key order of the document), with ToolHive-only fields in the `io.github.stacklok` extension (see
 * {@link fromToolHiveEntry}). `groups` have no upstream form; a snapshot carries them separately.
 *
 * @category conversion
 * @since 0.1.0
 */
export function fromToolHiveRegistry(registry: ToolHiveRegistry): ServerJson[] {
  return toolHiveServers(registry).map((d) => d.server)
}

function toolHiveServers(registry: ToolHiveRegistry): DecodedServer[] {
  const out: DecodedServer[] = []
  for (const [key, entry] of Object.entries(registry.servers)) {
    out.push({
      origin: `servers/${key}`,
      server: fromToolHiveEntry(key, entry as Record<string, unknown>, 'image') as ServerJson,
      ...(entry.status === 'Deprecated' ? { status: 'deprecated' as const } : {}),
    })
  }
  for (const [key, entry] of Object.entries(registry.remote_servers ?? {})) {
    out.push({
      origin: `remote_servers/${key}`,
      server: fromToolHiveEntry(key, entry as Record<string, unknown>, 'remote') as ServerJson,
      ...(entry.status === 'Deprecated' ? { status: 'deprecated' as const } : {}),
    })
  }
  return out
}

/** The decoders of {@link decodeRegistryDocument}: copying, or keeping the caller's objects (`owned`). */
const copyingDecoders = {
  toolhive: decodeWith(ToolHiveRegistryCodec),
  upstreamArray: decodeWith(ServerJsonArrayCodec),
  upstreamList: decodeWith(ServerListCodec),
  toolhiveUpstream: decodeWith(ToolHiveUpstreamRegistryCodec),
}
const owningDecoders: typeof copyingDecoders = {
  toolhive: decodeOwnedWith(ToolHiveRegistryCodec),
  upstreamArray: decodeOwnedWith(ServerJsonArrayCodec),
  upstreamList: decodeOwnedWith(ServerListCodec),
  toolhiveUpstream: decodeOwnedWith(ToolHiveUpstreamRegistryCodec),
}
/** Converted servers are built here, so their checking may keep them rather than copy them. */
const decodeConvertedServer = decodeOwnedWith(ServerJsonCodec)

/**
 * Options of {@link decodeRegistryDocument}.
 *
 * @category documents
 * @since 0.1.0
 */
export interface DecodeDocumentOptions {
  /** `spec.source.format`; when set, the document must be in that format family. */
  readonly declaredFormat?: RegistryFormat | undefined
  /**
   * The caller hands the document over (a fresh `JSON.parse` result it does not use otherwise): the decoded servers
   * may share its objects instead of copies of them (see `decodeOwnedWith`), which saves most of the allocation for
   * large documents. Default false: the result shares nothing mutable with `doc`.
   */
  readonly owned?: boolean
}

/** Re-validates converted servers so that nothing invalid reaches a snapshot; issues name the source place. */
function validateConverted(servers: ReadonlyArray<DecodedServer>): E.Either<SnapshotError, DecodedServer[]> {
  const issues: string[] = []
  const out: DecodedServer[] = []
  for (const s of servers) {
    const r = decodeConvertedServer(s.server)
    if (E.isLeft(r)) for (const i of r.left.issues) issues.push(`${s.origin}: ${formatIssue(i)}`)
    else out.push({ ...s, server: r.right })
  }
  if (issues.length === 0) return E.right(out)
  return E.left(new SnapshotError('InvalidData', `Converted servers are not valid server.json: ${issues.slice(0, 20).join('; ')}`))
}

/**
 * Detects the format of a parsed document (checking it against the declared format, when given: the second
 * argument, or its `declaredFormat`), decodes and validates it (every path), and converts it to upstream servers.
 * Legacy seeds are imported with {@link importLegacy}: entries that cannot be carried are skipped and reported, not
 * fatal. See {@link DecodeDocumentOptions} for `owned`.
 *
 * @returns a Left {@link SnapshotError} with code `UnknownFormat`, `FormatMismatch` or `InvalidData`.
 * @category documents
 * @since 0.1.0
 */
export function decodeRegistryDocument(
  doc: unknown,
  declaredOrOptions?: RegistryFormat | DecodeDocumentOptions,
): E.Either<SnapshotError, DecodedRegistry> {
  const options: DecodeDocumentOptions = typeof declaredOrOptions === 'object' ? declaredOrOptions : { declaredFormat: declaredOrOptions }
  const decoders = options.owned === true ? owningDecoders : copyingDecoders
  const detected = detectDeclaredFormat(doc, options.declaredFormat)
  if (E.isLeft(detected)) return E.left(new SnapshotError(detected.left.code, detected.left.message, { cause: detected.left }))
  const format = detected.right
  switch (format) {
    case 'toolhive': {
      const r = decoders.toolhive(doc)
      if (E.isLeft(r)) return E.left(invalid(r.left))
      const reg = r.right
      return E.map((servers: DecodedServer[]): DecodedRegistry => ({
        format,
        servers,
        toolhive: { version: reg.version, lastUpdated: reg.last_updated },
        ...(reg.groups === undefined ? {} : { groups: reg.groups }),
        lastUpdated: reg.last_updated,
      }))(validateConverted(toolHiveServers(reg)))
    }
    case 'upstream-array': {
      const r = decoders.upstreamArray(doc)
      if (E.isLeft(r)) return E.left(invalid(r.left))
      return E.right({ format, servers: r.right.map((server, i) => ({ server, origin: String(i) })) })
    }
    case 'upstream-list': {
      const r = decoders.upstreamList(doc)
      if (E.isLeft(r)) return E.left(invalid(r.left))
      return E.right({
        format,
        servers: r.right.servers.map((s, i) => {
          const { [OfficialMetaKey]: official, ...responseMeta } = s._meta
          return { server: s.server, origin: `servers/${i}/server`, official, responseMeta }
        }),
      })
    }
    case 'toolhive-upstream': {
      const r = decoders.toolhiveUpstream(doc)
      if (E.isLeft(r)) return E.left(invalid(r.left))
      return E.right({
        format,
        servers: r.right.data.servers.map((server, i) => ({ server, origin: `data/servers/${i}` })),
        lastUpdated: r.right.meta.last_updated,
      })
    }
    case 'legacy': {
      const seed = Array.isArray(doc) ? doc : (doc as { servers?: unknown }).servers
      const report = importLegacy(seed).map((entry): LegacyEntryReport => {
        if (entry.outcome === 'skipped' || entry.server === undefined) return entry
        const v = decodeServerJson(entry.server)
        if (E.isRight(v)) return entry
        const { server: _server, publishedAt: _publishedAt, ...rest } = entry
        return { ...rest, outcome: 'skipped', notes: [...entry.notes, ...v.left.issues.map((i) => `not valid server.json: ${formatIssue(i)}; entry skipped`)] }
      })
      const servers = report.flatMap((e): DecodedServer[] =>
        e.outcome === 'imported' && e.server !== undefined
          ? [{ server: e.server as ServerJson, origin: String(e.index), ...(e.publishedAt === undefined ? {} : { publishedAt: e.publishedAt }) }]
          : [])
      return E.right({ format, servers, legacyReport: report })
    }
  }
}
