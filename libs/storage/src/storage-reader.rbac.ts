// The RBAC rules a read-only consumer (the registry API) needs to read and watch one registry's stored snapshot.
import type { V1PolicyRule } from '@kubernetes/client-node'
import { allShardConfigMapNames, storageConfigMapName } from './storage-layout.js'
import { resolveStorageLimits, type StorageLimits } from './storage-limits.js'

/**
 * Role rules for reading registry `registryName`'s snapshot with {@link watchStoredSnapshot} or
 * `ConfigMapSnapshotReader`, and nothing else:
 * - `get, list, watch` on the storage ConfigMap by name (list/watch are authorized by `resourceNames` only with the
 *   field selector `metadata.name=<name>`, which the watcher always sends);
 * - `get` on every shard slot `<registry>-registry-storage-<a|b>-<n>`, n < `ceil(maxStoredBytes / shardMaxBytes)`.
 *
 * Pass the same `limits` the operator's `ConfigMapStorageManager` uses (defaults otherwise).
 *
 * @example
 * const role = { metadata: { name: 'production-registry-api', namespace }, rules: storageReaderPolicyRules('production') }
 */
export function storageReaderPolicyRules(registryName: string, limits: Partial<StorageLimits> = {}): V1PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['configmaps'], resourceNames: [storageConfigMapName(registryName)], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['configmaps'], resourceNames: allShardConfigMapNames(registryName, resolveStorageLimits(limits)), verbs: ['get'] },
  ]
}
