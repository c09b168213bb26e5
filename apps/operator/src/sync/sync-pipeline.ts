/** The storage-facing side of a sync, as the controllers use it (implemented over @thv/sources and @thv/storage). */
import type { DeployedServerSummary, MCPRegistry, MCPRegistrySourceEntry, SingleSourceRegistry } from '@thv/registry-model'
import type { PublishOutcome, SourceSyncOutcome, SyncOutcome } from '../status/sync-outcome.js'

/**
 * Runs the sync pipeline (fetch, detect, decode, convert, filter, hash, store) for one registry and keeps its storage. Source, data and storage problems
 * are returned as a failed {@link SyncOutcome} (the last good snapshot stays in storage); only bugs and aborts
 * throw.
 */
export interface SyncPipeline {
  /** Validate source config → fetch → detect → decode → snapshot → filter → hash → store if the hash changed. */
  run(registry: SingleSourceRegistry, deployedServers: readonly DeployedServerSummary[], signal: AbortSignal): Promise<SyncOutcome>
  /**
   * Replaces the stored snapshot's `deployedServers` (re-hashing it) when they differ. Resolves true when storage
   * was written; false when nothing is stored yet or nothing changed.
   */
  updateDeployedServers(registry: MCPRegistry, deployedServers: readonly DeployedServerSummary[], signal: AbortSignal): Promise<boolean>
  /**
   * A registry with `spec.sources`: syncs source `entry` and stores its last good snapshot (its slot is untouched
   * on failure). `previousHash` is the hash the source's slot holds, for remote "unchanged" answers.
   */
  syncSource(registry: MCPRegistry, entry: MCPRegistrySourceEntry, previousHash: string | undefined, signal: AbortSignal): Promise<SourceSyncOutcome>
  /** A registry with `spec.sources`: merges every source's last good snapshot into the served one (views included) and stores it if changed. */
  publish(registry: MCPRegistry, deployedServers: readonly DeployedServerSummary[], signal: AbortSignal): Promise<PublishOutcome>
  /** A registry with `spec.sources`: drops a source no longer in the spec. */
  forgetSource(registry: MCPRegistry, source: string, signal: AbortSignal): Promise<void>
  /** Deletes everything stored for the registry. */
  delete(registry: MCPRegistry, signal: AbortSignal): Promise<void>
}
