/** API deploy controller: applies each registry's API objects and reports `APIReady` and `apiEndpoint`. */
import type { KubernetesObject, V1Deployment, V1PolicyRule } from '@kubernetes/client-node'
import {
  applyObject,
  ConfigMapKind,
  controllerFor,
  DeploymentKind,
  findCondition,
  generationChanged,
  httpStatusOf,
  isBeingDeleted,
  resourcePath,
  ServiceKind,
  type BuildError,
  type Clock,
  type Controller,
  type EventRecorder,
  type KindDescriptor,
  type KubeClient,
  type Logger,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
} from '@thv/k8s-reconcile'
import { ConditionReason, ConditionType, decodeMCPRegistrySpec, EventReason } from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'
import { apiEndpoint, desiredApiObjects, type ApiObjects } from '../api/api-objects.js'
import { authConfigMapName } from '../api/auth-objects.js'
import { claimsEnforcement } from '../status/auth-status.js'
import { desiredExposeObjects, type ExposeObjects } from '../api/expose-objects.js'
import { FieldManager, HTTPRouteKind, IngressKind, MCPRegistryKind, PodDisruptionBudgetKind, RoleBindingKind, RoleKind, ServiceAccountKind } from '../kinds.js'
import type { RegistryMetrics } from '../metrics/registry-metrics.js'
import { readRegistry, writeRegistryStatus, type RegistryObject } from '../status/registry-status.js'

/** Labels selecting the objects this controller owns (keeps the owned-kind informers small). */
export const ApiObjectSelector = 'app.kubernetes.io/managed-by=thv-operator,app.kubernetes.io/component=registry-api'

/** How often a registry whose HTTPRoute waits for the Gateway API checks again. */
export const GatewayApiRecheckMs = 60_000

/** What the API deploy reconciler needs. */
export interface ApiDeployDeps {
  readonly client: KubeClient
  readonly events: EventRecorder
  readonly log: Logger
  readonly clock: Clock
  /** `--registry-api-image`. */
  readonly image: string
  /** Registry API gauges (ready replicas, availability); none in tests that do not read them. */
  readonly metrics?: Pick<RegistryMetrics, 'apiReadyReplicas' | 'apiAvailable'>
  /** Role rules for the API of registry `name` (read its storage ConfigMaps by name). */
  readonly storageRules: (registryName: string) => V1PolicyRule[]
}

/**
 * Reconciles one registry's API: once data was synced at least once, server-side applies the ServiceAccount,
 * Role, RoleBinding, Service, the auth settings ConfigMap (with `spec.authConfig`) and Deployment (field manager `thv-operator`, forced, so hand edits of fields the
 * operator sets are reverted and a new `--registry-api-image` rolls out), then sets `APIReady` from the
 * Deployment's `Available` condition and `status.apiEndpoint`. Changes of the owned objects (including the
 * Deployment's status) and `RegistrySynced` bus events bring it back here; it never polls.
 */
export class ApiDeployReconciler implements Reconciler {
  readonly #deps: ApiDeployDeps

  constructor(deps: ApiDeployDeps) {
    this.#deps = deps
  }

  async reconcile(req: ReconcileRequest, signal: AbortSignal): Promise<ReconcileResult> {
    const { client } = this.#deps
    // Read through the API, not the cache: a RegistrySynced event may arrive before the cache has the new status.
    const registry = await readRegistry(client, req, signal)
    if (registry === undefined || isBeingDeleted(registry)) return {}
    const log = this.#deps.log.child({ registry: req.name, namespace: req.namespace })
    const now = () => new Date(this.#deps.clock.now())

    if (registry.status?.lastSyncTime === undefined) {
      await this.#report(registry, req, now(), { api: { status: 'False', reason: ConditionReason.WaitingForData, message: 'The registry API is deployed after the first successful sync' } }, signal)
      return {}
    }

    const spec = decodeMCPRegistrySpec(registry.spec)
    if (E.isLeft(spec)) {
      const message = `The MCPRegistry spec is invalid: ${spec.left.message}`
      await this.#report(registry, req, now(), { api: { status: 'False', reason: ConditionReason.ApplyFailed, message } }, signal)
      return {}
    }
    const uid = registry.metadata?.uid ?? ''
    const owner = { name: req.name, namespace: req.namespace, uid }
    const desired = desiredApiObjects(owner, { image: this.#deps.image, storageRules: this.#deps.storageRules(req.name) }, spec.right)
    const exposeObjects = desiredExposeObjects(req.name, desired.service.metadata ?? {}, spec.right.expose)
    const apply = <T extends KubernetesObject>(kind: Parameters<typeof applyObject>[1], obj: T, strict = false) =>
      applyObject<T>(client, kind, obj, { fieldManager: FieldManager, force: true, signal, ...(strict ? { fieldValidation: 'Strict' as const } : {}) })
    const name = desired.deployment.metadata?.name ?? ''
    let deployment: V1Deployment | undefined
    let podTemplate: PodTemplateOutcome | null
    let expose: ConditionOutcome | undefined
    try {
      await apply(ServiceAccountKind, desired.serviceAccount)
      await apply(RoleKind, desired.role)
      await apply(RoleBindingKind, desired.roleBinding)
      await apply(ServiceKind, desired.service)
      // The settings exist before the Deployment that mounts them; their hash in the pod template rolls the pods.
      if (desired.authConfigMap !== undefined) await apply(ConfigMapKind, desired.authConfigMap)
      else await deleteIfPresent(client, ConfigMapKind, req.namespace, authConfigMapName(req.name), signal)
      ;({ deployment, podTemplate } = await this.#applyDeployment(desired, spec.right.podTemplateSpec !== undefined, apply, req, signal))
      if (desired.podDisruptionBudget !== undefined) await apply(PodDisruptionBudgetKind, desired.podDisruptionBudget)
      else await deleteIfPresent(client, PodDisruptionBudgetKind, req.namespace, name, signal)
      expose = await this.#applyExpose(exposeObjects, apply, req, name, signal)
    } catch (err) {
      const message = `Could not apply the registry API objects: ${err instanceof Error ? err.message : String(err)}`
      await this.#report(registry, req, now(), { api: { status: 'False', reason: ConditionReason.ApplyFailed, message } }, signal)
      throw new Error(`Could not apply the API objects of MCPRegistry ${req.namespace}/${req.name}`, { cause: err })
    }
    const available = deployment === undefined ? { ok: false, message: `Deployment ${name} does not exist` } : deploymentAvailable(deployment)
    const api = available.ok
      ? { status: 'True' as const, reason: ConditionReason.DeploymentAvailable, message: `Deployment ${name} is available` }
      : { status: 'False' as const, reason: ConditionReason.DeploymentNotAvailable, message: available.message }
    const readyReplicas = deployment?.status?.readyReplicas ?? 0
    const replicas = deployment?.spec?.replicas ?? 1
    const labels = { namespace: req.namespace, registry: req.name }
    this.#deps.metrics?.apiReadyReplicas.set(labels, readyReplicas)
    this.#deps.metrics?.apiAvailable.set(labels, available.ok ? 1 : 0)
    await this.#report(registry, req, now(), { api, endpoint: apiEndpoint(req), readyReplicas, replicas, podTemplate, expose: expose ?? null, claims: claimsEnforcement(spec.right) }, signal)
    log.debug('Reconciled registry API', { available: available.ok, readyReplicas, replicas })
    // Installing the Gateway API changes nothing this controller watches: look again later.
    return expose?.reason === ConditionReason.GatewayAPIMissing ? { requeueAfterMs: GatewayApiRecheckMs } : {}
  }

  /**
   * Applies the Deployment with strict field validation when the pod template merged; an invalid template (its
   * shape, or the API server's refusal of the merged Deployment) leaves the running Deployment untouched.
   */
  async #applyDeployment(
    desired: ApiObjects,
    hasTemplate: boolean,
    apply: <T extends KubernetesObject>(kind: Parameters<typeof applyObject>[1], obj: T, strict?: boolean) => Promise<T>,
    req: ReconcileRequest,
    signal: AbortSignal,
  ): Promise<{ deployment: V1Deployment | undefined; podTemplate: PodTemplateOutcome | null }> {
    const name = desired.deployment.metadata?.name ?? ''
    const current = () => getIfPresent<V1Deployment>(this.#deps.client, DeploymentKind, req.namespace, name, signal)
    if (!desired.podTemplate.ok) {
      return { deployment: await current(), podTemplate: { status: 'False', reason: ConditionReason.InvalidPodTemplate, message: `spec.podTemplateSpec is invalid; the running Deployment is kept: ${desired.podTemplate.problems.join('; ')}`, weakened: [] } }
    }
    if (hasTemplate) {
      const refusal = await this.#serverRefusal(desired.deployment, req.namespace, signal)
      if (refusal !== undefined) {
        return { deployment: await current(), podTemplate: { status: 'False', reason: ConditionReason.InvalidPodTemplate, message: `The API server refused the Deployment with spec.podTemplateSpec merged; the running Deployment is kept: ${refusal}`, weakened: [] } }
      }
    }
    const deployment = await apply(DeploymentKind, desired.deployment, true)
    if (!hasTemplate) return { deployment, podTemplate: null }
    const weakened = desired.podTemplate.weakened
    const message = weakened.length === 0
      ? `The pod template is merged into Deployment ${name}`
      : `The pod template is merged into Deployment ${name}; it weakens the generated hardening: ${weakened.join(', ')}`
    return { deployment, podTemplate: { status: 'True', reason: ConditionReason.PodTemplateMerged, message, weakened } }
  }

  /**
   * Asks the API server whether it would accept `deployment` (a dry-run create under a generated name with strict
   * field validation, so unknown fields, wrong types and invalid values are all reported as 4xx; server-side apply
   * answers some of them with a 500). Resolves with the refusal message, or undefined when it would be accepted.
   */
  async #serverRefusal(deployment: V1Deployment, namespace: string, signal: AbortSignal): Promise<string | undefined> {
    const { ownerReferences: _owners, name, ...metadata } = deployment.metadata ?? {}
    const body = { ...deployment, metadata: { ...metadata, generateName: `${name ?? 'registry'}-check-` } }
    try {
      await this.#deps.client.request('POST', resourcePath(DeploymentKind, namespace), { body, contentType: 'application/json', query: { dryRun: 'All', fieldValidation: 'Strict' }, signal })
      return undefined
    } catch (err) {
      const status = httpStatusOf(err)
      if (status !== 400 && status !== 422) throw err
      return (err as { body?: { message?: string } }).body?.message ?? (err instanceof Error ? err.message : String(err))
    }
  }

  /** Applies the Ingress or HTTPRoute of `spec.expose` and deletes the one no longer asked for. */
  async #applyExpose(
    objects: ExposeObjects,
    apply: <T extends KubernetesObject>(kind: Parameters<typeof applyObject>[1], obj: T) => Promise<T>,
    req: ReconcileRequest,
    name: string,
    signal: AbortSignal,
  ): Promise<ConditionOutcome | undefined> {
    const { client } = this.#deps
    const gatewayApi = await hasGatewayApi(client, signal)
    if (objects.ingress !== undefined) await apply(IngressKind, objects.ingress)
    else await deleteIfPresent(client, IngressKind, req.namespace, name, signal)
    if (objects.httpRoute !== undefined && gatewayApi) await apply(HTTPRouteKind, objects.httpRoute)
    else if (gatewayApi) await deleteIfPresent(client, HTTPRouteKind, req.namespace, name, signal)
    if (objects.ingress !== undefined) return { status: 'True', reason: ConditionReason.IngressApplied, message: `Ingress ${name} routes ${objects.ingress.spec?.rules?.[0]?.host ?? ''} to the registry API` }
    if (objects.httpRoute === undefined) return undefined
    if (!gatewayApi) return { status: 'False', reason: ConditionReason.GatewayAPIMissing, message: 'spec.expose.httpRoute is set but the Gateway API (gateway.networking.k8s.io/v1 HTTPRoute) is not installed in the cluster' }
    return { status: 'True', reason: ConditionReason.HTTPRouteApplied, message: `HTTPRoute ${name} attaches the registry API to ${objects.httpRoute.spec.parentRefs.map((p) => p.name).join(', ')}` }
  }

  async #report(registry: RegistryObject, req: ReconcileRequest, now: Date, outcome: ReportOutcome, signal: AbortSignal): Promise<void> {
    const previousTemplate = findCondition(registry.status?.conditions, ConditionType.PodTemplateValid)
    const transitions = await writeRegistryStatus(this.#deps.client, req, now, (draft) => {
      draft.set({ type: ConditionType.APIReady, ...outcome.api })
      if (outcome.endpoint !== undefined) draft.status = { ...draft.status, apiEndpoint: outcome.endpoint, url: outcome.endpoint }
      if (outcome.readyReplicas !== undefined && outcome.replicas !== undefined) {
        draft.status = { ...draft.status, readyReplicas: outcome.readyReplicas, ready: `${outcome.readyReplicas}/${outcome.replicas}` }
      }
      if (outcome.podTemplate === null) draft.status = { ...draft.status, conditions: (draft.status.conditions ?? []).filter((c) => c.type !== ConditionType.PodTemplateValid) }
      else if (outcome.podTemplate !== undefined) draft.set({ type: ConditionType.PodTemplateValid, status: outcome.podTemplate.status, reason: outcome.podTemplate.reason, message: outcome.podTemplate.message })
      if (outcome.expose === null) draft.status = { ...draft.status, conditions: (draft.status.conditions ?? []).filter((c) => c.type !== ConditionType.Exposed) }
      else if (outcome.expose !== undefined) draft.set({ type: ConditionType.Exposed, ...outcome.expose })
      if (outcome.claims === null) draft.status = { ...draft.status, conditions: (draft.status.conditions ?? []).filter((c) => c.type !== ConditionType.ClaimsEnforced) }
      else if (outcome.claims !== undefined) draft.set({ type: ConditionType.ClaimsEnforced, ...outcome.claims })
    }, signal)
    const events = this.#deps.events
    const template = outcome.podTemplate
    if (template !== undefined && template !== null && template.message !== previousTemplate?.message) {
      if (template.status === 'False') await events.event(registry, 'Warning', EventReason.InvalidPodTemplate, template.message)
      else if (template.weakened.length > 0) await events.event(registry, 'Warning', EventReason.PodTemplateWeakensHardening, `spec.podTemplateSpec weakens the generated hardening of the registry API pod: ${template.weakened.join(', ')}`)
    }
    if (transitions.some((t) => t.type === ConditionType.Exposed && t.to.reason === ConditionReason.GatewayAPIMissing)) {
      await events.event(registry, 'Warning', EventReason.GatewayAPIMissing, outcome.expose?.message ?? '')
    }
    const api = transitions.find((t) => t.type === ConditionType.APIReady)
    if (api === undefined || (api.from === undefined && api.to.status === 'False' && api.to.reason === ConditionReason.WaitingForData)) return
    if (api.to.status === 'True') await events.event(registry, 'Normal', EventReason.APIReady, `Registry API ${apiEndpoint(req)} became available`)
    else if (api.from === 'True' || api.to.reason === ConditionReason.ApplyFailed) await events.event(registry, 'Warning', EventReason.APINotReady, api.to.message)
  }
}

/** A condition to set (status, reason, message). */
interface ConditionOutcome {
  readonly status: 'True' | 'False'
  readonly reason: string
  readonly message: string
}

/** `PodTemplateValid` plus the weakened hardening settings (for the Warning Event). */
interface PodTemplateOutcome extends ConditionOutcome {
  readonly weakened: readonly string[]
}

/** What one reconcile reports in status; `null` removes the `PodTemplateValid` or `Exposed` condition. */
interface ReportOutcome {
  readonly api: ConditionOutcome
  readonly endpoint?: string
  readonly readyReplicas?: number
  readonly replicas?: number
  readonly podTemplate?: PodTemplateOutcome | null
  readonly expose?: ConditionOutcome | null
  /** `ClaimsEnforced`; `null` removes it (no claims set). */
  readonly claims?: ConditionOutcome | null
}

/** GETs an object; `undefined` when it does not exist. */
async function getIfPresent<T extends KubernetesObject>(client: KubeClient, kind: KindDescriptor, namespace: string, name: string, signal: AbortSignal): Promise<T | undefined> {
  try {
    return await client.get<T>(kind, namespace, name, signal)
  } catch (err) {
    if (httpStatusOf(err) === 404) return undefined
    throw err
  }
}

/** Deletes an object the operator created before and no longer wants; absent is fine. */
async function deleteIfPresent(client: KubeClient, kind: KindDescriptor, namespace: string, name: string, signal: AbortSignal): Promise<void> {
  try {
    await client.delete(kind, namespace, name, signal)
  } catch (err) {
    if (httpStatusOf(err) !== 404) throw err
  }
}

/** Whether the API server serves gateway.networking.k8s.io/v1 HTTPRoutes (the Gateway API CRDs are installed). */
export async function hasGatewayApi(client: KubeClient, signal?: AbortSignal): Promise<boolean> {
  try {
    const list = await client.request<{ resources?: { name?: string }[] }>('GET', `/apis/${HTTPRouteKind.group}/${HTTPRouteKind.version}`, { signal })
    return (list.resources ?? []).some((r) => r.name === HTTPRouteKind.plural)
  } catch (err) {
    if (httpStatusOf(err) === 404) return false
    throw err
  }
}

/** Whether a Deployment is Available (condition `Available=True` and at least one available replica), with a reason. */
export function deploymentAvailable(deployment: V1Deployment): { ok: boolean; message: string } {
  const available = deployment.status?.conditions?.find((c) => c.type === 'Available')
  const replicas = deployment.status?.availableReplicas ?? 0
  if (available?.status === 'True' && replicas > 0) return { ok: true, message: 'available' }
  const want = deployment.spec?.replicas ?? 1
  const detail = available?.message === undefined ? '' : `: ${available.message}`
  return { ok: false, message: `Deployment ${deployment.metadata?.name ?? ''} has ${replicas} of ${want} replicas available${detail}` }
}

/**
 * Wires the API deploy controller: MCPRegistry (creations, spec changes) plus every owned kind, filtered by
 * {@link ApiObjectSelector}.
 */
export function apiDeployController(reconciler: ApiDeployReconciler, maxConcurrentReconciles: number): E.Either<BuildError, Controller> {
  const owned = { labelSelector: ApiObjectSelector }
  return controllerFor(MCPRegistryKind, { predicates: [generationChanged] })
    .owns(DeploymentKind, owned)
    .owns(ServiceKind, owned)
    .owns(ConfigMapKind, owned)
    .owns(ServiceAccountKind, owned)
    .owns(RoleKind, owned)
    .owns(RoleBindingKind, owned)
    .owns(PodDisruptionBudgetKind, owned)
    .owns(IngressKind, owned)
    // Without the Gateway API CRDs this informer keeps retrying its list and starts delivering once they exist.
    .owns(HTTPRouteKind, { ...owned, optional: true })
    .named('mcpregistry-api')
    .withOptions({ maxConcurrentReconciles })
    .complete(reconciler)
}
