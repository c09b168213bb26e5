/**
 * `spec.sources[]` and `spec.registries[]` of an MCPRegistry with several sources, in ToolHive's typed-era field
 * names (`configMapRef`, `registries`, `claims`), plus `configmap` (the single-source shape) for a ConfigMap.
 * The rules are the ones admission enforces: 1 to 20 sources and views, unique names, exactly one kind block per
 * source, views naming only known sources.
 */
import type * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { decodeWith, type DecodeFailure } from './decode-failure.js'
import {
  ApiSourceCodec, ConfigMapSourceCodec, GitSourceCodec, RegistryFilterSpecCodec, SourceFormatCodec, SyncPolicyCodec,
  UrlSourceCodec, type MCPRegistrySource,
} from './mcpregistry.codec.js'
import { optional, strictStruct } from './struct.codec.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Most sources, and most views, of one registry (ToolHive's limit). @category model @since 0.2.0 */
export const MaxSources = 20
/** A source or view name: a DNS label (it becomes part of a storage object name and of a URL path). @category model @since 0.2.0 */
export const SourceNamePattern = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'
/** The source name `spec.source` (a single-source registry) has internally. @category model @since 0.2.0 */
export const DefaultSourceName = 'default'
/** The kind blocks of a source, exactly one of which is set. @category model @since 0.2.0 */
export const SourceKinds = ['configMapRef', 'configmap', 'url', 'git', 'api', 'managed', 'kubernetes'] as const
/** @category model @since 0.2.0 */
export type SourceKind = (typeof SourceKinds)[number]

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

const SourceNameCodec = t.refinement(t.string, (s) => s.length <= 63 && new RegExp(SourceNamePattern, 'u').test(s), 'SourceName')
const ObjectName = t.refinement(t.string, (s) => s.length >= 1 && s.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/u.test(s), 'ObjectName')
const DataKey = t.refinement(t.string, (s) => s.length >= 1 && s.length <= 253 && /^[-._a-zA-Z0-9]+$/u.test(s), 'ConfigMapKey')

/** `configMapRef`: ToolHive's ConfigMapKeySelector (`name`, `key`, `optional`) in the registry's namespace. @category combinators @since 0.2.0 */
export const ConfigMapRefCodec = strictStruct({ name: ObjectName, key: DataKey, optional: optional(t.boolean) }, 'ConfigMapRef')
/** @category model @since 0.2.0 */
export type ConfigMapRef = t.TypeOf<typeof ConfigMapRefCodec>

/** `claims`: claim name to a value or a list of values (ToolHive's shape). @category combinators @since 0.2.0 */
export const ClaimsCodec = t.record(t.string, t.union([t.string, t.array(t.string)]), 'Claims')

/** `managed: {}` (ToolHive's write-API source): accepted, not implemented. @category combinators @since 0.2.0 */
export const ManagedSourceCodec = strictStruct({}, 'ManagedSource')
/** `kubernetes: {namespaces}` (exported MCPServers): accepted, implemented by a later source kind. @category combinators @since 0.2.0 */
export const KubernetesSourceCodec = strictStruct(
  { namespaces: optional(t.refinement(t.array(ObjectName), (a) => a.length <= 100, 'Namespaces')) },
  'KubernetesSource',
)

const SourceEntryStructCodec = strictStruct(
  {
    name: SourceNameCodec,
    format: optional(SourceFormatCodec),
    configMapRef: optional(ConfigMapRefCodec),
    configmap: optional(ConfigMapSourceCodec),
    url: optional(UrlSourceCodec),
    git: optional(GitSourceCodec),
    api: optional(ApiSourceCodec),
    managed: optional(ManagedSourceCodec),
    kubernetes: optional(KubernetesSourceCodec),
    filter: optional(RegistryFilterSpecCodec),
    syncPolicy: optional(SyncPolicyCodec),
    claims: optional(ClaimsCodec),
  },
  'MCPRegistrySourceEntry',
)

/** The kind blocks set on a source entry, in {@link SourceKinds} order. @category utils @since 0.2.0 */
export function kindsOf(entry: Partial<Record<SourceKind, unknown>>): SourceKind[] {
  return SourceKinds.filter((k) => entry[k] !== undefined)
}

/** One `spec.sources[]` entry: a name, exactly one kind block, and optional format, filter, syncPolicy, claims. @category combinators @since 0.2.0 */
export const MCPRegistrySourceEntryCodec = t.refinement(
  SourceEntryStructCodec,
  (s) => kindsOf(s).length === 1,
  'MCPRegistrySourceEntry(exactly one of configMapRef, configmap, url, git, api, managed, kubernetes)',
)
/** @category model @since 0.2.0 */
export type MCPRegistrySourceEntry = t.TypeOf<typeof MCPRegistrySourceEntryCodec>

/** One `spec.registries[]` entry: a view over an ordered list of source names. @category combinators @since 0.2.0 */
export const RegistryViewCodec = strictStruct(
  {
    name: SourceNameCodec,
    sources: t.refinement(t.array(SourceNameCodec), (a) => a.length >= 1 && a.length <= MaxSources && new Set(a).size === a.length, 'ViewSources'),
    claims: optional(ClaimsCodec),
  },
  'RegistryView',
)
/** @category model @since 0.2.0 */
export type RegistryView = t.TypeOf<typeof RegistryViewCodec>

const uniqueNames = (xs: ReadonlyArray<{ readonly name: string }>) => new Set(xs.map((x) => x.name)).size === xs.length

/** `spec.sources`: 1 to {@link MaxSources} entries with unique names. @category combinators @since 0.2.0 */
export const SourceEntriesCodec = t.refinement(
  t.array(MCPRegistrySourceEntryCodec),
  (a) => a.length >= 1 && a.length <= MaxSources && uniqueNames(a),
  'SourceEntries(1 to 20, unique names)',
)

/** `spec.registries`: 1 to {@link MaxSources} views with unique names. @category combinators @since 0.2.0 */
export const RegistryViewsCodec = t.refinement(
  t.array(RegistryViewCodec),
  (a) => a.length >= 1 && a.length <= MaxSources && uniqueNames(a),
  'RegistryViews(1 to 20, unique names)',
)

/**
 * `spec.sources` with the optional `spec.registries`: every view names only sources of the list.
 *
 * @category combinators
 * @since 0.2.0
 */
export const MultiSourceCodec = t.refinement(
  strictStruct({ sources: SourceEntriesCodec, registries: optional(RegistryViewsCodec) }, 'MultiSourceFields'),
  (m) => {
    const known = new Set(m.sources.map((s) => s.name))
    return (m.registries ?? []).every((v) => v.sources.every((s) => known.has(s)))
  },
  'MultiSource(a view names a source that spec.sources does not have)',
)
/** @category model @since 0.2.0 */
export type MultiSource = t.TypeOf<typeof MultiSourceCodec>

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Decodes `{sources, registries?}`; the Left names every offending path. @category utils @since 0.2.0 */
export const decodeMultiSource: (u: unknown) => E.Either<DecodeFailure, MultiSource> = decodeWith(MultiSourceCodec)

/**
 * The one source of a single-source registry as a `spec.sources[]` entry named {@link DefaultSourceName}
 * (its kind block under its `type`; the same format).
 *
 * @category utils
 * @since 0.2.0
 */
export function defaultSourceEntry(source: MCPRegistrySource): MCPRegistrySourceEntry {
  const { type, format, ...blocks } = source
  return { name: DefaultSourceName, ...(format === undefined ? {} : { format }), [type]: blocks[type] } as MCPRegistrySourceEntry
}

/**
 * The views of a registry: `spec.registries` when given, else one view named {@link DefaultSourceName} over all
 * sources in order. The first is the one the unprefixed API paths serve.
 *
 * @category utils
 * @since 0.2.0
 */
export function viewsOf(m: { readonly sources: ReadonlyArray<{ readonly name: string }>; readonly registries?: ReadonlyArray<RegistryView> | undefined }): RegistryView[] {
  return m.registries !== undefined ? [...m.registries] : [{ name: DefaultSourceName, sources: m.sources.map((s) => s.name) }]
}
