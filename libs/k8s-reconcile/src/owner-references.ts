/** Owner references: build a controller reference, find an object's controlling owner. */
import type { KubernetesObject, V1OwnerReference } from '@kubernetes/client-node'
import { apiVersionOf, type KindDescriptor } from './kind.js'

/**
 * A controller owner reference to `owner` (`controller: true`, `blockOwnerDeletion: true`), as
 * controller-runtime's `SetControllerReference`. Throws if `owner` lacks apiVersion, kind, name or uid
 * (a programming error: pass an object read from the API).
 */
export function controllerReference(owner: KubernetesObject): V1OwnerReference {
  const { apiVersion, kind } = owner
  const name = owner.metadata?.name
  const uid = owner.metadata?.uid
  if (apiVersion === undefined || kind === undefined || name === undefined || uid === undefined) {
    throw new Error(`controllerReference needs apiVersion, kind, metadata.name and metadata.uid (got ${kind ?? '?'}/${name ?? '?'})`)
  }
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true }
}

/** The owner reference with `controller: true`, if any. */
export function controllerOf(obj: KubernetesObject): V1OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true)
}

/** The controlling owner's name when it is of `ownerKind` (group and kind match; version may differ). */
export function controllingOwnerName(obj: KubernetesObject, ownerKind: KindDescriptor): string | undefined {
  const ref = controllerOf(obj)
  if (ref === undefined || ref.kind !== ownerKind.kind) return undefined
  return groupOf(ref.apiVersion) === groupOf(apiVersionOf(ownerKind)) ? ref.name : undefined
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/')
  return slash < 0 ? '' : apiVersion.slice(0, slash)
}
