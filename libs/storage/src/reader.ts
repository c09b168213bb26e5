/**
 * @packageDocumentation
 * `@thv/storage/reader`: the read side of the snapshot storage ({@link ConfigMapSnapshotReader},
 * {@link watchStoredSnapshot}) with {@link kubeHttpConfigMapReads}, for a process that should not load
 * @kubernetes/client-node (the registry API). Nothing this entry point imports loads client-node at run time; the
 * package's main entry (writers, `clientNodeConfigMapReads`) does.
 */
export { ConfigMapSnapshotReader } from './configmap-snapshot.reader.js'
export type { SnapshotReaderOptions, StoredSnapshotDecoder } from './configmap-snapshot.reader.js'
export { watchStoredSnapshot } from './stored-snapshot.watch.js'
export type { WatchStoredSnapshotOptions } from './stored-snapshot.watch.js'
export { kubeHttpConfigMapReads } from './configmap-reads.js'
export type { ConfigMapReads, ConfigMapList, ConfigMapWatchQuery, ConfigMapWatchEvent } from './configmap-reads.js'
export { readStoredSnapshot, readStoredMapped, gzipSnapshotSync } from './snapshot-payload.js'
export type { SnapshotVerification, StoredServerMapper } from './snapshot-payload.js'
export { StorageError, StorageCorruptError, StorageInconsistentError, StorageApiError } from './storage.errors.js'
