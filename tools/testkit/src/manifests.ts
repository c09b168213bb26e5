/** Parsing and applying Kubernetes manifests with server-side apply, as `kubectl apply --server-side` does. */
import { ApiException, KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node'
import { parseAllDocuments } from 'yaml'

/** Field manager of everything the e2e suite and the local stack apply. */
export const E2E_FIELD_MANAGER = 'thv-e2e'

/** Parses a multi-document YAML stream into objects (empty documents are skipped). */
export function parseManifests(text: string): KubernetesObject[] {
  const objects: KubernetesObject[] = []
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`Invalid YAML manifest: ${doc.errors.map((e) => e.message).join('; ')}`)
    const value: unknown = doc.toJS()
    if (value === null || value === undefined) continue
    if (typeof value !== 'object' || !('kind' in value) || !('apiVersion' in value)) {
      throw new Error(`Manifest document is not a Kubernetes object: ${JSON.stringify(value).slice(0, 200)}`)
    }
    objects.push(value as KubernetesObject)
  }
  return objects
}

/** True when `err` is a Kubernetes API error with this HTTP status. */
export function isApiStatus(err: unknown, code: number): boolean {
  return err instanceof ApiException && err.code === code
}

/** Sorts objects so namespaces and CRDs come before what lives in them (as kubectl does). */
function applyOrder(obj: KubernetesObject): number {
  if (obj.kind === 'Namespace') return 0
  if (obj.kind === 'CustomResourceDefinition') return 1
  return 2
}

/**
 * Applies the objects with server-side apply (force, field manager {@link E2E_FIELD_MANAGER}) and returns what the
 * API server stored. `namespace` fills in objects without one (like `kubectl apply -n`), except cluster-scoped kinds
 * the caller lists in `clusterScoped`.
 */
export async function applyObjects(
  kc: KubeConfig,
  objects: readonly KubernetesObject[],
  opts: { readonly namespace?: string } = {},
): Promise<KubernetesObject[]> {
  const api = KubernetesObjectApi.makeApiClient(kc)
  const applied: KubernetesObject[] = []
  for (const obj of [...objects].sort((a, b) => applyOrder(a) - applyOrder(b))) {
    const namespaced = opts.namespace !== undefined && !CLUSTER_SCOPED_KINDS.has(obj.kind ?? '')
    const body: KubernetesObject = namespaced && !obj.metadata?.namespace
      ? { ...obj, metadata: { ...obj.metadata, namespace: opts.namespace } }
      : obj
    try {
      applied.push(await api.patch(body, undefined, undefined, E2E_FIELD_MANAGER, true, PatchStrategy.ServerSideApply))
    } catch (err) {
      throw new Error(`Could not apply ${obj.kind} ${body.metadata?.namespace ?? ''}/${obj.metadata?.name ?? '?'}`, { cause: err })
    }
  }
  return applied
}

/** Kinds that never carry a namespace. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass',
  'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'Node',
])

/** Reads an object, or returns undefined when it does not exist. */
export async function readIfExists<T extends KubernetesObject>(
  kc: KubeConfig,
  ref: { apiVersion: string; kind: string; namespace?: string; name: string },
): Promise<T | undefined> {
  const api = KubernetesObjectApi.makeApiClient(kc)
  try {
    return await api.read<T>({
      apiVersion: ref.apiVersion, kind: ref.kind,
      metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
    })
  } catch (err) {
    if (isApiStatus(err, 404)) return undefined
    throw err
  }
}
