/**
 * @packageDocumentation
 * Where the last good snapshot of each MCPRegistry is kept. {@link ConfigMapStorageManager} writes it into
 * ConfigMaps owned by the registry (plain JSON, gzip, or gzip shards behind an index, published atomically);
 * {@link ConfigMapSnapshotReader} and {@link watchStoredSnapshot} read it with `get`/`list`/`watch` on exactly those
 * ConfigMaps ({@link storageReaderPolicyRules}), for the registry API, over either Kubernetes client
 * ({@link ConfigMapReads}). The `@thv/storage/reader` entry point has the read side without @kubernetes/client-node.
 */
export type { StorageManager, StoreResult } from './storage-manager.js'
export { ConfigMapStorageManager } from './configmap.storage.js'
export type { ConfigMapStorageOptions, StoreReport } from './configmap.storage.js'
export { ConfigMapSnapshotReader } from './configmap-snapshot.reader.js'
export type { SnapshotReaderOptions, StoredSnapshotDecoder } from './configmap-snapshot.reader.js'
export { watchStoredSnapshot } from './stored-snapshot.watch.js'
export type { WatchStoredSnapshotOptions } from './stored-snapshot.watch.js'
export { kubeHttpConfigMapReads } from './configmap-reads.js'
export type { ConfigMapReads, ConfigMapList, ConfigMapWatchQuery, ConfigMapWatchEvent } from './configmap-reads.js'
export { clientNodeConfigMapReads } from './configmap-reads.client-node.js'
export { storageReaderPolicyRules } from './storage-reader.rbac.js'
export { DefaultStorageLimits, ConfigMapMaxBytes, resolveStorageLimits, maxShardCount } from './storage-limits.js'
export type { StorageLimits } from './storage-limits.js'
export {
  storageConfigMapName, shardConfigMapName, allShardConfigMapNames, storageLabels, shardSelector, shardGeneration,
  PlainSnapshotKey, GzipSnapshotKey, ShardIndexKey, ShardPartKey, SnapshotHashAnnotation, StorageTierAnnotation,
  PayloadHashAnnotation, RegistryLabel, StoragePartLabel, ShardBankLabel, ShardGenerationLabel,
  sourceStorageConfigMapName, StorageSourceLabel, slotIndexName, slotShardName, slotLabels, slotShardSelector,
} from './storage-layout.js'
export type { ShardBank, StorageTier, StorageSlot } from './storage-layout.js'
export { ShardIndexCodec, ShardRefCodec, decodeShardIndex, encodeShardIndex } from './shard-index.codec.js'
export type { ShardIndex, ShardRef } from './shard-index.codec.js'
export { planStorage, planSnapshotStorage, snapshotJsonPieces, gzipInPieces, chunk, serializeSnapshot, decodeStoredSnapshot, readStoredSnapshot, readStoredPublishTimes, readStoredMapped, gzipSnapshotSync } from './snapshot-payload.js'
export type { StoragePlan, OverCeiling, SnapshotVerification, StoredPublishTimes, StoredServerMapper } from './snapshot-payload.js'
export { StorageError, StorageTooLargeError, StorageCorruptError, StorageInconsistentError, StorageApiError } from './storage.errors.js'
