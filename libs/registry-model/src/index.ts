/**
 * `@thv/registry-model`: io-ts codecs and the types derived from them for every document thv-registry reads or
 * writes: the ToolHive registry format, upstream MCP `server.json` (schema dates 2025-09-29 … 2025-12-11) and the
 * upstream API envelopes, ToolHive's upstream wrapper, the legacy 2025-05-16 seed format (decode only), the stored
 * registry snapshot, and the MCPRegistry/MCPServer resources with their condition vocabulary.
 *
 * Decoding never throws. Raw bytes go through {@link parseJson} (a `Left` names the byte offset of invalid JSON);
 * values go through a `decodeX` function or {@link decodeWith}, whose `Left` is a {@link DecodeFailure} listing
 * every offending path in one message. Objects that the formats close (`additionalProperties: false`) are built
 * with {@link strictStruct}, which rejects unknown keys with their path instead of stripping them.
 *
 * @packageDocumentation
 */
export { parseJson } from './json-parse.js'
export type { JsonParseError, ParseJsonOptions } from './json-parse.js'
export {
  decodeFailure, fromValidationErrors, decodeWith, decodeOwnedWith, isOwnedInput, formatIssue, formatPathSegment, describeValue,
} from './decode-failure.js'
export type { DecodeIssue, DecodeFailure } from './decode-failure.js'
export { StructCodec, optional, strictStruct, strictPartial, openStruct, isRecord, define } from './struct.codec.js'
export type { OptionalProp, StructProps, StructOf, StructOutputOf } from './struct.codec.js'
export {
  boundedString, stringEnum, stringLiteral, numberLiteral, integerRange, StringCodec, BooleanCodec, JsonObjectCodec, codePointLength,
} from './string.codec.js'
export type { StringConstraints } from './string.codec.js'
export { isUri, isDateTime, isHostname, UriCodec, DateTimeCodec, HostnameCodec, Sha256HexCodec } from './format.codec.js'
export { arrayOf, recordOf, taggedUnion } from './collection.codec.js'
export type { ArrayConstraints } from './collection.codec.js'
export {
  ServerSchemaDates, CurrentServerSchemaUrl, PublisherProvidedMetaKey, isVersionRange, ServerNameCodec, ServerVersionCodec,
  InputCodec, KeyValueInputCodec, PositionalArgumentCodec, NamedArgumentCodec, ArgumentCodec, StdioTransportCodec,
  StreamableHttpTransportCodec, SseTransportCodec, LocalTransportCodec, RemoteTransportCodec, PackageCodec,
  RepositoryCodec, IconCodec, ServerMetaCodec, ServerJsonCodec, decodeServerJson, serverSchemaDate,
} from './server-json.codec.js'
export type {
  Input, KeyValueInput, PositionalArgument, NamedArgument, Argument, StdioTransport, StreamableHttpTransport,
  SseTransport, LocalTransport, RemoteTransport, Package, Repository, Icon, ServerMeta, ServerJson,
} from './server-json.codec.js'
export {
  OfficialMetaKey, ServerStatusCodec, OfficialMetaCodec, ServerResponseMetaCodec, ServerResponseCodec, serverVersionKey,
  ServerResponsesCodec, ServerListMetadataCodec, ServerListCodec, decodeServerResponse, decodeServerList,
} from './upstream-api.codec.js'
export type {
  ServerStatus, OfficialMeta, ServerResponseMeta, ServerResponse, ServerListMetadata, ServerList,
} from './upstream-api.codec.js'
export {
  ServerJsonArrayCodec, ToolHiveUpstreamMetaCodec, ToolHiveUpstreamDataCodec, ToolHiveUpstreamRegistryCodec,
  decodeToolHiveUpstreamRegistry, decodeServerJsonArray,
} from './toolhive-upstream.codec.js'
export type { ServerJsonArray, ToolHiveUpstreamMeta, ToolHiveUpstreamData, ToolHiveUpstreamRegistry } from './toolhive-upstream.codec.js'
export {
  LegacyArgumentCodec, LegacyPackageCodec, LegacyRemoteCodec, LegacyServerCodec, LegacyServerListCodec, decodeLegacyServerList,
} from './legacy-server.codec.js'
export type { LegacyArgument, LegacyPackage, LegacyRemote, LegacyServer, LegacyServerList } from './legacy-server.codec.js'
export {
  ToolHiveServerNameCodec, ToolHiveTierCodec, ToolHiveStatusCodec, ToolHiveImageCodec, ToolHiveEnvVarCodec,
  ToolHiveHeaderCodec, ToolHiveOutboundPermissionsCodec, ToolHiveNetworkPermissionsCodec, ToolHivePermissionsCodec,
  ToolHiveMetadataCodec, ToolHiveAttestationCodec, ToolHiveProvenanceCodec, ToolHiveOAuthConfigCodec,
  ToolHiveImageServerCodec, ToolHiveRemoteServerCodec,
} from './toolhive-server.codec.js'
export type {
  ToolHiveTier, ToolHiveStatus, ToolHiveEnvVar, ToolHiveHeader, ToolHivePermissions, ToolHiveMetadata,
  ToolHiveProvenance, ToolHiveOAuthConfig, ToolHiveImageServer, ToolHiveRemoteServer,
} from './toolhive-server.codec.js'
export {
  ToolHiveImageServersCodec, ToolHiveRemoteServersCodec, ToolHiveGroupCodec, ToolHiveGroupsCodec, ToolHiveRegistryCodec,
  decodeToolHiveRegistry,
} from './toolhive-registry.codec.js'
export type { ToolHiveGroup, ToolHiveRegistry } from './toolhive-registry.codec.js'
export {
  SnapshotSchemaVersion, SnapshotSourceCodec, SnapshotFormatCodec, SnapshotToolHiveHeaderCodec, SnapshotRegistryMetaCodec,
  DeployedServerSummaryCodec, DeployedServerSummariesCodec, RegistrySnapshotCodec, decodeSnapshot, decodeParsedSnapshot,
  decodeDeployedServerSummary, SnapshotViewCodec, SnapshotSourceSummaryCodec, ServerVersionOutlineCodec, SnapshotOutlineCodec,
  decodeParsedSnapshotOutline, decodeParsedServerResponse,
} from './snapshot.codec.js'
export type {
  SnapshotSource, SnapshotFormat, SnapshotToolHiveHeader, SnapshotRegistryMeta, DeployedServerSummary, RegistrySnapshot,
  SnapshotView, SnapshotSourceSummary, SnapshotOutline,
} from './snapshot.codec.js'
export {
  ConditionType, ConditionReason, EventReason, ConditionStatusCodec, ConditionCodec,
} from './conditions.js'
export type { ConditionStatus } from './conditions.js'
export {
  MCPRegistryGroup, MCPRegistryVersion, MCPRegistryKindName, MCPRegistryPlural, SyncTriggerAnnotation,
  GoDurationPattern, MultiplierPattern, NameGlobPattern, ObjectNamePattern, ConfigMapKeyPattern, MaxGlobLength,
  MaxFilterItems, GoDurationCodec, MultiplierCodec, NameGlobCodec, FilterTagCodec, PositiveIntCodec,
  NonNegativeIntCodec, ConfigMapSourceCodec, KeySelectorCodec, SecretRefCodec, HttpUrlCodec, UrlSourceCodec, GitAuthCodec,
  GitSourceCodec, ApiSourceCodec, SourceTypeCodec, SourceFormatCodec, MCPRegistrySourceCodec,
  RetryPolicyCodec, SyncModeCodec, SyncPolicyCodec, NameFilterCodec, TagFilterCodec, RegistryFilterSpecCodec,
  MCPRegistrySpecCodec, MCPRegistryPhaseCodec, StorageRefCodec, MCPRegistryStatusCodec, ObjectMetaCodec,
  MCPRegistryCodec, decodeMCPRegistry, decodeMCPRegistrySpec,
  HostnamePattern, SamplingRatioPattern, MaxReplicas, PodTemplateSpecCodec, LocalObjectReferenceCodec, IngressExposeCodec,
  ParentRefCodec, HTTPRouteExposeCodec, ExposeCodec, TelemetryConfigCodec, SourceSyncTriggerAnnotationPrefix,
  SourcePhaseCodec, SourceStatusCodec, isSingleSource,
  MaxSources, SourceNamePattern, DefaultSourceName, SourceKinds, ConfigMapRefCodec, ClaimsCodec, ManagedSourceCodec,
  KubernetesSourceCodec, MCPRegistrySourceEntryCodec, RegistryViewCodec, SourceEntriesCodec, RegistryViewsCodec,
  MultiSourceCodec, kindsOf,
  MaxAuthProviders, PublicPathPattern, AuthProviderCodec, OAuthConfigCodec, AuthModeCodec, AuthConfigCodec,
} from './mcpregistry.codec.js'
export type {
  ConfigMapSource, KeySelector, SecretRef, UrlSource, GitSource, ApiSource, SourceFormat, MCPRegistrySource, RetryPolicy, SyncMode, SyncPolicy, TagFilter,
  RegistryFilterSpec, MCPRegistrySpec, MCPRegistryPhase, StorageRef, MCPRegistryStatus, ObjectMeta, MCPRegistry,
  IngressExpose, HTTPRouteExpose, Expose, TelemetryConfig, SourcePhase, SourceStatus, SingleSourceRegistry,
  SourceKind, ConfigMapRef, MCPRegistrySourceEntry, RegistryView, MultiSource, KubernetesSource,
  AuthProvider, OAuthConfig, AuthMode, AuthConfig,
} from './mcpregistry.codec.js'
export { AuthProviderSettingsCodec, ApiAuthSettingsCodec, decodeApiAuthSettings } from './auth-settings.codec.js'
export type { AuthProviderSettings, ApiAuthSettings } from './auth-settings.codec.js'
export {
  MCPServerPlural, MCPServerKindName, RegistryNameLabel, RegistryNamespaceLabel, ServerNameLabel, MCPServerCodec,
  MCPRemoteProxyKindName, MCPRemoteProxyPlural, VirtualMCPServerKindName, VirtualMCPServerPlural, RegistryExportAnnotations,
} from './mcpserver.codec.js'
export type { MCPServer } from './mcpserver.codec.js'
export { parseGoDurationMs } from './go-duration.js'
export { decodeMultiSource, defaultSourceEntry, viewsOf, sourceOfEntry, sourceRegistry, sourceSpecHash } from './multi-source.codec.js'
