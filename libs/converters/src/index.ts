/**
 * @packageDocumentation
 * Pure functions between MCP registry formats: format detection, ToolHive <-> upstream `server.json` conversion
 * (lossless, ToolHive-only fields in the `io.github.stacklok` publisher extension), name/tag filters, version
 * ordering and `isLatest` as the official registry computes them, canonical JSON and SHA-256 hashing, and
 * deterministic snapshot building. No I/O, no global state.
 */
export { canonicalJson, canonicalSha256Hex, tryCanonicalJson, writeCanonicalJson, NonJsonValueError } from './canonical-json.js'
export { sha256Hex } from './sha256.js'
export { compileGlob, InvalidGlobError } from './glob.js'
export type { Glob } from './glob.js'
export { validateFilter, filterServers, applyFilter, matchesFilter, tagsOf, InvalidFilterError } from './server-filter.js'
export type { ServerFilter, IncludeExclude, CompiledFilter, FilterProblem, FilterableServer } from './server-filter.js'
export { isSemanticVersion, compareSemanticVersions, compareVersions } from './version-compare.js'
export { computeIsLatest } from './is-latest.js'
export type { VersionedEntry } from './is-latest.js'
export {
  ToolHivePublisherNamespace, ToolHiveNameNamespace,
  toolHiveExtensionsOf, toolHiveKeyOf, sanitizeKey, reverseDnsNameOf, AuthzClaimsExtensionKey, entryClaimsOf,
} from './meta-keys.js'
export {
  detectFormat, detectDeclaredFormat, describeFormat, registryFormatOf, UnknownFormatError, FormatMismatchError,
} from './format-detect.js'
export type { DocumentFormat, RegistryFormat } from './format-detect.js'
export {
  fromToolHiveEntry, toUpstreamInput, ToolHiveEntryVersion,
} from './toolhive-to-upstream.converter.js'
export type { ToolHiveEntryKind } from './toolhive-to-upstream.converter.js'
export { fromUpstreamServer, isToolHiveEntryResult } from './upstream-to-toolhive.converter.js'
export type { ToolHiveEntryResult, NotRepresentableInToolHive } from './upstream-to-toolhive.converter.js'
export { importLegacy, LegacyFieldMapping } from './legacy-import.js'
export type { LegacyEntryReport } from './legacy-import.js'
export { decodeRegistryDocument, fromToolHiveRegistry } from './registry-document.js'
export type { DecodeDocumentOptions, DecodedRegistry, DecodedServer } from './registry-document.js'
export { SnapshotError, SnapshotErrorReasons } from './snapshot-error.js'
export type { SnapshotErrorCode } from './snapshot-error.js'
export { buildSnapshot, buildSnapshotDetailed, computeSnapshotHash } from './snapshot-builder.js'
export type { BuildSnapshotInput, PreviousVersions, SnapshotBuild, SnapshotRegistryInput } from './snapshot-builder.js'
export {
  toToolHiveParts, ToolHiveEntryStream, toolHiveTail, toToolHiveRegistry, toToolHiveView, toUpstreamServerList, toUpstreamServers, ToolHiveRegistrySchemaUrl,
} from './snapshot-views.js'
export type { ToolHiveDocumentEntry, ToolHiveDocumentHead, ToolHiveDocumentTail, ToolHiveRegistryDocument, ToolHiveView } from './snapshot-views.js'
export { mergeSources, mergeView, describeShadowing } from './source-merge.js'
export type { MergeableServer, SourceServers, ShadowedServer, MergedSources } from './source-merge.js'
export { buildMultiSourceSnapshot, viewSnapshot } from './multi-source-snapshot.js'
export type { MultiSourceSnapshotInput, MultiSourceSnapshot } from './multi-source-snapshot.js'
