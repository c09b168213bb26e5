/** API deploy controller: applies each registry's API objects and reports `APIReady` and `apiEndpoint` (DESIGN §7). */
import type { KubernetesObject, V1Deployment, V1PolicyRule } from '@kubernetes/client-node'
import {
  applyObject,
  controllerFor,
  DeploymentKind,
  generationChanged,
  isBeingDeleted,
  ServiceKind,
  type BuildError,
  type Clock,
  type Controller,
  type EventRecorder,
  type KubeClient,
  type Logger,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
} from '@thv/k8s-reconcile'
import { ConditionReason, ConditionType, EventReason } from '@thv/registry-model'
import type * as E from 'fp-ts/lib/Either.js'
import { apiEndpoint, desiredApiObjects } from '../api/api-objects.js'
import { FieldManager, MCPRegistryKind, RoleBindingKind, RoleKind, ServiceAccountKind } from '../kinds.js'
import { readRegistry, writeRegistryStatus, type RegistryObject } from '../status/registry-status.js'

/** Labels selecting the objects this controller owns (keeps the owned-kind informers small). */
export const ApiObjectSelector = 'app.kubernetes.io/managed-by=thv-operator,app.kubernetes.io/component=registry-api'

/** What the API deploy reconciler needs. */
export interface ApiDeployDeps {
  readonly client: KubeClient
  readonly events: EventRecorder
  readonly log: Logger
  readonly clock: Clock
  /** `--registry-api-image`. */
  readonly image: string
  /** Role rules for the API of registry `name` (read its storage ConfigMaps by name). */
  readonly storageRules: (registryName: string) => V1PolicyRule[]
}

/**
 * Reconciles one registry's API: once data was synced at least once, server-side applies the ServiceAccount,
 * Role, RoleBinding, Service and Deployment (field manager `thv-operator`, forced, so hand edits of fields the
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
      await this.#report(registry, req, now(), { status: 'False', reason: ConditionReason.WaitingForData, message: 'The registry API is deployed after the first successful sync' }, undefined, signal)
      return {}
    }

    const uid = registry.metadata?.uid ?? ''
    const desired = desiredApiObjects({ name: req.name, namespace: req.namespace, uid }, { image: this.#deps.image, storageRules: this.#deps.storageRules(req.name) })
    let deployment: V1Deployment
    try {
      const apply = <T extends KubernetesObject>(kind: Parameters<typeof applyObject>[1], obj: T) => applyObject<T>(client, kind, obj, { fieldManager: FieldManager, force: true, signal })
      await apply(ServiceAccountKind, desired.serviceAccount)
      await apply(RoleKind, desired.role)
      await apply(RoleBindingKind, desired.roleBinding)
      await apply(ServiceKind, desired.service)
      deployment = await apply(DeploymentKind, desired.deployment)
    } catch (err) {
      const message = `Could not apply the registry API objects: ${err instanceof Error ? err.message : String(err)}`
      await this.#report(registry, req, now(), { status: 'False', reason: ConditionReason.ApplyFailed, message }, undefined, signal)
      throw new Error(`Could not apply the API objects of MCPRegistry ${req.namespace}/${req.name}`, { cause: err })
    }
    const available = deploymentAvailable(deployment)
    const condition = available.ok
      ? { status: 'True' as const, reason: ConditionReason.DeploymentAvailable, message: `Deployment ${desired.deployment.metadata?.name} is available` }
      : { status: 'False' as const, reason: ConditionReason.DeploymentNotAvailable, message: available.message }
    await this.#report(registry, req, now(), condition, apiEndpoint(req), signal)
    log.debug('Reconciled registry API', { available: available.ok })
    return {}
  }

  async #report(
    registry: RegistryObject,
    req: ReconcileRequest,
    now: Date,
    condition: { status: 'True' | 'False'; reason: string; message: string },
    endpoint: string | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const transitions = await writeRegistryStatus(this.#deps.client, req, now, (draft) => {
      draft.set({ type: ConditionType.APIReady, ...condition })
      if (endpoint !== undefined) draft.status = { ...draft.status, apiEndpoint: endpoint }
    }, signal)
    const api = transitions.find((t) => t.type === ConditionType.APIReady)
    if (api === undefined || (api.from === undefined && api.to.status === 'False' && api.to.reason === ConditionReason.WaitingForData)) return
    if (api.to.status === 'True') await this.#deps.events.event(registry, 'Normal', EventReason.APIReady, `Registry API ${apiEndpoint(req)} became available`)
    else if (api.from === 'True' || api.to.reason === ConditionReason.ApplyFailed) await this.#deps.events.event(registry, 'Warning', EventReason.APINotReady, api.to.message)
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
    .owns(ServiceAccountKind, owned)
    .owns(RoleKind, owned)
    .owns(RoleBindingKind, owned)
    .named('mcpregistry-api')
    .withOptions({ maxConcurrentReconciles })
    .complete(reconciler)
}
