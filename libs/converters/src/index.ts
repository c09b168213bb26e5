/**
 * @packageDocumentation
 * Pure functions between MCP registry formats: format detection, ToolHive <-> upstream `server.json` conversion
 * (lossless, ToolHive-only fields in the `io.github.stacklok` publisher extension), name/tag filters, version
 * ordering and `isLatest` as the official registry computes them, canonical JSON and SHA-256 hashing, and
 * deterministic snapshot building. No I/O, no global state.
 */
export { canonicalJson, tryCanonicalJson, NonJsonValueError } from './canonical-json.js'
export { sha256Hex } from './sha256.js'
export { compileGlob, InvalidGlobError } from './glob.js'
export type { Glob } from './glob.js'
export { validateFilter, filterServers, applyFilter, matchesFilter, tagsOf, InvalidFilterError } from './server-filter.js'
export type { ServerFilter, IncludeExclude, CompiledFilter, FilterProblem, FilterableServer } from './server-filter.js'
export { isSemanticVersion, compareSemanticVersions, compareVersions } from './version-compare.js'
export { computeIsLatest } from './is-latest.js'
export type { VersionedEntry } from './is-latest.js'
export {
  PUBLISHER_PROVIDED_META_KEY, TOOLHIVE_PUBLISHER_NAMESPACE, OFFICIAL_META_KEY, TOOLHIVE_NAME_NAMESPACE,
  toolHiveExtensionsOf, toolHiveKeyOf, reverseDnsNameOf,
} from './meta-keys.js'
export {
  detectFormat, detectDeclaredFormat, describeFormat, registryFormatOf, UnknownFormatError, FormatMismatchError,
} from './format-detect.js'
export type { DocumentFormat, RegistryFormat } from './format-detect.js'
export { apiStateOf, derivePhase } from './phase.js'
export type { ApiState, DerivedPhase } from './phase.js'
