/** Condition types, condition reasons and the Kubernetes condition codec used in MCPRegistry status. */
import * as t from 'io-ts'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Condition types set on an MCPRegistry. Every type is positive (`True` is good) and is set `True` as well as
 * `False`; `Unknown` means the step did not run (e.g. data not checked because the source was unreachable).
 *
 * @category model
 * @since 0.1.0
 */
export const ConditionType = {
  /** The source (e.g. the ConfigMap and its key) could be read. */
  SourceAvailable: 'SourceAvailable',
  /** The fetched data parsed, matched the declared format and decoded without errors. */
  DataValid: 'DataValid',
  /** The last sync attempt completed and storage holds its snapshot. */
  SyncSuccessful: 'SyncSuccessful',
  /** The registry API Deployment is available. */
  APIReady: 'APIReady',
  /** Data synced at least once and the API is available. */
  Ready: 'Ready',
  /** `spec.podTemplateSpec` merged over the generated pod and was accepted by the API server. */
  PodTemplateValid: 'PodTemplateValid',
  /** `spec.expose` is in place (Ingress or HTTPRoute); absent when nothing is exposed. */
  Exposed: 'Exposed',
  /** True: the spec sets fields of ToolHive's typed schema that this operator accepts but does not implement; absent otherwise. */
  Unsupported: 'Unsupported',
  /** `claims` of sources or views are enforced by the API (True with `authConfig.mode: oauth`); absent without claims. */
  ClaimsEnforced: 'ClaimsEnforced',
} as const

/** One of the {@link ConditionType} values. @category model @since 0.1.0 */
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType]

/**
 * Condition reasons (PascalCase tokens). Events reuse the same vocabulary. Grouped by the condition they
 * usually appear on; the comment says what an operator of the cluster should do about each False reason.
 *
 * @category model
 * @since 0.1.0
 */
export const ConditionReason = {
  // SourceAvailable
  /** True: the source was read. */
  SourceFetched: 'SourceFetched',
  /** The source ConfigMap does not exist: create it or fix `spec.source.configmap.name`. */
  SourceNotFound: 'SourceNotFound',
  /** The ConfigMap exists but lacks the key: fix `spec.source.configmap.key` or the ConfigMap. */
  KeyNotFound: 'KeyNotFound',
  /** The source is larger than the operator accepts. */
  SourceTooLarge: 'SourceTooLarge',
  /** The source configuration is invalid (e.g. missing block for the source type). */
  InvalidSourceConfig: 'InvalidSourceConfig',
  /** The source is in another namespace and the operator runs without `--allow-cross-namespace-sources`. */
  CrossNamespaceSourceForbidden: 'CrossNamespaceSourceForbidden',
  /** Reading the source failed for another reason (API server error, permissions). */
  FetchFailed: 'FetchFailed',
  /** A remote source (url, git, api) could not be reached (DNS, connection refused or reset): check the endpoint. */
  SourceUnreachable: 'SourceUnreachable',
  /** A remote source did not answer within its `timeout`: raise it or check the endpoint. */
  SourceTimeout: 'SourceTimeout',
  /** TLS with a remote source failed (untrusted or wrong certificate): set `caCertRef` or fix the server. */
  SourceTLSFailed: 'SourceTLSFailed',
  /** A remote source answered 401 or 403: fix the credentials Secret. */
  SourceUnauthorized: 'SourceUnauthorized',
  /** A remote source answered another HTTP error status (5xx after retries, 400, ...). */
  SourceHTTPError: 'SourceHTTPError',
  /** The operator's egress policy refused the endpoint or its resolved address; the message names host and rule. */
  SourceRefusedByPolicy: 'SourceRefusedByPolicy',

  // DataValid
  /** True: the data decoded and converted. */
  DataValidated: 'DataValidated',
  /** The data is not JSON; the message names the byte offset. */
  InvalidJson: 'InvalidJson',
  /** `spec.source.format` is set and the data is in another format (or no known format). */
  FormatMismatch: 'FormatMismatch',
  /** The data is JSON in a known format but violates its schema; the message names the paths. */
  InvalidData: 'InvalidData',
  /** `spec.filter` cannot be applied. */
  InvalidFilter: 'InvalidFilter',
  /** Unknown: the data was not checked because the source could not be read. */
  SourceUnavailable: 'SourceUnavailable',

  // SyncSuccessful
  /** True: storage holds the snapshot of the last attempt. */
  SyncSucceeded: 'SyncSucceeded',
  /** The sync failed before storage (source or data); storage keeps the last good snapshot. */
  SyncFailed: 'SyncFailed',
  /** Writing the storage ConfigMap(s) failed; the last good snapshot is kept. */
  StorageFailed: 'StorageFailed',
  /** The snapshot exceeds the storage ceiling; the last good snapshot is kept. */
  StorageTooLarge: 'StorageTooLarge',
  /** Failed attempts reached `syncPolicy.retryPolicy.maxAttempts`; waiting for a new trigger. */
  RetriesExhausted: 'RetriesExhausted',

  // APIReady
  /** True: the API Deployment has its replicas available. */
  DeploymentAvailable: 'DeploymentAvailable',
  /** The API Deployment exists but is not available yet. */
  DeploymentNotAvailable: 'DeploymentNotAvailable',
  /** Applying the API objects failed. */
  ApplyFailed: 'ApplyFailed',
  /** The API is deployed only once data has been synced. */
  WaitingForData: 'WaitingForData',

  // PodTemplateValid
  /** True: the pod template (if any) is merged into the API Deployment. */
  PodTemplateMerged: 'PodTemplateMerged',
  /** The pod template cannot be merged or the API server refused the result: fix `spec.podTemplateSpec`; the running Deployment is kept. */
  InvalidPodTemplate: 'InvalidPodTemplate',

  // Exposed
  /** True: the Ingress is applied. */
  IngressApplied: 'IngressApplied',
  /** True: the HTTPRoute is applied. */
  HTTPRouteApplied: 'HTTPRouteApplied',
  /** `spec.expose.httpRoute` is set but the Gateway API (HTTPRoute CRD) is not installed in the cluster. */
  GatewayAPIMissing: 'GatewayAPIMissing',
  /** Applying the Ingress or HTTPRoute failed (message says why). */
  ExposeFailed: 'ExposeFailed',

  // several sources (SourceAvailable, DataValid, SyncSuccessful of a registry with spec.sources)
  /** True: every source was read (or validated) on its last attempt. */
  SourcesFetched: 'SourcesFetched',
  /** At least one source failed its last attempt; the message names each one and why. */
  SourcesFailing: 'SourcesFailing',
  /** True: every source's last attempt succeeded and the served snapshot is stored. */
  SourcesSynced: 'SourcesSynced',

  // Unsupported
  /** True: the message lists the field paths that are accepted but not implemented. */
  UnsupportedFields: 'UnsupportedFields',
  /** False: the fields reported earlier are gone. */
  NoUnsupportedFields: 'NoUnsupportedFields',

  // ClaimsEnforced
  /** True: the API verifies bearer tokens and shows each caller only the sources and views its claims match. */
  ClaimsAuthorized: 'ClaimsAuthorized',
  /** `claims` are set but `authConfig.mode` is anonymous, so everyone sees everything: set `mode: oauth` or remove them. */
  AnonymousMode: 'AnonymousMode',

  // Ready
  /** True: data synced and API available. */
  RegistryReady: 'RegistryReady',
  /** No successful sync yet. */
  NotSynced: 'NotSynced',
  /** The API is not available. */
  APINotReady: 'APINotReady',
  /** The registry is being deleted. */
  Terminating: 'Terminating',
} as const

/** One of the {@link ConditionReason} values. @category model @since 0.1.0 */
export type ConditionReason = (typeof ConditionReason)[keyof typeof ConditionReason]

/**
 * Kubernetes event reasons emitted by the operator, one event per transition (never one per reconcile).
 *
 * @category model
 * @since 0.1.0
 */
export const EventReason = {
  /** Normal: a sync stored a new snapshot (or recovered after failures). */
  Synced: 'Synced',
  /** Warning: a sync failed while fetching the source. */
  SyncFailed: 'SyncFailed',
  /** Warning: the source data is invalid (JSON, format or schema). */
  InvalidData: 'InvalidData',
  /** Warning: storing the snapshot failed. */
  StorageFailed: 'StorageFailed',
  /** Warning: failed attempts reached maxAttempts; automatic retries stopped. */
  RetriesExhausted: 'RetriesExhausted',
  /** Normal: the registry API became available. */
  APIReady: 'APIReady',
  /** Warning: the registry API stopped being available or could not be applied. */
  APINotReady: 'APINotReady',
  /** Warning: `spec.podTemplateSpec` is invalid; the running Deployment is kept. */
  InvalidPodTemplate: 'InvalidPodTemplate',
  /** Warning: `spec.podTemplateSpec` weakens the generated hardening (non-root, read-only root, capabilities, ...). */
  PodTemplateWeakensHardening: 'PodTemplateWeakensHardening',
  /** Warning: `spec.expose.httpRoute` is set but the Gateway API is not installed. */
  GatewayAPIMissing: 'GatewayAPIMissing',
  /** Normal: servers of later sources are shadowed by earlier ones (names up to five); once per change. */
  ServersShadowed: 'ServersShadowed',
  /** Warning: the spec sets fields that are accepted but not implemented (the field paths); once per change. */
  UnsupportedFields: 'UnsupportedFields',
  /**
   * Warning, on the MCPServer (MCPRemoteProxy, VirtualMCPServer) itself: it asks to be exported but a `kubernetes`
   * source left it out (malformed annotation, bad URL, missing description); once per object and change.
   */
  RegistryExportSkipped: 'RegistryExportSkipped',
} as const

/** One of the {@link EventReason} values. @category model @since 0.1.0 */
export type EventReason = (typeof EventReason)[keyof typeof EventReason]

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

/** `True`, `False` or `Unknown`. @category primitives @since 0.1.0 */
export const ConditionStatusCodec = t.keyof({ True: null, False: null, Unknown: null }, 'ConditionStatus')
/** @category model @since 0.1.0 */
export type ConditionStatus = t.TypeOf<typeof ConditionStatusCodec>

/**
 * A `metav1.Condition` as stored in `status.conditions` (the API server's shape; unknown keys are tolerated
 * because the API server owns this shape).
 *
 * @category primitives
 * @since 0.1.0
 */
export const ConditionCodec = t.intersection(
  [
    t.type({ type: t.string, status: ConditionStatusCodec, reason: t.string, message: t.string, lastTransitionTime: t.string }),
    t.partial({ observedGeneration: t.number }),
  ],
  'Condition',
)
