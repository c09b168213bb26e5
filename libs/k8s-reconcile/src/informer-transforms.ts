/** Ready-made informer transforms: keep in the cache only what readers of the cache use. */
import type { KubernetesObject, V1ObjectMeta } from '@kubernetes/client-node'
import type { InformerTransform } from './informer.js'

/** kubectl's client-side apply annotation: a full copy of the applied object, never needed from a cache. */
export const LastAppliedConfigurationAnnotation = 'kubectl.kubernetes.io/last-applied-configuration'

/** `metadata` without `managedFields` and the {@link LastAppliedConfigurationAnnotation} (same object when neither is set). */
function leanMetadata(metadata: V1ObjectMeta): V1ObjectMeta {
  const annotations = metadata.annotations
  const lastApplied = annotations !== undefined && Object.prototype.hasOwnProperty.call(annotations, LastAppliedConfigurationAnnotation)
  if (metadata.managedFields === undefined && !lastApplied) return metadata
  const { managedFields: _managedFields, ...rest } = metadata
  if (!lastApplied) return rest
  const { [LastAppliedConfigurationAnnotation]: _lastApplied, ...otherAnnotations } = annotations
  return { ...rest, annotations: otherAnnotations }
}

/**
 * Drops `metadata.managedFields` (server-side apply bookkeeping, often larger than the object's spec) and kubectl's
 * last-applied annotation, as controller-runtime's `TransformStripManagedFields` does. For caches whose readers never
 * look at either, which is any cache that is not used to compute apply patches.
 *
 * @example
 * new Manager({ kubeConfig, log, defaultTransform: stripManagedFields })
 */
export const stripManagedFields: InformerTransform = (obj) => {
  const metadata = obj.metadata
  if (metadata === undefined) return obj
  const lean = leanMetadata(metadata)
  return lean === metadata ? obj : { ...obj, metadata: lean }
}

/**
 * Keeps only `apiVersion`, `kind` and `metadata` (without what {@link stripManagedFields} drops), like a
 * metadata-only watch in controller-runtime: for kinds whose cache only tells that an object exists, which version
 * it is at and who owns it, while the content is always read through the API. A ConfigMap cache for such readers
 * then holds no `data` or `binaryData`, which for storage ConfigMaps and their shards is up to 1 MiB each.
 *
 * @example
 * new Manager({ kubeConfig, log, transforms: [[ConfigMapKind, keepMetadataOnly]] })
 */
export const keepMetadataOnly: InformerTransform = (obj) => {
  const lean: KubernetesObject = { apiVersion: obj.apiVersion, kind: obj.kind }
  if (obj.metadata !== undefined) lean.metadata = leanMetadata(obj.metadata)
  return lean
}
