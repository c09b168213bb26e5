/** The sync pipeline: a @thv/sources handler builds the snapshot, @thv/storage keeps it (written only on a new hash). */
import { computeSnapshotHash } from '@thv/converters'
import type { Clock, Logger } from '@thv/k8s-reconcile'
import { ConditionReason, type DeployedServerSummary, type MCPRegistry, type RegistrySnapshot } from '@thv/registry-model'
import { DefaultSourceKey, SourceConfigError, SourceError, type SourceHandlerRegistry } from '@thv/sources'
import { StorageTooLargeError, type StorageManager } from '@thv/storage'
import * as E from 'fp-ts/lib/Either.js'
import type { SyncFailure, SyncOutcome } from '../status/sync-outcome.js'
import type { SyncPipeline } from './sync-pipeline.js'

/** What the pipeline needs. */
export interface SourcePipelineDeps {
  /** Handlers by `spec.source.type` (ConfigMap today), configured with `--allow-cross-namespace-sources`. */
  readonly sources: SourceHandlerRegistry
  readonly storage: StorageManager
  readonly clock: Clock
  readonly log: Logger
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
export function describeSource(registry: MCPRegistry): string {
  const { url, git, api } = registry.spec.source
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
export class SourceSyncPipeline implements SyncPipeline {
  readonly #deps: SourcePipelineDeps

  constructor(deps: SourcePipelineDeps) {
    this.#deps = deps
  }

  async run(registry: MCPRegistry, deployedServers: readonly DeployedServerSummary[], signal: AbortSignal): Promise<SyncOutcome> {
    const { sources, storage } = this.#deps
    const valid = sources.validate(registry.spec.source, registry.metadata.namespace ?? '')
    if (E.isLeft(valid)) return { ok: false, failure: classifySourceFailure(valid.left) as SyncFailure }
    const handler = sources.handlerFor(registry.spec.source.type)
    if (E.isLeft(handler)) return { ok: false, failure: classifySourceFailure(handler.left) as SyncFailure }
    // Read only after the source was fetched: a missing source must not cost a (possibly sharded) storage read.
    const loadPrevious = async (inner: AbortSignal): Promise<RegistrySnapshot | undefined> => {
      try {
        return await storage.get(registry, inner)
      } catch (err) {
        if (inner.aborted) throw err
        // A corrupt or unreadable old snapshot must not block a new one: build without its publish-time history.
        this.#deps.log.warn('Could not read the stored snapshot; building without it', { registry: registry.metadata.name, namespace: registry.metadata.namespace, err })
        return undefined
      }
    }
    let snapshot: RegistrySnapshot
    // A remote source may answer "unchanged" (304, same commit, no mirror updates) only against the hash storage holds.
    const storedRef = registry.status?.storageRef
    const previousHash = storedRef === undefined ? undefined : registry.status?.lastSyncHash
    try {
      const result = await handler.right.sync(registry, signal, { loadPrevious, deployedServers, previousHash, now: new Date(this.#deps.clock.now()) })
      if (result.unchanged === true && storedRef !== undefined) {
        return { ok: true, serverCount: result.serverCount, hash: result.hash, stored: false, storageRef: storedRef, source: describeSource(registry) }
      }
      if (result.unchanged === true) throw new Error('a source handler answered unchanged without a previous hash')
      snapshot = result.data
    } catch (err) {
      const failure = signal.aborted ? undefined : classifySourceFailure(err)
      if (failure === undefined) throw err
      return { ok: false, failure }
    }
    try {
      const report = await storage.store(registry, snapshot, signal)
      return { ok: true, serverCount: snapshot.servers.length, hash: snapshot.hash, stored: report.written, storedBytes: report.storedBytes, storageRef: report.ref, source: describeSource(registry) }
    } catch (err) {
      if (signal.aborted) throw err
      const reason = err instanceof StorageTooLargeError ? ConditionReason.StorageTooLarge : ConditionReason.StorageFailed
      return { ok: false, failure: { step: 'storage', reason, message: `Could not store the snapshot: ${err instanceof Error ? err.message : String(err)}` } }
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
    this.#deps.sources.forget(`${registry.metadata.namespace ?? ''}/${registry.metadata.name}`)
    await this.#deps.storage.delete(registry, signal)
  }
}
