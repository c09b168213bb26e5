/** The sync pipeline: a @thv/sources handler builds the snapshot, @thv/storage keeps it (written only on a new hash). */
import { buildMultiSourceSnapshot, computeSnapshotHash, validateFilter, type PreviousVersions } from '@thv/converters'
import type { Clock, Logger } from '@thv/k8s-reconcile'
import {
  ConditionReason, kindsOf, sourceRegistry, viewsOf, type DeployedServerSummary, type MCPRegistry, type MCPRegistrySourceEntry,
  type RegistrySnapshot, type SingleSourceRegistry,
} from '@thv/registry-model'
import { DefaultSourceKey, SourceConfigError, SourceError, type SkippedObject, type SourceHandlerRegistry } from '@thv/sources'
import { PlainSnapshotKey, sourceStorageConfigMapName, StorageTooLargeError, type StorageManager } from '@thv/storage'
import * as E from 'fp-ts/lib/Either.js'
import type { PublishOutcome, SourceSyncOutcome, SyncFailure, SyncOutcome } from '../status/sync-outcome.js'
import type { SyncPipeline } from './sync-pipeline.js'

/** What the pipeline needs. */
export interface SourcePipelineDeps {
  /** Handlers by `spec.source.type` (ConfigMap today), configured with `--allow-cross-namespace-sources`. */
  readonly sources: SourceHandlerRegistry
  readonly storage: StorageManager
  readonly clock: Clock
  readonly log: Logger
  /** Largest source snapshot kept in memory between syncs; default {@link CachedSourceMaxVersions}. */
  readonly cachedSourceMaxVersions?: number
}

/** Source error codes that mean the data was read but is unusable (DataValid False); the rest are source failures. */
const DataErrorCodes: ReadonlySet<string> = new Set(['InvalidJson', 'FormatMismatch', 'InvalidData', 'InvalidFilter'])

/**
 * Maps a failure of `validate`/`sync` to the pipeline step and condition reason: config errors and fetch errors fail
 * the `source` step (a refused cross-namespace source reads `CrossNamespaceSourceForbidden`), data errors the `data`
 * step. Anything else is not a source failure and is returned as `undefined` (the caller rethrows it).
 */
export function classifySourceFailure(err: unknown): SyncFailure | undefined {
  if (err instanceof SourceConfigError) {
    const reason = err.code === 'CrossNamespaceNotAllowed' ? ConditionReason.CrossNamespaceSourceForbidden : ConditionReason.InvalidSourceConfig
    return { step: 'source', reason, message: err.message }
  }
  if (err instanceof SourceError) return { step: DataErrorCodes.has(err.code) ? 'data' : 'source', reason: err.code, message: err.message }
  return undefined
}

/** A short description of a registry's source for messages, e.g. `ConfigMap ns/data key registry.json`. */
export function describeSource(registry: SingleSourceRegistry): string {
  const { url, git, api, kubernetes } = registry.spec.source
  if (kubernetes !== undefined) {
    const namespaces = kubernetes.namespaces ?? []
    return `exported workloads of namespace${namespaces.length > 1 ? 's' : ''} ${(namespaces.length === 0 ? [registry.metadata.namespace ?? ''] : namespaces).join(', ')}`
  }
  // Remote endpoints without query values or user info: a token in a URL must not reach status or Events.
  const clean = (u: string) => u.replace(/\?.*$/s, (q) => (q === '' ? '' : '?…')).replace(/\/\/[^/@]*@/, '//')
  if (url !== undefined) return `url ${clean(url.endpoint)}`
  if (git !== undefined) return `git ${clean(git.repository)} ${git.commit ?? git.tag ?? git.branch ?? 'HEAD'} path ${git.path ?? DefaultSourceKey}`
  if (api !== undefined) return `api ${clean(api.endpoint)}`
  const cm = registry.spec.source.configmap
  return `ConfigMap ${cm?.namespace ?? registry.metadata.namespace ?? ''}/${cm?.name ?? ''} key ${cm?.key ?? DefaultSourceKey}`
}

/**
 * {@link SyncPipeline} over a {@link SourceHandlerRegistry} and {@link StorageManager}: validate → fetch,
 * detect, decode, convert, filter, hash (the handler, given the last stored snapshot and the deployed servers) →
 * store when the hash changed. Source and data failures come back as a failed outcome and leave storage untouched.
 */
/**
 * Largest source snapshot (server versions) the pipeline keeps in memory between syncs. A larger one is re-read from
 * its storage slot when a later publish or sync needs it: about a second at 10,000 versions, 8 s at 100,000.
 */
export const CachedSourceMaxVersions = 10_000

export class SourceSyncPipeline implements SyncPipeline {
  readonly #deps: SourcePipelineDeps
  /**
   * Last good snapshot of each source of registries with `spec.sources`, by `namespace/registry/source` (as stored),
   * so a publish merges without reading storage. Snapshots above `cachedSourceMaxVersions` stay only until the
   * publish that follows their sync: held for good, a source of 100,000 versions would keep about 600 MiB of heap.
   */
  readonly #snapshots = new Map<string, RegistrySnapshot>()

  constructor(deps: SourcePipelineDeps) {
    this.#deps = deps
  }

  async run(registry: SingleSourceRegistry, deployedServers: readonly DeployedServerSummary[], signal: AbortSignal): Promise<SyncOutcome> {
    const { storage } = this.#deps
    // A build reads only the publish-time history of the stored snapshot, never its decoded servers.
    const fetched = await this.#fetch(registry, (inner) => storage.getPublishTimes(registry, inner), registry.status?.storageRef === undefined ? undefined : registry.status.lastSyncHash, deployedServers, signal)
    if (!fetched.ok) return fetched
    const storedRef = registry.status?.storageRef
    if (fetched.snapshot === undefined) {
      if (storedRef === undefined) throw new Error('a source handler answered unchanged without a previous hash')
      return { ok: true, serverCount: fetched.serverCount, hash: fetched.hash, stored: false, storageRef: storedRef, source: describeSource(registry) }
    }
    const snapshot = fetched.snapshot
    try {
      const report = await storage.store(registry, snapshot, signal)
      return { ok: true, serverCount: snapshot.servers.length, hash: snapshot.hash, stored: report.written, storedBytes: report.storedBytes, storageRef: report.ref, source: describeSource(registry) }
    } catch (err) {
      if (signal.aborted) throw err
      return { ok: false, failure: storageFailure(err) }
    }
  }

  /**
   * Syncs one source of a registry with `spec.sources` and stores its last good snapshot in its own slot; a failure
   * leaves that slot untouched. `previousHash` is the source's `status.sources[].lastSyncHash`.
   */
  async syncSource(registry: MCPRegistry, entry: MCPRegistrySourceEntry, previousHash: string | undefined, signal: AbortSignal): Promise<SourceSyncOutcome> {
    const { storage } = this.#deps
    const scoped = sourceRegistry(registry, entry)
    if (scoped === undefined) return { ok: false, failure: { step: 'source', reason: ConditionReason.InvalidSourceConfig, message: `Source ${entry.name}: kind ${kindsOf(entry).join(', ')} is not supported yet` } }
    // Remote handlers remember validators per `namespace/name`: each source gets its own name.
    const keyed: SingleSourceRegistry = { ...scoped, metadata: { ...scoped.metadata, name: `${registry.metadata.name}/${entry.name}` } }
    const key = sourceCacheKey(registry, entry.name)
    // The previous snapshot's publish-time history: from memory when the snapshot is cached, else read from its slot
    // without decoding its servers (a large source's full snapshot would be a second copy next to the new build).
    const fetched = await this.#fetch(keyed, async (inner) => this.#snapshots.get(key) ?? storage.getSourcePublishTimes(registry, entry.name, inner), previousHash, [], signal)
    if (!fetched.ok) return fetched
    const storageRef = { type: 'configmap' as const, configMapRef: { name: sourceStorageConfigMapName(registry.metadata.name, entry.name), namespace: registry.metadata.namespace ?? '', key: PlainSnapshotKey } }
    if (fetched.snapshot === undefined) {
      return { ok: true, serverCount: fetched.serverCount, hash: fetched.hash, stored: false, storageRef, source: describeSource(scoped), ...revisionOf(fetched) }
    }
    try {
      const report = await storage.storeSource(registry, entry.name, fetched.snapshot, signal)
      this.#snapshots.set(key, fetched.snapshot)
      return {
        ok: true, serverCount: fetched.snapshot.servers.length, hash: fetched.snapshot.hash, stored: report.written, storedBytes: report.storedBytes, storageRef,
        source: describeSource(scoped), ...revisionOf(fetched), ...(fetched.skipped === undefined ? {} : { skipped: fetched.skipped }),
      }
    } catch (err) {
      if (signal.aborted) throw err
      return { ok: false, failure: storageFailure(err) }
    }
  }

  /**
   * Merges the last good snapshot of every source (memory, else storage) into the served snapshot with every view
   * and stores it when its hash changed. Fails when the global filter is invalid or storage fails; gives
   * `empty` while no source has data.
   */
  async publish(registry: MCPRegistry, deployedServers: readonly DeployedServerSummary[], signal: AbortSignal): Promise<PublishOutcome> {
    const { storage } = this.#deps
    const entries = registry.spec.sources ?? []
    const filter = validateFilter(registry.spec.filter)
    if (E.isLeft(filter)) return { ok: false, failure: { step: 'data', reason: ConditionReason.InvalidFilter, message: `spec.filter: ${filter.left.message}` } }
    const sources = await Promise.all(entries.map(async (entry) => ({ name: entry.name, snapshot: await this.#lastGood(registry, entry.name, signal) })))
    const built = buildMultiSourceSnapshot({
      registry: { name: registry.metadata.name, namespace: registry.metadata.namespace ?? '', displayName: registry.spec.displayName },
      sources,
      views: viewsOf({ sources: entries, registries: registry.spec.registries }),
      filter: filter.right,
      deployedServers: [...deployedServers].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name)),
      now: new Date(this.#deps.clock.now()),
    })
    this.#dropLargeSnapshots(registry)
    if (built === undefined) return { ok: true, empty: true }
    try {
      const report = await storage.store(registry, built.snapshot, signal)
      return { ok: true, empty: false, hash: built.snapshot.hash, serverCount: built.snapshot.servers.length, stored: report.written, storedBytes: report.storedBytes, storageRef: report.ref, shadowed: built.shadowed, counts: built.counts }
    } catch (err) {
      if (signal.aborted) throw err
      return { ok: false, failure: storageFailure(err) }
    }
  }

  /** Drops a source removed from the spec: its stored snapshot and what handlers remember of it. */
  async forgetSource(registry: MCPRegistry, source: string, signal: AbortSignal): Promise<void> {
    this.#snapshots.delete(sourceCacheKey(registry, source))
    this.#deps.sources.forget(`${registry.metadata.namespace ?? ''}/${registry.metadata.name}/${source}`)
    await this.#deps.storage.deleteSource(registry, source, signal)
  }

  async #lastGood(registry: MCPRegistry, source: string, signal: AbortSignal): Promise<RegistrySnapshot | undefined> {
    const key = sourceCacheKey(registry, source)
    const cached = this.#snapshots.get(key)
    if (cached !== undefined) return cached
    const stored = await this.#deps.storage.getSource(registry, source, signal)
    if (stored !== undefined) this.#snapshots.set(key, stored)
    return stored
  }

  /** Forgets the cached source snapshots of `registry` above the cache's bound once merged. */
  #dropLargeSnapshots(registry: MCPRegistry): void {
    const prefix = `${sourceCacheKey(registry, '')}`
    for (const [key, snapshot] of this.#snapshots) {
      if (key.startsWith(prefix) && snapshot.servers.length + (snapshot.extraServers?.length ?? 0) > (this.#deps.cachedSourceMaxVersions ?? CachedSourceMaxVersions)) this.#snapshots.delete(key)
    }
  }

  /**
   * Validate, fetch, detect, decode, convert, filter and hash through the source's handler. `snapshot` is absent
   * when the handler answered unchanged against `previousHash`.
   */
  async #fetch(
    registry: SingleSourceRegistry,
    load: (signal: AbortSignal) => Promise<PreviousVersions | undefined>,
    previousHash: string | undefined,
    deployedServers: readonly DeployedServerSummary[],
    signal: AbortSignal,
  ): Promise<Fetched> {
    const { sources } = this.#deps
    const valid = sources.validate(registry.spec.source, registry.metadata.namespace ?? '')
    if (E.isLeft(valid)) return { ok: false, failure: classifySourceFailure(valid.left) as SyncFailure }
    const handler = sources.handlerFor(registry.spec.source.type)
    if (E.isLeft(handler)) return { ok: false, failure: classifySourceFailure(handler.left) as SyncFailure }
    // Read only after the source was fetched: a missing source must not cost a (possibly sharded) storage read.
    const loadPrevious = async (inner: AbortSignal): Promise<PreviousVersions | undefined> => {
      try {
        return await load(inner)
      } catch (err) {
        if (inner.aborted) throw err
        // A corrupt or unreadable old snapshot must not block a new one: build without its publish-time history.
        this.#deps.log.warn('Could not read the stored snapshot; building without it', { registry: registry.metadata.name, namespace: registry.metadata.namespace, err })
        return undefined
      }
    }
    // A remote source may answer "unchanged" (304, same commit, no mirror updates) only against the hash storage holds.
    try {
      const result = await handler.right.sync(registry, signal, { loadPrevious, deployedServers, previousHash, now: new Date(this.#deps.clock.now()) })
      if (result.unchanged === true) {
        if (previousHash === undefined) throw new Error('a source handler answered unchanged without a previous hash')
        return { ok: true, hash: result.hash, serverCount: result.serverCount, revision: result.revision }
      }
      return { ok: true, hash: result.hash, serverCount: result.serverCount, snapshot: result.data, revision: result.revision, skipped: result.skipped }
    } catch (err) {
      const failure = signal.aborted ? undefined : classifySourceFailure(err)
      if (failure === undefined) throw err
      return { ok: false, failure }
    }
  }

  async updateDeployedServers(registry: MCPRegistry, deployedServers: readonly DeployedServerSummary[], signal: AbortSignal): Promise<boolean> {
    const stored = await this.#deps.storage.get(registry, signal)
    if (stored === undefined) return false
    const { hash: _old, ...rest } = stored
    const next = { ...rest, deployedServers: [...deployedServers].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name)) }
    const hash = computeSnapshotHash(next)
    if (hash === stored.hash) return false
    return (await this.#deps.storage.store(registry, { ...next, hash }, signal)).written
  }

  async delete(registry: MCPRegistry, signal: AbortSignal): Promise<void> {
    const key = `${registry.metadata.namespace ?? ''}/${registry.metadata.name}`
    this.#deps.sources.forget(key)
    for (const entry of registry.spec.sources ?? []) this.#deps.sources.forget(`${key}/${entry.name}`)
    for (const k of [...this.#snapshots.keys()]) if (k.startsWith(`${key}/`)) this.#snapshots.delete(k)
    await this.#deps.storage.delete(registry, signal)
  }
}

/** What the handler gave: a new snapshot, or (no `snapshot`) unchanged against the previous hash. */
type Fetched =
  | {
      readonly ok: true; readonly hash: string; readonly serverCount: number; readonly snapshot?: RegistrySnapshot; readonly revision?: string | undefined
      readonly skipped?: readonly SkippedObject[] | undefined
    }
  | { readonly ok: false; readonly failure: SyncFailure }

function revisionOf(fetched: { readonly revision?: string | undefined }): { revision?: string } {
  return fetched.revision === undefined ? {} : { revision: fetched.revision }
}

function sourceCacheKey(registry: MCPRegistry, source: string): string {
  return `${registry.metadata.namespace ?? ''}/${registry.metadata.name}/${source}`
}

function storageFailure(err: unknown): SyncFailure {
  const reason = err instanceof StorageTooLargeError ? ConditionReason.StorageTooLarge : ConditionReason.StorageFailed
  return { step: 'storage', reason, message: `Could not store the snapshot: ${err instanceof Error ? err.message : String(err)}` }
}
