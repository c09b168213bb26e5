// The SourceHandler contract: fetch registry data for an MCPRegistry and turn it into a snapshot.
import type * as E from 'fp-ts/lib/Either.js'
import type { DeployedServerSummary, SingleSourceRegistry, MCPRegistrySource, RegistrySnapshot } from '@thv/registry-model'
import type { PreviousVersions } from '@thv/converters'
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
  /** What the source says it served: HTTP ETag (or Last-Modified), git commit, newest `updatedAt` of a mirror. */
  readonly revision?: string | undefined
  /** Objects the source found but left out (a `kubernetes` source's workloads with malformed annotations). */
  readonly skipped?: readonly SkippedObject[] | undefined
  readonly unchanged?: undefined
}

/** A Kubernetes object a source left out, and why (the message names the field, never a whole annotation value). */
export interface SkippedObject {
  readonly kind: string
  readonly apiVersion: string
  readonly namespace: string
  readonly name: string
  readonly uid?: string | undefined
  readonly message: string
}

/**
 * A remote source reported no change since the sync that produced `hash` (HTTP 304, the same git commit, a mirror
 * with no updates): nothing was parsed or built, and nothing needs storing. Returned only when
 * {@link SyncOptions.previousHash} equals the hash the handler's last build of the same configuration produced.
 */
export interface UnchangedSyncResult {
  readonly unchanged: true
  /** The hash of the snapshot built last time (equal to `previousHash`). */
  readonly hash: string
  readonly serverCount: number
  readonly revision: string
}

/** Optional inputs of a sync that only the caller knows. */
export interface SyncOptions {
  /**
   * The last stored snapshot, or only its publish-time history: publish times the data does not give are kept, so an
   * unchanged source keeps its hash. Only each version's name, version and official `_meta` are read.
   */
  readonly previous?: PreviousVersions | undefined
  /**
   * Loads the last stored snapshot's publish-time history only once the source has been read, so a missing or
   * unreadable source costs no storage read (reading a large sharded snapshot takes seconds). Used when `previous`
   * is not given.
   */
  readonly loadPrevious?: ((signal: AbortSignal) => Promise<PreviousVersions | undefined>) | undefined
  /** Deployed MCPServer summaries to carry in the snapshot. Default none. */
  readonly deployedServers?: ReadonlyArray<DeployedServerSummary> | undefined
  /** The sync time. Default `new Date()`. */
  readonly now?: Date | undefined
  /**
   * The hash storage holds for this source. A remote handler answers {@link UnchangedSyncResult} only when the source
   * is unchanged and its last build (same spec, filter and deployed servers) produced this hash; otherwise it
   * fetches in full, so a lost or failed store is repaired by the next sync.
   */
  readonly previousHash?: string | undefined
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
  /**
   * Drops what the handler remembers of registry `namespace/name` (validators, a mirror's entries), e.g. when the
   * registry is deleted. Optional: handlers without memory need none.
   */
  forget?(registryKey: string): void
  /** Fetches and converts the registry's data, or reports it unchanged (remote sources, see {@link SyncOptions.previousHash}). */
  sync(registry: SingleSourceRegistry, signal: AbortSignal, options?: SyncOptions): Promise<SyncResult | UnchangedSyncResult>
}
