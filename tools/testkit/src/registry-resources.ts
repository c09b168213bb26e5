/** Creating, reading and waiting on MCPRegistry resources and their source ConfigMaps in e2e scenarios. */
import { CoreV1Api, CustomObjectsApi, KubernetesObjectApi, PatchStrategy, type CoreV1Event, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node'
import type { MCPRegistryStatus } from '@thv/registry-model'
import { eventually } from './poll.js'
import { applyObjects, E2E_FIELD_MANAGER, isApiStatus } from './manifests.js'

/** API group and version of MCPRegistry and MCPServer. */
export const TOOLHIVE_GROUP = 'toolhive.stacklok.dev'
export const TOOLHIVE_VERSION = 'v1alpha1'

/** The parts of an MCPRegistry the scenarios look at. */
export interface RegistryObject {
  readonly metadata: { name: string; namespace: string; generation?: number; uid?: string; annotations?: Record<string, string>; finalizers?: string[] }
  readonly spec: Record<string, unknown>
  readonly status?: {
    readonly observedGeneration?: number
    readonly phase?: string
    readonly message?: string
    readonly serverCount?: number
    readonly deployedServerCount?: number
    readonly lastSyncHash?: string
    readonly lastSyncTime?: string
    readonly syncAttempts?: number
    readonly lastManualSyncTrigger?: string
    readonly apiEndpoint?: string
    readonly storageRef?: { type: string; configMapRef?: { name: string; namespace?: string; key?: string } }
    readonly conditions?: MCPRegistryStatus['conditions']
    /** With `spec.sources`: `ready/total` and one entry per source. */
    readonly sourcesReady?: string
    readonly sources?: MCPRegistryStatus['sources']
  }
}

/** Creates or replaces (server-side apply) the source ConfigMap holding `data` under `key`. */
export async function applySourceConfigMap(kc: KubeConfig, namespace: string, name: string, data: string, key = 'registry.json'): Promise<void> {
  await applyObjects(kc, [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { [key]: data } } as V1ConfigMap & { apiVersion: string; kind: string }])
}

/** Creates or replaces (server-side apply) an MCPRegistry with this spec. */
export async function applyRegistry(kc: KubeConfig, namespace: string, name: string, spec: Record<string, unknown>, annotations?: Record<string, string>): Promise<void> {
  await applyObjects(kc, [{
    apiVersion: `${TOOLHIVE_GROUP}/${TOOLHIVE_VERSION}`, kind: 'MCPRegistry',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) }, spec,
  } as never])
}

/**
 * Merge-patches an MCPRegistry (`null` removes a field). Use this rather than {@link applyRegistry} to remove spec
 * fields: the operator's own writes co-own the spec, so server-side apply would keep fields it no longer lists.
 */
export async function patchRegistry(kc: KubeConfig, namespace: string, name: string, patch: Record<string, unknown>): Promise<void> {
  await KubernetesObjectApi.makeApiClient(kc).patch(
    { apiVersion: `${TOOLHIVE_GROUP}/${TOOLHIVE_VERSION}`, kind: 'MCPRegistry', metadata: { name, namespace }, ...patch },
    undefined, undefined, E2E_FIELD_MANAGER, undefined, PatchStrategy.MergePatch,
  )
}

/** Reads an MCPRegistry, or undefined when it does not exist. */
export async function readRegistry(kc: KubeConfig, namespace: string, name: string): Promise<RegistryObject | undefined> {
  try {
    return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: TOOLHIVE_GROUP, version: TOOLHIVE_VERSION, namespace, plural: 'mcpregistries', name,
    })) as RegistryObject
  } catch (err) {
    if (isApiStatus(err, 404)) return undefined
    throw err
  }
}

/** Merge-patches `metadata.annotations` of an MCPRegistry. */
export async function annotateRegistry(kc: KubeConfig, namespace: string, name: string, annotations: Record<string, string>): Promise<void> {
  await KubernetesObjectApi.makeApiClient(kc).patch(
    { apiVersion: `${TOOLHIVE_GROUP}/${TOOLHIVE_VERSION}`, kind: 'MCPRegistry', metadata: { name, namespace, annotations } },
    undefined, undefined, E2E_FIELD_MANAGER, undefined, PatchStrategy.MergePatch,
  )
}

/**
 * Waits until the registry is Ready for its current generation (phase Ready, condition Ready True with the current
 * observedGeneration) and `extra` holds; returns the registry.
 */
export async function waitForRegistryReady(
  kc: KubeConfig, namespace: string, name: string,
  opts: { timeoutMs?: number; extra?: (reg: RegistryObject) => void } = {},
): Promise<RegistryObject> {
  return eventually(async () => {
    const reg = await readRegistry(kc, namespace, name)
    if (!reg) throw new Error(`MCPRegistry ${namespace}/${name} does not exist`)
    const ready = reg.status?.conditions?.find((c) => c.type === 'Ready')
    if (reg.status?.phase !== 'Ready' || ready?.status !== 'True' || reg.status.observedGeneration !== reg.metadata.generation) {
      throw new Error(`MCPRegistry ${namespace}/${name} not Ready: ${JSON.stringify(reg.status)}`)
    }
    opts.extra?.(reg)
    return reg
  }, { timeoutMs: opts.timeoutMs ?? 60_000, intervalMs: 200 })
}

/** Events whose involvedObject is the named MCPRegistry (core/v1 and events.k8s.io both land here). */
export async function registryEvents(kc: KubeConfig, namespace: string, name: string): Promise<CoreV1Event[]> {
  const list = await kc.makeApiClient(CoreV1Api).listNamespacedEvent({
    namespace, fieldSelector: `involvedObject.kind=MCPRegistry,involvedObject.name=${name}`,
  })
  return list.items
}
