/** The registry API objects of one MCPRegistry (the operator README lists them), as pure functions of the registry and operator config. */
import type {
  V1ConfigMap,
  V1Deployment,
  V1LocalObjectReference,
  V1OwnerReference,
  V1PodDisruptionBudget,
  V1PolicyRule,
  V1Role,
  V1RoleBinding,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node'
import { MCPRegistryGroup, MCPRegistryKindName, MCPRegistryVersion, RegistryNameLabel, type TelemetryConfig } from '@thv/registry-model'
import { AuthConfigHashAnnotation, AuthMountPath, AuthSettingsKey, desiredAuthObjects, type AuthObjects, type AuthSpec } from './auth-objects.js'
import { mergePodTemplate, type PodTemplateMerge } from './pod-template.js'

/** Port the registry API listens on inside its pod. */
export const ApiContainerPort = 8080
/** Port of the API Service. */
export const ApiServicePort = 80
/** Name of the API container. */
export const ApiContainerName = 'registry-api'
/** UID/GID the API runs as (non-root; numeric so that `runAsNonRoot` can be verified without image metadata). */
export const ApiRunAsUser = 65532

/** The registry the objects belong to. */
export interface ApiOwner {
  readonly name: string
  readonly namespace: string
  readonly uid: string
}

/** Operator-level settings that shape the API objects. */
export interface ApiObjectsConfig {
  /** `--registry-api-image`. */
  readonly image: string
  /** Role rules that let the API read its own storage (from `@thv/storage`'s `storageReaderPolicyRules`). */
  readonly storageRules: readonly V1PolicyRule[]
}

/** The deployment settings of an MCPRegistry's spec that shape its API objects. */
export interface ApiDeploymentSettings extends AuthSpec {
  /** `spec.replicas` (default 1). */
  readonly replicas?: number
  /** `spec.imagePullSecrets`. */
  readonly imagePullSecrets?: readonly V1LocalObjectReference[]
  /** `spec.podTemplateSpec` (raw). */
  readonly podTemplateSpec?: Readonly<Record<string, unknown>>
  /** `spec.telemetryConfig`. */
  readonly telemetryConfig?: TelemetryConfig
}

/** Every object the API deploy controller applies for one registry. */
export interface ApiObjects {
  readonly serviceAccount: V1ServiceAccount
  readonly role: V1Role
  readonly roleBinding: V1RoleBinding
  /** The Deployment with the pod template merged in; when the template is invalid, the generated one (not to apply). */
  readonly deployment: V1Deployment
  /** Outcome of merging `spec.podTemplateSpec`: when not ok, the running Deployment must be left as it is. */
  readonly podTemplate: PodTemplateMerge
  /** PodDisruptionBudget (minAvailable 1) when more than one replica runs; otherwise the existing one is deleted. */
  readonly podDisruptionBudget: V1PodDisruptionBudget | undefined
  readonly service: V1Service
  /** The ConfigMap with the API's auth settings (`spec.authConfig` and claims); undefined without `authConfig`. */
  readonly authConfigMap: V1ConfigMap | undefined
}

/** `<name>-api`: the Deployment and Service name. */
export function apiResourceName(registryName: string): string {
  return `${registryName}-api`
}

/** `<name>-registry-api`: the ServiceAccount, Role and RoleBinding name. */
export function apiIdentityName(registryName: string): string {
  return `${registryName}-registry-api`
}

/** `http://<name>-api.<namespace>.svc.cluster.local:80`: the in-cluster URL reported in `status.apiEndpoint`. */
export function apiEndpoint(owner: Pick<ApiOwner, 'name' | 'namespace'>): string {
  return `http://${apiResourceName(owner.name)}.${owner.namespace}.svc.cluster.local:${ApiServicePort}`
}

/** Pod selector of a registry's API (immutable once the Deployment exists). */
export function apiSelector(registryName: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'registry-api', 'app.kubernetes.io/instance': registryName }
}

/** Labels on every API object. */
export function apiLabels(registryName: string): Record<string, string> {
  return {
    ...apiSelector(registryName),
    'app.kubernetes.io/component': 'registry-api',
    'app.kubernetes.io/part-of': 'thv-registry',
    'app.kubernetes.io/managed-by': 'thv-operator',
    [RegistryNameLabel]: registryName,
  }
}

/** The controller owner reference to the MCPRegistry (garbage collection deletes the objects with it). */
export function ownerReference(owner: ApiOwner): V1OwnerReference {
  return {
    apiVersion: `${MCPRegistryGroup}/${MCPRegistryVersion}`,
    kind: MCPRegistryKindName,
    name: owner.name,
    uid: owner.uid,
    controller: true,
    blockOwnerDeletion: true,
  }
}

/**
 * The desired API objects: a ServiceAccount (no token automount by default), a Role that may only read the
 * registry's storage ConfigMaps by name, its RoleBinding, a hardened one-replica Deployment and a ClusterIP
 * Service 80 → 8080. Everything the operator sets is here, so server-side apply restores drift and rolls out a
 * changed image; fields the operator does not set stay with whoever set them.
 */
export function desiredApiObjects(owner: ApiOwner, config: ApiObjectsConfig, settings: ApiDeploymentSettings = {}): ApiObjects {
  const identity = apiIdentityName(owner.name)
  const name = apiResourceName(owner.name)
  const metadata = (n: string) => ({ name: n, namespace: owner.namespace, labels: apiLabels(owner.name), ownerReferences: [ownerReference(owner)] })
  const replicas = settings.replicas ?? 1
  const pullSecrets = (settings.imagePullSecrets ?? []).map((s) => ({ name: s.name }))
  const auth = desiredAuthObjects(owner.name, metadata(name), settings, apiEndpoint(owner))
  const generated = apiDeployment(owner, config, metadata(name), identity, { replicas, pullSecrets, env: telemetryEnv(settings.telemetryConfig), auth })
  const podTemplate = mergePodTemplate(generated.spec!.template, settings.podTemplateSpec, ApiContainerName, apiSelector(owner.name))
  return {
    serviceAccount: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: metadata(identity),
      // Only the API pod needs a token; it asks for one explicitly in its pod spec.
      automountServiceAccountToken: false,
      ...(pullSecrets.length > 0 ? { imagePullSecrets: pullSecrets } : {}),
    },
    role: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: metadata(identity),
      rules: config.storageRules.map((r) => ({ ...r })),
    },
    roleBinding: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: metadata(identity),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: identity },
      subjects: [{ kind: 'ServiceAccount', name: identity, namespace: owner.namespace }],
    },
    deployment: podTemplate.ok ? { ...generated, spec: { ...generated.spec!, template: podTemplate.template } } : generated,
    podTemplate,
    podDisruptionBudget: replicas > 1
      ? { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: metadata(name), spec: { minAvailable: 1, selector: { matchLabels: apiSelector(owner.name) } } }
      : undefined,
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(name),
      spec: {
        type: 'ClusterIP',
        selector: apiSelector(owner.name),
        ports: [{ name: 'http', port: ApiServicePort, targetPort: 'http', protocol: 'TCP' }],
      },
    },
    authConfigMap: auth?.configMap,
  }
}

/**
 * The `THV_REGISTRY_OTLP_*` environment of the API container for `spec.telemetryConfig` (none when disabled).
 * An endpoint without a scheme gets `https://`, or `http://` with `insecure: true`. Tracing and metrics are on
 * unless set to `enabled: false`; sampling defaults to every trace.
 */
export function telemetryEnv(telemetry: TelemetryConfig | undefined): { name: string; value: string }[] {
  if (telemetry?.enabled !== true || telemetry.endpoint === undefined) return []
  const endpoint = /^https?:\/\//.test(telemetry.endpoint) ? telemetry.endpoint : `${telemetry.insecure === true ? 'http' : 'https'}://${telemetry.endpoint}`
  return [
    { name: 'THV_REGISTRY_OTLP_ENDPOINT', value: endpoint },
    { name: 'THV_REGISTRY_OTLP_SERVICE_NAME', value: telemetry.serviceName ?? 'thv-registry-api' },
    ...(telemetry.serviceVersion === undefined ? [] : [{ name: 'THV_REGISTRY_OTLP_SERVICE_VERSION', value: telemetry.serviceVersion }]),
    { name: 'THV_REGISTRY_OTLP_TRACES', value: String(telemetry.tracing?.enabled !== false) },
    { name: 'THV_REGISTRY_OTLP_SAMPLING', value: telemetry.tracing?.sampling ?? '1' },
    { name: 'THV_REGISTRY_OTLP_METRICS', value: String(telemetry.metrics?.enabled !== false) },
  ]
}

interface PodSettings {
  readonly replicas: number
  readonly pullSecrets: readonly V1LocalObjectReference[]
  readonly env: readonly { name: string; value: string }[]
  readonly auth: AuthObjects | undefined
}

function apiDeployment(owner: ApiOwner, config: ApiObjectsConfig, metadata: V1Deployment['metadata'], serviceAccountName: string, pod: PodSettings): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: pod.replicas,
      selector: { matchLabels: apiSelector(owner.name) },
      template: {
        // The hash of the auth settings rolls the pods when they change (the API reads them at start).
        metadata: { labels: apiLabels(owner.name), ...(pod.auth === undefined ? {} : { annotations: { [AuthConfigHashAnnotation]: pod.auth.hash } }) },
        spec: {
          serviceAccountName,
          automountServiceAccountToken: true,
          ...(pod.pullSecrets.length > 0 ? { imagePullSecrets: pod.pullSecrets.map((s) => ({ ...s })) } : {}),
          // Spread replicas across nodes where possible; a single-node cluster still schedules them.
          ...(pod.replicas > 1
            ? { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: apiSelector(owner.name) } }] }
            : {}),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: ApiRunAsUser,
            runAsGroup: ApiRunAsUser,
            ...(pod.auth === undefined ? {} : { fsGroup: ApiRunAsUser }),
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: ApiContainerName,
              image: config.image,
              args: [
                '--registry', `${owner.namespace}/${owner.name}`, '--port', String(ApiContainerPort),
                ...(pod.auth === undefined ? [] : ['--auth-config', `${AuthMountPath}/${AuthSettingsKey}`]),
              ],
              ports: [{ name: 'http', containerPort: ApiContainerPort, protocol: 'TCP' }],
              livenessProbe: { httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 5, periodSeconds: 10 },
              readinessProbe: { httpGet: { path: '/readiness', port: 'http' }, initialDelaySeconds: 2, periodSeconds: 5 },
              // Measured (bench/api-memory.bench.ts, ADRs 0015 and 0018): with these settings the API holds a
              // 10,000-server registry in about 95 MiB (peak 150 MiB while a new snapshot replaces it) and a
              // 100,000-version one in about 230 MiB (peak 370 MiB): it builds the new views while it reads the stored
              // snapshot. With --auth-config it keeps the decoded snapshot too (restricted views are built from it),
              // which large registries must give room through spec.podTemplateSpec. NODE_OPTIONS keeps V8's heap from
              // growing to several times its live size (ADR 0006). MALLOC_MMAP_THRESHOLD_ makes glibc map every
              // buffer of 16 KiB or more on its own, so buffers freed after a load or a streamed document go back to
              // the system instead of fragmenting the heap (about 30 MiB kept for good at 10,000 servers without it).
              env: [
                { name: 'NODE_OPTIONS', value: '--max-old-space-size=384 --max-semi-space-size=4' },
                { name: 'MALLOC_MMAP_THRESHOLD_', value: '16384' },
                ...pod.env.map((e) => ({ ...e })),
              ],
              resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [
                { name: 'tmp', mountPath: '/tmp' },
                ...(pod.auth === undefined ? [] : [{ name: 'auth', mountPath: AuthMountPath, readOnly: true }]),
              ],
            },
          ],
          volumes: [
            { name: 'tmp', emptyDir: {} },
            // Settings, CAs and Secrets as files readable by the API's group only (fsGroup); never env or args.
            ...(pod.auth === undefined ? [] : [{ name: 'auth', projected: { defaultMode: 0o440, sources: pod.auth.projections } }]),
          ],
        },
      },
    },
  }
}
