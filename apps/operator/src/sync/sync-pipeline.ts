/** The storage-facing side of a sync, as the controllers use it (implemented over @thv/sources and @thv/storage). */
import type { DeployedServerSummary, MCPRegistry } from '@thv/registry-model'
import type { SyncOutcome } from '../status/sync-outcome.js'

/**
 * Runs the sync pipeline (fetch, detect, decode, convert, filter, hash, store) for one registry and keeps its storage. Source, data and storage problems
 * are returned as a failed {@link SyncOutcome} (the last good snapshot stays in storage); only bugs and aborts
 * throw.
 */
export interface SyncPipeline {
  /** Validate source config → fetch → detect → decode → snapshot → filter → hash → store if the hash changed. */
  run(registry: MCPRegistry, deployedServers: readonly DeployedServerSummary[], signal: AbortSignal): Promise<SyncOutcome>
  /**
   * Replaces the stored snapshot's `deployedServers` (re-hashing it) when they differ. Resolves true when storage
   * was written; false when nothing is stored yet or nothing changed.
   */
  updateDeployedServers(registry: MCPRegistry, deployedServers: readonly DeployedServerSummary[], signal: AbortSignal): Promise<boolean>
  /** Deletes everything stored for the registry. */
  delete(registry: MCPRegistry, signal: AbortSignal): Promise<void>
}
