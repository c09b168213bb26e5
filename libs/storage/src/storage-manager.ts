// The StorageManager contract: where the last good snapshot of a registry is kept.
import type { MCPRegistry, RegistrySnapshot, StorageRef } from '@thv/registry-model'
import type { StoredPublishTimes } from './snapshot-payload.js'

/** What one {@link StorageManager.store} call did. */
export interface StoreResult {
  /** Where the snapshot is stored (`status.storageRef`). */
  readonly ref: StorageRef
  /** False when the stored snapshot already had the same hash and nothing was written. */
  readonly written: boolean
  /** Bytes of snapshot data written; 0 when nothing was written. */
  readonly storedBytes: number
}

/**
 * Persists and reads the last good snapshot of a registry. Implementations must publish atomically (a concurrent
 * `get` sees the old or the new snapshot, never a mix), write nothing when the stored snapshot already has the same
 * `hash`, and leave the previous snapshot untouched when a `store` fails.
 */
export interface StorageManager {
  /** Stores `snapshot` for `registry`; resolves to where it is stored and whether anything was written. */
  store(registry: MCPRegistry, snapshot: RegistrySnapshot, signal: AbortSignal): Promise<StoreResult>
  /** The stored snapshot, or `undefined` when none is stored. */
  get(registry: MCPRegistry, signal: AbortSignal): Promise<RegistrySnapshot | undefined>
  /**
   * Only the publish-time history of the stored snapshot (each version's name, version and official `_meta`: what
   * the next build reads of it), read without holding its decoded servers; `undefined` when none is stored.
   */
  getPublishTimes(registry: MCPRegistry, signal: AbortSignal): Promise<StoredPublishTimes | undefined>
  /**
   * Stores the last good snapshot of source `source` of a registry with `spec.sources`, in a slot of its own (the
   * same guarantees as `store`). The registry's served snapshot (`store`/`get`) is separate.
   */
  storeSource(registry: MCPRegistry, source: string, snapshot: RegistrySnapshot, signal: AbortSignal): Promise<StoreResult>
  /** The stored last good snapshot of source `source`, or `undefined`. */
  getSource(registry: MCPRegistry, source: string, signal: AbortSignal): Promise<RegistrySnapshot | undefined>
  /** {@link StorageManager.getPublishTimes} of source `source`'s last good snapshot. */
  getSourcePublishTimes(registry: MCPRegistry, source: string, signal: AbortSignal): Promise<StoredPublishTimes | undefined>
  /** Removes source `source`'s snapshot (a source dropped from the spec); resolves also when none was stored. */
  deleteSource(registry: MCPRegistry, source: string, signal: AbortSignal): Promise<void>
  /** Removes everything stored for `registry` (its sources' snapshots too); resolves also when nothing was stored. */
  delete(registry: MCPRegistry, signal: AbortSignal): Promise<void>
}
