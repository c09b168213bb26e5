/** Finalizer helpers; writes carry the object's resourceVersion as a precondition. */
import type { KubernetesObject } from '@kubernetes/client-node'
import type { KindDescriptor } from './kind.js'
import { patchContentType, type KubeClient } from './kube-client.js'

/** True when `obj` lists `finalizer`. */
export function hasFinalizer(obj: KubernetesObject, finalizer: string): boolean {
  return obj.metadata?.finalizers?.includes(finalizer) ?? false
}

/** True when the object is being deleted (has a deletionTimestamp). */
export function isBeingDeleted(obj: KubernetesObject): boolean {
  return obj.metadata?.deletionTimestamp !== undefined && obj.metadata.deletionTimestamp !== null
}

/**
 * Adds `finalizer` to `obj` (no request if present). The merge patch carries `obj`'s resourceVersion, so a
 * stale `obj` fails with 409 (throw it from reconcile; the retry reads fresh state). Resolves with the stored object.
 */
export function addFinalizer<T extends KubernetesObject>(client: KubeClient, kind: KindDescriptor, obj: T, finalizer: string, signal?: AbortSignal): Promise<T> {
  if (hasFinalizer(obj, finalizer)) return Promise.resolve(obj)
  return writeFinalizers(client, kind, obj, [...(obj.metadata?.finalizers ?? []), finalizer], signal)
}

/** Removes `finalizer` from `obj` (no request if absent), with the same precondition as {@link addFinalizer}. */
export function removeFinalizer<T extends KubernetesObject>(client: KubeClient, kind: KindDescriptor, obj: T, finalizer: string, signal?: AbortSignal): Promise<T> {
  if (!hasFinalizer(obj, finalizer)) return Promise.resolve(obj)
  return writeFinalizers(client, kind, obj, (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer), signal)
}

function writeFinalizers<T extends KubernetesObject>(client: KubeClient, kind: KindDescriptor, obj: T, finalizers: string[], signal?: AbortSignal): Promise<T> {
  const body = { metadata: { resourceVersion: obj.metadata?.resourceVersion, finalizers } }
  return client.patch<T>(kind, obj.metadata?.namespace ?? '', obj.metadata?.name ?? '', body, patchContentType.merge, { signal })
}
