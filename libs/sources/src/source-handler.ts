// The SourceHandler contract: fetch registry data for an MCPRegistry and turn it into a snapshot.
import type * as E from 'fp-ts/lib/Either.js'
import type { DeployedServerSummary, MCPRegistry, MCPRegistrySource, RegistrySnapshot } from '@thv/registry-model'
import type { SourceConfigError } from './source.errors.js'

/** The outcome of a successful {@link SourceHandler.sync}. */
export interface SyncResult {
  /** The built, filtered snapshot (hash included). */
  readonly data: RegistrySnapshot
  /** The source bytes exactly as read (after gzip decompression). */
  readonly raw: Uint8Array
  /** The snapshot hash (`data.hash`): what change detection compares. */
  readonly hash: string
  /** Server versions in the snapshot (after filtering). */
  readonly serverCount: number
}

/** Optional inputs of a sync that only the caller knows. */
export interface SyncOptions {
  /** The last stored snapshot: publish times the data does not give are kept, so an unchanged source keeps its hash. */
  readonly previous?: RegistrySnapshot | undefined
  /**
   * Loads the last stored snapshot only once the source has been read, so a missing or unreadable source costs no
   * storage read (reading a large sharded snapshot takes seconds). Used when `previous` is not given.
   */
  readonly loadPrevious?: ((signal: AbortSignal) => Promise<RegistrySnapshot | undefined>) | undefined
  /** Deployed MCPServer summaries to carry in the snapshot. Default none. */
  readonly deployedServers?: ReadonlyArray<DeployedServerSummary> | undefined
  /** The sync time. Default `new Date()`. */
  readonly now?: Date | undefined
}

/**
 * Fetches one kind of registry source. `validate` is pure and runs before any I/O; `sync` fetches, detects and
 * checks the format, decodes, converts, filters and hashes, rejecting with a typed `SourceError` (or a
 * {@link SourceConfigError}) on failure, or the signal's reason when aborted.
 */
export interface SourceHandler {
  /**
   * Checks `spec.source` without I/O. `registryNamespace` is the MCPRegistry's namespace (sources default to it and
   * may leave it only when the handler allows cross-namespace sources).
   */
  validate(source: MCPRegistrySource, registryNamespace: string): E.Either<SourceConfigError, void>
  /** Fetches and converts the registry's data. */
  sync(registry: MCPRegistry, signal: AbortSignal, options?: SyncOptions): Promise<SyncResult>
}
