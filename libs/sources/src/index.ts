/**
 * @packageDocumentation
 * Where registry data comes from. A {@link SourceHandler} validates `spec.source` (pure) and syncs it (fetch, detect,
 * decode, convert, filter, hash) into a snapshot; {@link SourceHandlerRegistry} dispatches on `spec.source.type`;
 * {@link ConfigMapSourceHandler} reads a ConfigMap key. Failures are typed `SourceError`s whose `code` is the
 * condition reason, each naming the registry, the ConfigMap and the key.
 */
export type { SourceHandler, SyncResult, SyncOptions, UnchangedSyncResult, SkippedObject } from './source-handler.js'
export { SourceHandlerRegistry } from './source-handler.registry.js'
export { ConfigMapSourceHandler, DefaultSourceKey, toSourceError } from './configmap.source.js'
export type { ConfigMapSourceOptions, ResolvedConfigMapSource } from './configmap.source.js'
export {
  SourceError, SourceNotFoundError, SourceKeyNotFoundError, SourceTooLargeError, SourceInvalidJsonError,
  SourceFormatMismatchError, SourceInvalidDataError, SourceInvalidFilterError, SourceFetchError, SourceConfigError,
  RemoteSourceError,
} from './source.errors.js'
export type { SourceErrorCode, SourceConfigErrorCode, SourceLocation, RemoteFailureKind } from './source.errors.js'
export { EgressPolicy, EgressRefusedError, classifyAddress } from './egress-policy.js'
export type { EgressPolicyOptions, EgressRule, AddressClass } from './egress-policy.js'
export { SourceHttpClient, BodyTooLargeError, TooManyRedirectsError, MaxRedirects } from './source-http.js'
export { DefaultRemoteTimeoutMs, MaxRemoteTimeoutMs, DefaultMaxSourceBytes } from './remote-source.common.js'
export type { RemoteSourceOptions } from './remote-source.common.js'
export { UrlSourceHandler } from './url.source.js'
export { GitSourceHandler, DefaultGitPath } from './git.source.js'
export type { GitSourceOptions } from './git.source.js'
export { ApiMirrorSourceHandler, MirrorPageLimit, MirrorPageAttempts } from './api-mirror.source.js'
export type { ApiMirrorOptions } from './api-mirror.source.js'
export { KubernetesSourceHandler } from './kubernetes.source.js'
export type { KubernetesSourceOptions, KubernetesSyncResult, WorkloadLister } from './kubernetes.source.js'
export {
  DefaultKubernetesNamePrefix, KubernetesNamePrefixPattern, ExportedKinds, exportedServer, exportedServerName, isExportRequested, workloadTransport,
} from './kubernetes-export.js'
export type { ExportedKind, WorkloadObject } from './kubernetes-export.js'
