/** Kind descriptors (group/version/kind/plural) and object keys. */
import type { KubernetesObject } from '@kubernetes/client-node'

/** Identifies a Kubernetes resource type well enough to build its REST paths without discovery. */
export interface KindDescriptor {
  /** API group; `''` for the core group. */
  readonly group: string
  readonly version: string
  readonly kind: string
  /** Lower-case plural resource name, e.g. `configmaps`. */
  readonly plural: string
  readonly namespaced: boolean
}

/** Namespace + name of one object; the reconcile key. `namespace` is `''` for cluster-scoped objects. */
export interface ObjectKey {
  readonly namespace: string
  readonly name: string
}

/** `apiVersion` of a kind: `v1` for the core group, else `group/version`. */
export function apiVersionOf(kind: KindDescriptor): string {
  return kind.group === '' ? kind.version : `${kind.group}/${kind.version}`
}

/**
 * REST path of a collection or object of `kind`. `namespace` is ignored for cluster-scoped kinds; an
 * undefined namespace on a namespaced kind gives the all-namespaces collection path.
 */
export function resourcePath(kind: KindDescriptor, namespace?: string, name?: string, subresource?: string): string {
  const prefix = kind.group === '' ? `/api/${kind.version}` : `/apis/${kind.group}/${kind.version}`
  const ns = kind.namespaced && namespace !== undefined && namespace !== '' ? `/namespaces/${encodeURIComponent(namespace)}` : ''
  const obj = name === undefined ? '' : `/${encodeURIComponent(name)}`
  const sub = name !== undefined && subresource !== undefined ? `/${subresource}` : ''
  return `${prefix}${ns}/${kind.plural}${obj}${sub}`
}

/** The queue key `namespace/name` (just `name` when cluster-scoped), as client-go's MetaNamespaceKeyFunc. */
export function keyOf(obj: ObjectKey): string {
  return obj.namespace === '' ? obj.name : `${obj.namespace}/${obj.name}`
}

/** Parses a key made by {@link keyOf}. */
export function parseKey(key: string): ObjectKey {
  const slash = key.indexOf('/')
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) }
}

/** The {@link ObjectKey} of an object (`''` for missing fields). */
export function objectKeyOf(obj: KubernetesObject): ObjectKey {
  return { namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' }
}

/** core/v1 ConfigMap. */
export const ConfigMapKind: KindDescriptor = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true }
/** core/v1 Secret. */
export const SecretKind: KindDescriptor = { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true }
/** core/v1 Service. */
export const ServiceKind: KindDescriptor = { group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true }
/** core/v1 Event. */
export const EventKind: KindDescriptor = { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true }
/** apps/v1 Deployment. */
export const DeploymentKind: KindDescriptor = { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true }
/** coordination.k8s.io/v1 Lease. */
export const LeaseKind: KindDescriptor = { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true }
