/** The MCPRegistry custom resource (`toolhive.stacklok.dev/v1alpha1`): spec, status and object codecs. */
import * as t from 'io-ts'
import { ConditionCodec } from './conditions.js'
import { decodeWith } from './decode-failure.js'
import { optional, strictPartial, strictStruct } from './struct.codec.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** API group of MCPRegistry and MCPServer. @category model @since 0.1.0 */
export const MCPRegistryGroup = 'toolhive.stacklok.dev'
/** API version of MCPRegistry. @category model @since 0.1.0 */
export const MCPRegistryVersion = 'v1alpha1'
/** Kind of the resource. @category model @since 0.1.0 */
export const MCPRegistryKindName = 'MCPRegistry'
/** Plural resource name. @category model @since 0.1.0 */
export const MCPRegistryPlural = 'mcpregistries'
/** Annotation whose new value (compared with `status.lastManualSyncTrigger`) requests a sync. @category model @since 0.1.0 */
export const SyncTriggerAnnotation = 'toolhive.stacklok.dev/sync-trigger'
/** Prefix of the per-source trigger annotation `toolhive.stacklok.dev/sync-trigger-<source>`. @category model @since 0.2.0 */
export const SourceSyncTriggerAnnotationPrefix = `${SyncTriggerAnnotation}-`

/**
 * Go duration syntax as accepted by `time.ParseDuration` (without sign): `30s`, `1h30m`, `1.5h`, `500ms`.
 * The same expression is the CRD's `pattern`.
 *
 * @category model
 * @since 0.1.0
 */
export const GoDurationPattern = '^([0-9]+([.][0-9]+)?(ns|us|µs|ms|s|m|h))+$'
/** A retry multiplier ≥ 1 written as a decimal string (`"1"`, `"1.5"`, `"2.0"`). @category model @since 0.1.0 */
export const MultiplierPattern = '^[1-9][0-9]*([.][0-9]+)?$'
/**
 * A name glob: `*` matches any run of characters (including `/`), `?` one character, everything else itself.
 * Allowed characters are those of ToolHive keys and upstream names (`[A-Za-z0-9._/-]`) plus `*` and `?`.
 *
 * @category model
 * @since 0.1.0
 */
export const NameGlobPattern = '^[A-Za-z0-9._/*?-]+$'
/** A Kubernetes object name (DNS subdomain). @category model @since 0.1.0 */
export const ObjectNamePattern = '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$'
/** A ConfigMap data key. @category model @since 0.1.0 */
export const ConfigMapKeyPattern = '^[-._a-zA-Z0-9]+$'
/** Longest name glob accepted. @category model @since 0.1.0 */
export const MaxGlobLength = 256
/** Most globs (or tags) in one include/exclude list. @category model @since 0.1.0 */
export const MaxFilterItems = 100

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

function patterned(pattern: string, name: string, minLength = 1, maxLength = Number.MAX_SAFE_INTEGER) {
  const re = new RegExp(pattern, 'u')
  return t.refinement(t.string, (s) => s.length >= minLength && s.length <= maxLength && re.test(s), name)
}

function boundedArray<C extends t.Mixed>(item: C, name: string) {
  return t.refinement(t.array(item), (a) => a.length <= MaxFilterItems, name)
}

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

/** A Go duration string ({@link GoDurationPattern}). @category primitives @since 0.1.0 */
export const GoDurationCodec = patterned(GoDurationPattern, 'GoDuration')
/** A multiplier ≥ 1 as a decimal string ({@link MultiplierPattern}). @category primitives @since 0.1.0 */
export const MultiplierCodec = patterned(MultiplierPattern, 'Multiplier')
/** A name glob ({@link NameGlobPattern}, at most {@link MaxGlobLength} characters). @category primitives @since 0.1.0 */
export const NameGlobCodec = patterned(NameGlobPattern, 'NameGlob', 1, MaxGlobLength)
/** A non-empty tag (compared exactly, case-sensitive). @category primitives @since 0.1.0 */
export const FilterTagCodec = t.refinement(t.string, (s) => s.length >= 1 && s.length <= MaxGlobLength, 'FilterTag')
/** A positive integer. @category primitives @since 0.1.0 */
export const PositiveIntCodec = t.refinement(t.number, (n) => Number.isInteger(n) && n > 0, 'PositiveInt')
/** A non-negative integer. @category primitives @since 0.1.0 */
export const NonNegativeIntCodec = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 0, 'NonNegativeInt')

// -------------------------------------------------------------------------------------
// combinators: spec
// -------------------------------------------------------------------------------------

/** `spec.source.configmap`: the ConfigMap holding registry data. `key` defaults to `registry.json`, `namespace` to the registry's. @category combinators @since 0.1.0 */
export const ConfigMapSourceCodec = strictStruct(
  {
    name: patterned(ObjectNamePattern, 'ObjectName', 1, 253),
    namespace: optional(patterned('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', 'NamespaceName', 1, 63)),
    key: optional(patterned(ConfigMapKeyPattern, 'ConfigMapKey', 1, 253)),
  },
  'ConfigMapSource',
)
/** @category model @since 0.1.0 */
export type ConfigMapSource = t.TypeOf<typeof ConfigMapSourceCodec>

/** A key of a Secret or ConfigMap (`SecretKeySelector`/`ConfigMapKeySelector` shape). @category combinators @since 0.2.0 */
export const KeySelectorCodec = strictStruct(
  { name: patterned(ObjectNamePattern, 'ObjectName', 1, 253), key: patterned(ConfigMapKeyPattern, 'ConfigMapKey', 1, 253) },
  'KeySelector',
)
/** @category model @since 0.2.0 */
export type KeySelector = t.TypeOf<typeof KeySelectorCodec>
/** A Secret named in the registry's namespace (all its keys are used). @category combinators @since 0.2.0 */
export const SecretRefCodec = strictStruct({ name: patterned(ObjectNamePattern, 'ObjectName', 1, 253) }, 'SecretRef')
/** @category model @since 0.2.0 */
export type SecretRef = t.TypeOf<typeof SecretRefCodec>
/** An `http://` or `https://` URL (the handler checks it further; HTTP needs `--allow-insecure-sources`). @category primitives @since 0.2.0 */
export const HttpUrlCodec = patterned('^https?://[^\\s]+$', 'HttpUrl', 8, 2048)

/**
 * `spec.source.url`: registry data from an HTTPS URL. `timeout` default 30s, at most 5m; `caCertRef` a ConfigMap key
 * with PEM CA certificates; `headersSecretRef` a Secret whose keys are request header names.
 *
 * @category combinators
 * @since 0.2.0
 */
export const UrlSourceCodec = strictStruct(
  { endpoint: HttpUrlCodec, timeout: optional(GoDurationCodec), caCertRef: optional(KeySelectorCodec), headersSecretRef: optional(SecretRefCodec) },
  'UrlSource',
)
/** @category model @since 0.2.0 */
export type UrlSource = t.TypeOf<typeof UrlSourceCodec>

/** `spec.source.git.auth`: HTTP Basic with a password or token from a Secret key. @category combinators @since 0.2.0 */
export const GitAuthCodec = strictStruct(
  { username: t.refinement(t.string, (s) => s.length >= 1 && s.length <= 256, 'Username'), passwordSecretRef: KeySelectorCodec },
  'GitAuth',
)
const GitSourceStructCodec = strictStruct(
  {
    repository: t.refinement(t.string, (s) => s.length >= 1 && s.length <= 2048, 'Repository'),
    branch: optional(t.refinement(t.string, (s) => s.length >= 1 && s.length <= 255, 'Branch')),
    tag: optional(t.refinement(t.string, (s) => s.length >= 1 && s.length <= 255, 'Tag')),
    commit: optional(patterned('^[0-9a-f]{40}([0-9a-f]{24})?$', 'CommitSha', 40, 64)),
    path: optional(patterned('^[^\\s]+$', 'RepositoryPath', 1, 1024)),
    timeout: optional(GoDurationCodec),
    auth: optional(GitAuthCodec),
    caCertRef: optional(KeySelectorCodec),
  },
  'GitSource',
)
/**
 * `spec.source.git`: a file of a git repository over smart HTTP(S). At most one of `branch`, `tag`, `commit`
 * (none: the default branch); `path` default `registry.json`.
 *
 * @category combinators
 * @since 0.2.0
 */
export const GitSourceCodec = t.refinement(
  GitSourceStructCodec,
  (g) => [g.branch, g.tag, g.commit].filter((x) => x !== undefined).length <= 1,
  'GitSource(at most one of branch, tag, commit)',
)
/** @category model @since 0.2.0 */
export type GitSource = t.TypeOf<typeof GitSourceCodec>

/**
 * `spec.source.api`: a mirror of an upstream MCP Registry API (`<endpoint>/v0.1/servers`). `authSecretRef` is a
 * Secret key sent as the `Authorization` header (a bare token as `Bearer <token>`).
 *
 * @category combinators
 * @since 0.2.0
 */
export const ApiSourceCodec = strictStruct(
  { endpoint: HttpUrlCodec, timeout: optional(GoDurationCodec), authSecretRef: optional(KeySelectorCodec), caCertRef: optional(KeySelectorCodec) },
  'ApiSource',
)
/** @category model @since 0.2.0 */
export type ApiSource = t.TypeOf<typeof ApiSourceCodec>

/**
 * `kubernetes: {namespaces}`: MCPServers (and MCPRemoteProxies, VirtualMCPServers) of these namespaces annotated for
 * export become remote entries. Empty or absent: the registry's namespace.
 *
 * @category combinators
 * @since 0.2.0
 */
export const KubernetesSourceCodec = strictStruct(
  { namespaces: optional(t.refinement(t.array(t.refinement(t.string, (s) => s.length >= 1 && s.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/u.test(s), 'ObjectName')), (a) => a.length <= 100, 'Namespaces')) },
  'KubernetesSource',
)
/** @category model @since 0.2.0 */
export type KubernetesSource = t.TypeOf<typeof KubernetesSourceCodec>

/** Source types: `configmap`, `url`, `git`, `api`, `kubernetes` (the last only inside `spec.sources`). @category primitives @since 0.1.0 */
export const SourceTypeCodec = t.keyof({ configmap: null, url: null, git: null, api: null, kubernetes: null }, 'SourceType')
/** Registry data formats; omitted means auto-detect. @category primitives @since 0.1.0 */
export const SourceFormatCodec = t.keyof({ toolhive: null, upstream: null }, 'SourceFormat')
/** @category model @since 0.1.0 */
export type SourceFormat = t.TypeOf<typeof SourceFormatCodec>

const SourceStructCodec = strictStruct(
  {
    type: SourceTypeCodec,
    format: optional(SourceFormatCodec),
    configmap: optional(ConfigMapSourceCodec),
    url: optional(UrlSourceCodec),
    git: optional(GitSourceCodec),
    api: optional(ApiSourceCodec),
    kubernetes: optional(KubernetesSourceCodec),
  },
  'MCPRegistrySource',
)
/** `spec.source`; a source type requires its block (`type: git` → `git`). @category combinators @since 0.1.0 */
export const MCPRegistrySourceCodec = t.refinement(
  SourceStructCodec,
  (s) => s[s.type] !== undefined,
  'MCPRegistrySource(the block named by type is required)',
)
/** @category model @since 0.1.0 */
export type MCPRegistrySource = t.TypeOf<typeof MCPRegistrySourceCodec>

/** `spec.syncPolicy.retryPolicy`. Defaults: 5 attempts, `30s`, `"2"`. @category combinators @since 0.1.0 */
export const RetryPolicyCodec = strictStruct(
  { maxAttempts: optional(PositiveIntCodec), backoffInterval: optional(GoDurationCodec), backoffMultiplier: optional(MultiplierCodec) },
  'RetryPolicy',
)
/** @category model @since 0.1.0 */
export type RetryPolicy = t.TypeOf<typeof RetryPolicyCodec>

/** Sync modes. @category primitives @since 0.1.0 */
export const SyncModeCodec = t.keyof({ automatic: null, manual: null }, 'SyncMode')
/** @category model @since 0.1.0 */
export type SyncMode = t.TypeOf<typeof SyncModeCodec>

const SyncPolicyStructCodec = strictStruct(
  { type: optional(SyncModeCodec), interval: optional(GoDurationCodec), retryPolicy: optional(RetryPolicyCodec) },
  'SyncPolicy',
)
/**
 * `spec.syncPolicy`. `interval` without `type` means automatic (ToolHive's shape); `type: automatic` requires
 * an `interval`.
 *
 * @category combinators
 * @since 0.1.0
 */
export const SyncPolicyCodec = t.refinement(
  SyncPolicyStructCodec,
  (p) => p.type !== 'automatic' || p.interval !== undefined,
  'SyncPolicy(interval required when type is automatic)',
)
/** @category model @since 0.1.0 */
export type SyncPolicy = t.TypeOf<typeof SyncPolicyCodec>

/** Include/exclude name globs. @category combinators @since 0.1.0 */
export const NameFilterCodec = strictStruct(
  { include: optional(boundedArray(NameGlobCodec, 'NameGlobs')), exclude: optional(boundedArray(NameGlobCodec, 'NameGlobs')) },
  'NameFilter',
)
/** Include/exclude tags. @category combinators @since 0.1.0 */
export const TagFilterCodec = strictStruct(
  { include: optional(boundedArray(FilterTagCodec, 'FilterTags')), exclude: optional(boundedArray(FilterTagCodec, 'FilterTags')) },
  'TagFilter',
)
/** @category model @since 0.1.0 */
export type TagFilter = t.TypeOf<typeof TagFilterCodec>

const FilterStructCodec = strictStruct(
  {
    include: optional(boundedArray(NameGlobCodec, 'NameGlobs')),
    exclude: optional(boundedArray(NameGlobCodec, 'NameGlobs')),
    names: optional(NameFilterCodec),
    tags: optional(TagFilterCodec),
  },
  'RegistryFilter',
)
/**
 * `spec.filter`: name globs either at the top (`include`/`exclude`, the design's shape) or under `names`
 * (ToolHive's shipped shape) but not both, plus tags.
 *
 * @category combinators
 * @since 0.1.0
 */
export const RegistryFilterSpecCodec = t.refinement(
  FilterStructCodec,
  (f) => f.names === undefined || (f.include === undefined && f.exclude === undefined),
  'RegistryFilter(use filter.include/exclude or filter.names, not both)',
)
/** @category model @since 0.1.0 */
export type RegistryFilterSpec = t.TypeOf<typeof RegistryFilterSpecCodec>

/** A DNS host name, optionally with a leading `*.` wildcard. @category model @since 0.2.0 */
export const HostnamePattern = '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'
/** A sampling ratio between 0 and 1 written as a decimal string (`"1"`, `"0.25"`). @category model @since 0.2.0 */
export const SamplingRatioPattern = '^(0([.][0-9]+)?|1([.]0+)?)$'
/** Most API replicas accepted. @category model @since 0.2.0 */
export const MaxReplicas = 100

const ObjectNameCodec = patterned(ObjectNamePattern, 'ObjectName', 1, 253)
const BoundedStringCodec = (name: string, max: number) => t.refinement(t.string, (s) => s.length >= 1 && s.length <= max, name)
const HostnameCodec = patterned(HostnamePattern, 'Hostname', 1, 253)
const maxItems = <C extends t.Mixed>(item: C, max: number, name: string, min = 0) =>
  t.refinement(t.array(item), (a) => a.length >= min && a.length <= max, name)

/**
 * `spec.podTemplateSpec`: a raw pod template (`metadata`, `spec`) merged over the generated API pod. The CRD keeps
 * it schemaless (unknown fields preserved); the operator checks it when merging.
 *
 * @category combinators
 * @since 0.2.0
 */
export const PodTemplateSpecCodec = t.UnknownRecord
/** `spec.imagePullSecrets[]` item. @category combinators @since 0.2.0 */
export const LocalObjectReferenceCodec = strictStruct({ name: ObjectNameCodec }, 'LocalObjectReference')
/** `spec.expose.ingress`. @category combinators @since 0.2.0 */
export const IngressExposeCodec = strictStruct(
  {
    className: optional(BoundedStringCodec('IngressClassName', 253)),
    host: HostnameCodec,
    tls: optional(strictStruct({ secretName: ObjectNameCodec }, 'IngressTLS')),
  },
  'IngressExpose',
)
/** @category model @since 0.2.0 */
export type IngressExpose = t.TypeOf<typeof IngressExposeCodec>
/** A Gateway API parent reference. @category combinators @since 0.2.0 */
export const ParentRefCodec = strictStruct(
  {
    name: BoundedStringCodec('ParentName', 253),
    namespace: optional(BoundedStringCodec('ParentNamespace', 63)),
    sectionName: optional(BoundedStringCodec('SectionName', 253)),
  },
  'ParentRef',
)
/** `spec.expose.httpRoute`. @category combinators @since 0.2.0 */
export const HTTPRouteExposeCodec = strictStruct(
  { parentRefs: maxItems(ParentRefCodec, 32, 'ParentRefs', 1), hostnames: optional(maxItems(HostnameCodec, 16, 'Hostnames')) },
  'HTTPRouteExpose',
)
/** @category model @since 0.2.0 */
export type HTTPRouteExpose = t.TypeOf<typeof HTTPRouteExposeCodec>
/** `spec.expose`: an Ingress or an HTTPRoute, not both. @category combinators @since 0.2.0 */
export const ExposeCodec = t.refinement(
  strictStruct({ ingress: optional(IngressExposeCodec), httpRoute: optional(HTTPRouteExposeCodec) }, 'ExposeFields'),
  (e) => e.ingress === undefined || e.httpRoute === undefined,
  'Expose(ingress or httpRoute, not both)',
)
/** @category model @since 0.2.0 */
export type Expose = t.TypeOf<typeof ExposeCodec>
/**
 * `spec.telemetryConfig` (ToolHive's field names): OTLP/HTTP traces and metrics of the registry API.
 *
 * @category combinators
 * @since 0.2.0
 */
export const TelemetryConfigCodec = t.refinement(
  strictStruct(
    {
      enabled: optional(t.boolean),
      serviceName: optional(BoundedStringCodec('ServiceName', 253)),
      serviceVersion: optional(BoundedStringCodec('ServiceVersion', 128)),
      endpoint: optional(BoundedStringCodec('Endpoint', 2048)),
      insecure: optional(t.boolean),
      tracing: optional(strictStruct({ enabled: optional(t.boolean), sampling: optional(patterned(SamplingRatioPattern, 'SamplingRatio', 1, 32)) }, 'TracingConfig')),
      metrics: optional(strictStruct({ enabled: optional(t.boolean) }, 'MetricsConfig')),
    },
    'TelemetryConfigFields',
  ),
  (c) => c.enabled !== true || c.endpoint !== undefined,
  'TelemetryConfig(endpoint required when enabled)',
)
/** @category model @since 0.2.0 */
export type TelemetryConfig = t.TypeOf<typeof TelemetryConfigCodec>

// -------------------------------------------------------------------------------------
// model: several sources (ToolHive's typed-era names)
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
// combinators: several sources
// -------------------------------------------------------------------------------------

const SourceNameCodec = t.refinement(t.string, (s) => s.length <= 63 && new RegExp(SourceNamePattern, 'u').test(s), 'SourceName')
const SourceObjectName = t.refinement(t.string, (s) => s.length >= 1 && s.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/u.test(s), 'ObjectName')
const DataKey = t.refinement(t.string, (s) => s.length >= 1 && s.length <= 253 && /^[-._a-zA-Z0-9]+$/u.test(s), 'ConfigMapKey')

/** `configMapRef`: ToolHive's ConfigMapKeySelector (`name`, `key`, `optional`) in the registry's namespace. @category combinators @since 0.2.0 */
export const ConfigMapRefCodec = strictStruct({ name: SourceObjectName, key: DataKey, optional: optional(t.boolean) }, 'ConfigMapRef')
/** @category model @since 0.2.0 */
export type ConfigMapRef = t.TypeOf<typeof ConfigMapRefCodec>

/** `claims`: claim name to a value or a list of values (ToolHive's shape). @category combinators @since 0.2.0 */
export const ClaimsCodec = t.record(t.string, t.union([t.string, t.array(t.string)]), 'Claims')

/** `managed: {}` (ToolHive's write-API source): accepted, not implemented. @category combinators @since 0.2.0 */
export const ManagedSourceCodec = strictStruct({}, 'ManagedSource')

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
// combinators: authentication of the registry API (ToolHive's typed-era names)
// -------------------------------------------------------------------------------------

/** Most identity providers of one registry. @category model @since 0.2.0 */
export const MaxAuthProviders = 10
/** A path of `authConfig.publicPaths`: absolute, no query. @category model @since 0.2.0 */
export const PublicPathPattern = '^/[^\\s?#]*$'

/**
 * One OpenID provider whose tokens the API accepts: the issuer (JWKS discovered from
 * `<issuerUrl>/.well-known/openid-configuration` unless `jwksUrl` is set), the audience a token must carry, an
 * optional CA (ConfigMap key with PEM) for a private issuer, and an RFC 7662 introspection endpoint for opaque
 * tokens with the client credentials the API authenticates with there (`clientId` + `clientSecretRef`, or a bearer
 * `authTokenRef`).
 *
 * @category combinators
 * @since 0.2.0
 */
export const AuthProviderCodec = strictStruct(
  {
    name: patterned(SourceNamePattern, 'ProviderName', 1, 63),
    issuerUrl: HttpUrlCodec,
    audience: patterned('^\\S+$', 'Audience', 1, 1024),
    jwksUrl: optional(HttpUrlCodec),
    caCertRef: optional(KeySelectorCodec),
    introspectionUrl: optional(HttpUrlCodec),
    clientId: optional(patterned('^\\S+$', 'ClientId', 1, 1024)),
    clientSecretRef: optional(KeySelectorCodec),
    authTokenRef: optional(KeySelectorCodec),
  },
  'AuthProvider',
)
/** @category model @since 0.2.0 */
export type AuthProvider = t.TypeOf<typeof AuthProviderCodec>

/** `authConfig.oauth`: the protected resource and its providers (1 to {@link MaxAuthProviders}, unique names). @category combinators @since 0.2.0 */
export const OAuthConfigCodec = strictStruct(
  {
    resourceUrl: optional(HttpUrlCodec),
    realm: optional(patterned('^[^"\\\\]*$', 'Realm', 1, 256)),
    scopesSupported: optional(maxItems(patterned('^[!#-\\[\\]-~]+$', 'Scope', 1, 256), 32, 'ScopesSupported')),
    providers: t.refinement(
      maxItems(AuthProviderCodec, MaxAuthProviders, 'AuthProviders', 1),
      (ps) => new Set(ps.map((p) => p.name)).size === ps.length,
      'AuthProviders(unique names)',
    ),
  },
  'OAuthConfig',
)
/** @category model @since 0.2.0 */
export type OAuthConfig = t.TypeOf<typeof OAuthConfigCodec>

/** `authConfig.mode`. @category combinators @since 0.2.0 */
export const AuthModeCodec = t.keyof({ anonymous: null, oauth: null }, 'AuthMode')
/** @category model @since 0.2.0 */
export type AuthMode = t.TypeOf<typeof AuthModeCodec>

/**
 * `spec.authConfig`: `mode` (default `anonymous`: everyone reads everything), `publicPaths` open without a token,
 * `oauth` (required with `mode: oauth`). `authz` (ToolHive's roles of its write API) is accepted and reported as
 * unsupported.
 *
 * @category combinators
 * @since 0.2.0
 */
export const AuthConfigCodec = t.refinement(
  strictStruct(
    {
      mode: optional(AuthModeCodec),
      publicPaths: optional(maxItems(patterned(PublicPathPattern, 'PublicPath', 1, 1024), 64, 'PublicPaths')),
      oauth: optional(OAuthConfigCodec),
      authz: optional(t.UnknownRecord),
    },
    'AuthConfigFields',
  ),
  (a) => a.mode !== 'oauth' || a.oauth !== undefined,
  'AuthConfig(oauth is required when mode is oauth)',
)
/** @category model @since 0.2.0 */
export type AuthConfig = t.TypeOf<typeof AuthConfigCodec>

const SpecFieldsCodec = strictStruct(
  {
    source: optional(MCPRegistrySourceCodec),
    sources: optional(SourceEntriesCodec),
    registries: optional(RegistryViewsCodec),
    displayName: optional(t.refinement(t.string, (s) => s.length <= 256, 'DisplayName')),
    syncPolicy: optional(SyncPolicyCodec),
    filter: optional(RegistryFilterSpecCodec),
    podTemplateSpec: optional(PodTemplateSpecCodec),
    imagePullSecrets: optional(maxItems(LocalObjectReferenceCodec, 100, 'ImagePullSecrets')),
    replicas: optional(t.refinement(NonNegativeIntCodec, (n) => n <= MaxReplicas, 'Replicas')),
    expose: optional(ExposeCodec),
    telemetryConfig: optional(TelemetryConfigCodec),
    authConfig: optional(AuthConfigCodec),
    databaseConfig: optional(t.UnknownRecord),
    enforceServers: optional(t.boolean),
  },
  'MCPRegistrySpecFields',
)

/**
 * `spec` of an MCPRegistry. Unknown keys are rejected. Exactly one of `source` (one source) and `sources` (several,
 * optionally with `registries` views naming only sources of the list). `databaseConfig` and `enforceServers`
 * (ToolHive's typed era) are accepted and reported as unsupported by the operator.
 *
 * @category combinators
 * @since 0.1.0
 */
export const MCPRegistrySpecCodec = new t.Type<t.TypeOf<typeof SpecFieldsCodec>, t.OutputOf<typeof SpecFieldsCodec>, unknown>(
  'MCPRegistrySpec',
  (u): u is t.TypeOf<typeof SpecFieldsCodec> => SpecFieldsCodec.is(u) && specRuleProblem(u) === undefined,
  (u, c) => {
    const fields = SpecFieldsCodec.validate(u, c)
    if (fields._tag === 'Left') return fields
    const problem = specRuleProblem(fields.right)
    if (problem === undefined) return fields
    return t.failure(u, [...c, { key: problem.key, type: SpecFieldsCodec, actual: u }], problem.message)
  },
  (a) => SpecFieldsCodec.encode(a),
)

/** The cross-field rules of the spec (the CRD's CEL rules), as the key they concern and a sentence. */
function specRuleProblem(s: t.TypeOf<typeof SpecFieldsCodec>): { key: string; message: string } | undefined {
  if (s.source === undefined && s.sources === undefined) return { key: 'source', message: 'set exactly one of spec.source and spec.sources (neither is set)' }
  if (s.source !== undefined && s.sources !== undefined) return { key: 'sources', message: 'set exactly one of spec.source and spec.sources (both are set)' }
  if (s.registries === undefined) return undefined
  if (s.sources === undefined) return { key: 'registries', message: 'spec.registries needs spec.sources' }
  const known = new Set(s.sources.map((x) => x.name))
  const unknown = s.registries.flatMap((v) => v.sources.filter((name) => !known.has(name)).map((name) => `${v.name}: ${name}`))
  return unknown.length === 0 ? undefined : { key: 'registries', message: `every spec.registries[].sources entry must name a source of spec.sources (unknown: ${unknown.join(', ')})` }
}
/** @category model @since 0.1.0 */
export type MCPRegistrySpec = t.TypeOf<typeof MCPRegistrySpecCodec>

// -------------------------------------------------------------------------------------
// combinators: status
// -------------------------------------------------------------------------------------

/** Phases; derived from sync and API state, never set ad hoc. @category primitives @since 0.1.0 */
export const MCPRegistryPhaseCodec = t.keyof(
  { Pending: null, Syncing: null, Ready: null, Failed: null, Terminating: null },
  'MCPRegistryPhase',
)
/** @category model @since 0.1.0 */
export type MCPRegistryPhase = t.TypeOf<typeof MCPRegistryPhaseCodec>

/** `status.storageRef`: where the snapshot is stored. @category combinators @since 0.1.0 */
export const StorageRefCodec = strictStruct(
  {
    type: t.literal('configmap'),
    configMapRef: optional(strictStruct({ name: t.string, namespace: optional(t.string), key: optional(t.string) }, 'ConfigMapRef')),
  },
  'StorageRef',
)
/** @category model @since 0.1.0 */
export type StorageRef = t.TypeOf<typeof StorageRefCodec>

/** Phases of one source in `status.sources[]`. @category primitives @since 0.2.0 */
export const SourcePhaseCodec = t.keyof({ Pending: null, Ready: null, Failed: null, Unsupported: null }, 'SourcePhase')
/** @category model @since 0.2.0 */
export type SourcePhase = t.TypeOf<typeof SourcePhaseCodec>

/**
 * One `status.sources[]` entry (a registry with `spec.sources`): the source's own sync state (`reason` is the
 * condition reason of its last failure, absent while it succeeds). `lastSyncHash`,
 * `lastSyncTime`, `serverCount` and `revision` describe its last good data; `shadowedCount` counts its server names
 * an earlier source serves instead; `specHash` is what the operator compares to re-sync only changed sources;
 * `lastManualSyncTrigger` the value of its `sync-trigger-<source>` annotation last honoured.
 *
 * @category combinators
 * @since 0.2.0
 */
export const SourceStatusCodec = t.intersection(
  [
    t.type({ name: t.string }),
    t.partial({
      kind: t.string,
      phase: SourcePhaseCodec,
      reason: t.string,
      message: t.string,
      revision: t.string,
      lastSyncTime: t.string,
      lastAttemptTime: t.string,
      nextSyncTime: t.string,
      lastSyncHash: t.string,
      serverCount: NonNegativeIntCodec,
      shadowedCount: NonNegativeIntCodec,
      skippedCount: NonNegativeIntCodec,
      syncAttempts: NonNegativeIntCodec,
      specHash: t.string,
      lastManualSyncTrigger: t.string,
    }),
  ],
  'SourceStatus',
)
/** @category model @since 0.2.0 */
export type SourceStatus = t.TypeOf<typeof SourceStatusCodec>

/** `status` of an MCPRegistry (written only by the operator, through the status subresource). @category combinators @since 0.1.0 */
export const MCPRegistryStatusCodec = strictPartial(
  {
    observedGeneration: t.number,
    phase: MCPRegistryPhaseCodec,
    message: t.string,
    lastSyncTime: t.string,
    lastSyncHash: t.string,
    lastAttemptTime: t.string,
    nextSyncTime: t.string,
    serverCount: NonNegativeIntCodec,
    deployedServerCount: NonNegativeIntCodec,
    syncAttempts: NonNegativeIntCodec,
    lastManualSyncTrigger: t.string,
    apiEndpoint: t.string,
    url: t.string,
    readyReplicas: NonNegativeIntCodec,
    ready: t.string,
    storageRef: StorageRefCodec,
    sources: t.array(SourceStatusCodec),
    sourcesReady: t.string,
    conditions: t.array(ConditionCodec),
  },
  'MCPRegistryStatus',
)
/** @category model @since 0.1.0 */
export type MCPRegistryStatus = t.TypeOf<typeof MCPRegistryStatusCodec>

/**
 * The object metadata fields the operator reads. Other metadata keys are tolerated (the API server owns
 * this shape).
 *
 * @category combinators
 * @since 0.1.0
 */
export const ObjectMetaCodec = t.intersection(
  [
    t.type({ name: t.string }),
    t.partial({
      namespace: t.string,
      uid: t.string,
      generation: t.number,
      resourceVersion: t.string,
      labels: t.record(t.string, t.string),
      annotations: t.record(t.string, t.string),
      finalizers: t.array(t.string),
      deletionTimestamp: t.unknown,
      creationTimestamp: t.unknown,
    }),
  ],
  'ObjectMeta',
)
/** @category model @since 0.1.0 */
export type ObjectMeta = t.TypeOf<typeof ObjectMetaCodec>

/** A whole MCPRegistry object as read from the API server. @category combinators @since 0.1.0 */
export const MCPRegistryCodec = strictStruct(
  {
    apiVersion: t.literal(`${MCPRegistryGroup}/${MCPRegistryVersion}`),
    kind: t.literal(MCPRegistryKindName),
    metadata: ObjectMetaCodec,
    spec: MCPRegistrySpecCodec,
    status: optional(MCPRegistryStatusCodec),
  },
  'MCPRegistry',
)
/** @category model @since 0.1.0 */
export type MCPRegistry = t.TypeOf<typeof MCPRegistryCodec>

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Decodes an MCPRegistry object; the Left lists every offending path (unknown fields included).
 *
 * @category utils
 * @since 0.1.0
 */
export const decodeMCPRegistry = decodeWith(MCPRegistryCodec)

/**
 * An MCPRegistry with one source (`spec.source`, the Part I shape): what a source handler syncs. A registry with
 * `spec.sources` is synced one source at a time, each presented as a {@link SingleSourceRegistry} (see
 * `sourceRegistry` in `multi-source.codec.ts`).
 *
 * @category model
 * @since 0.2.0
 */
export type SingleSourceRegistry = Omit<MCPRegistry, 'spec'> & { readonly spec: MCPRegistrySpec & { readonly source: MCPRegistrySource } }

/**
 * Whether the registry has one source (`spec.source`).
 *
 * @category utils
 * @since 0.2.0
 */
export function isSingleSource(registry: MCPRegistry): registry is SingleSourceRegistry {
  return registry.spec.source !== undefined
}

/**
 * Decodes an MCPRegistry `spec` alone (e.g. to validate a manifest before applying it).
 *
 * @category utils
 * @since 0.1.0
 */
export const decodeMCPRegistrySpec = decodeWith(MCPRegistrySpecCodec)
