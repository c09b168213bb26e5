// ConfigMapStorageManager: the snapshot in `<registry>-registry-storage`, gzip and shards for large snapshots.
import type { CoreV1Api, V1ConfigMap, V1OwnerReference } from '@kubernetes/client-node'
import * as E from 'fp-ts/lib/Either.js'
import type { MCPRegistry, RegistrySnapshot, StorageRef } from '@thv/registry-model'
import { httpStatusOf, withSignal } from '@thv/kube-calls'
import { apiCall, readOrUndefined } from './api-call.js'
import { ConfigMapSnapshotReader } from './configmap-snapshot.reader.js'
import { encodeShardIndex, type ShardIndex } from './shard-index.codec.js'
import { hashBytes, planSnapshotStorage, type SnapshotVerification, type StoragePlan, type StoredPublishTimes } from './snapshot-payload.js'
import {
  GzipSnapshotKey,
  PayloadHashAnnotation,
  PlainSnapshotKey,
  ShardBankLabel,
  ShardGenerationLabel,
  ShardIndexKey,
  ShardPartKey,
  RegistryLabel,
  SnapshotHashAnnotation,
  StorageSourceLabel,
  StorageTierAnnotation,
  otherBank,
  shardGeneration,
  slotIndexName,
  slotLabels,
  slotShardName,
  slotShardSelector,
  type ShardBank,
  type StorageSlot,
  type StorageTier,
} from './storage-layout.js'
import { resolveStorageLimits, type StorageLimits } from './storage-limits.js'
import type { StorageManager, StoreResult } from './storage-manager.js'
import { StorageApiError, StorageTooLargeError } from './storage.errors.js'

/** Options of {@link ConfigMapStorageManager}; every field has a default. */
export interface ConfigMapStorageOptions {
  /** Tier thresholds and ceiling; defaults in {@link DefaultStorageLimits}. */
  readonly limits?: Partial<StorageLimits>
  /** Shard writes in flight at once. Default 4. */
  readonly writeConcurrency?: number
  /** Attempts of a consistent sharded read in `get`. Default 5. */
  readonly readAttempts?: number
  /** What `get` checks after the bytes matched their sha256: `codec` (default) or `hash`. See {@link SnapshotVerification}. */
  readonly verification?: SnapshotVerification
}

/** What one {@link ConfigMapStorageManager.store} call did: the {@link StoreResult} plus the ConfigMap layout. */
export interface StoreReport extends StoreResult {
  /** Tier of the stored snapshot (of the existing one when `written` is false). */
  readonly tier: StorageTier
  /** Shard ConfigMaps of the stored generation (0 below the sharded tier or when nothing was written). */
  readonly shardCount: number
}

const OwnerApiVersion = 'toolhive.stacklok.dev/v1alpha1'
const OwnerKind = 'MCPRegistry'

/**
 * Stores each registry's snapshot in ConfigMap `<registry>-registry-storage` of the registry's namespace, owned by
 * the MCPRegistry (controller owner reference) and labelled as this library's README says. Small snapshots are plain JSON, larger
 * ones gzip, larger still gzip cut into shard ConfigMaps `<registry>-registry-storage-<a|b>-<n>` behind an index in
 * the storage ConfigMap. Publication is atomic: new shards, then the index flip, then deletion of the old shards.
 *
 * Needs on ConfigMaps of the registry's namespace: get, list, create, update, deletecollection, delete.
 *
 * @example
 * const storage = new ConfigMapStorageManager(kubeConfig.makeApiClient(CoreV1Api))
 * const ref = await storage.store(registry, snapshot, signal) // no write when the hash is unchanged
 * const again = await storage.get(registry, signal)           // deep-equal to snapshot
 */
export class ConfigMapStorageManager implements StorageManager {
  readonly #core: CoreV1Api
  readonly #limits: StorageLimits
  readonly #writeConcurrency: number
  readonly #reader: ConfigMapSnapshotReader

  constructor(core: CoreV1Api, options: ConfigMapStorageOptions = {}) {
    this.#core = core
    this.#limits = resolveStorageLimits(options.limits)
    this.#writeConcurrency = options.writeConcurrency ?? 4
    this.#reader = new ConfigMapSnapshotReader({ get: (namespace, name, signal) => core.readNamespacedConfigMap({ namespace, name }, withSignal(signal)) }, {
      ...(options.readAttempts === undefined ? {} : { maxAttempts: options.readAttempts }),
      ...(options.verification === undefined ? {} : { verification: options.verification }),
    })
  }

  /** The resolved limits (defaults filled in). */
  get limits(): StorageLimits {
    return this.#limits
  }

  /** Stores the snapshot, reporting also the tier and shard count (for logs, metrics and benchmarks). */
  async store(registry: MCPRegistry, snapshot: RegistrySnapshot, signal: AbortSignal): Promise<StoreReport> {
    return this.#storeSlot(registry, { registry: registry.metadata.name }, snapshot, signal)
  }

  /** Stores source `source`'s last good snapshot in its own slot ({@link sourceStorageConfigMapName}). */
  async storeSource(registry: MCPRegistry, source: string, snapshot: RegistrySnapshot, signal: AbortSignal): Promise<StoreReport> {
    return this.#storeSlot(registry, { registry: registry.metadata.name, source }, snapshot, signal)
  }

  async getSource(registry: MCPRegistry, source: string, signal: AbortSignal): Promise<RegistrySnapshot | undefined> {
    const { namespace, name } = identify(registry)
    return this.#reader.readSource(namespace, name, source, signal)
  }

  async getSourcePublishTimes(registry: MCPRegistry, source: string, signal: AbortSignal): Promise<StoredPublishTimes | undefined> {
    const { namespace, name } = identify(registry)
    return this.#reader.readSourcePublishTimes(namespace, name, source, signal)
  }

  async deleteSource(registry: MCPRegistry, source: string, signal: AbortSignal): Promise<void> {
    const { namespace, name } = identify(registry)
    await this.#deleteSlot(namespace, { registry: name, source }, signal)
  }

  async #storeSlot(registry: MCPRegistry, slot: StorageSlot, snapshot: RegistrySnapshot, signal: AbortSignal): Promise<StoreReport> {
    const { namespace, name, uid } = identify(registry)
    const indexName = slotIndexName(slot)
    const ref: StorageRef = { type: 'configmap', configMapRef: { name: indexName, namespace, key: PlainSnapshotKey } }
    const current = await readOrUndefined(`${namespace}/${indexName}`, signal, () =>
      this.#core.readNamespacedConfigMap({ namespace, name: indexName }, withSignal(signal)),
    )
    const currentAnnotations = current?.metadata?.annotations ?? {}
    if (current !== undefined && currentAnnotations[SnapshotHashAnnotation] === snapshot.hash) {
      const tier = tierOf(currentAnnotations[StorageTierAnnotation])
      // A store cut off after the index flip but before step 5 left the old generation's shards behind: clean
      // them up now, or a retry of the same snapshot would leave them forever. Nothing is written when none are stale.
      await this.#deleteStaleShards(namespace, slot, tier === 'sharded' ? shardGeneration(snapshot.hash) : undefined, signal)
      return { ref, written: false, tier, storedBytes: 0, shardCount: 0 }
    }
    const plan = await planSnapshotStorage(snapshot, this.#limits)
    if (E.isLeft(plan)) throw new StorageTooLargeError(`${namespace}/${name}`, plan.left.storedBytes, this.#limits.maxStoredBytes)
    const owner: V1OwnerReference = { apiVersion: OwnerApiVersion, kind: OwnerKind, name, uid, controller: true, blockOwnerDeletion: true }
    const currentBank = current?.metadata?.labels?.[ShardBankLabel]
    const bank: ShardBank =
      currentAnnotations[StorageTierAnnotation] === 'sharded' && (currentBank === 'a' || currentBank === 'b') ? otherBank(currentBank) : 'a'
    const body = await this.#prepareIndex(plan.right, { namespace, slot, owner, hash: snapshot.hash, bank }, signal)
    if (current === undefined) {
      await apiCall('create', `${namespace}/${indexName}`, signal, () =>
        this.#core.createNamespacedConfigMap({ namespace, body }, withSignal(signal)),
      )
    } else {
      const rv = current.metadata?.resourceVersion
      const replacement = { ...body, metadata: { ...body.metadata, ...(rv === undefined ? {} : { resourceVersion: rv }) } }
      await apiCall('replace', `${namespace}/${indexName}`, signal, () =>
        this.#core.replaceNamespacedConfigMap({ namespace, name: indexName, body: replacement }, withSignal(signal)),
      )
    }
    await this.#deleteShards(namespace, slot, plan.right.tier === 'sharded' ? shardGeneration(snapshot.hash) : undefined, signal)
    const shardCount = plan.right.tier === 'sharded' ? plan.right.shards.length : 0
    return { ref, written: true, tier: plan.right.tier, storedBytes: plan.right.storedBytes, shardCount }
  }

  async get(registry: MCPRegistry, signal: AbortSignal): Promise<RegistrySnapshot | undefined> {
    const { namespace, name } = identify(registry)
    return this.#reader.read(namespace, name, signal)
  }

  async getPublishTimes(registry: MCPRegistry, signal: AbortSignal): Promise<StoredPublishTimes | undefined> {
    const { namespace, name } = identify(registry)
    return this.#reader.readPublishTimes(namespace, name, signal)
  }

  async delete(registry: MCPRegistry, signal: AbortSignal): Promise<void> {
    const { namespace, name } = identify(registry)
    await this.#deleteSlot(namespace, { registry: name }, signal)
    // Every source slot (index and shards) at once: they carry the source label.
    const labelSelector = `app.kubernetes.io/component=registry-storage,${RegistryLabel}=${name},${StorageSourceLabel}`
    await apiCall('deletecollection', `${namespace}/${labelSelector}`, signal, () =>
      this.#core.deleteCollectionNamespacedConfigMap({ namespace, labelSelector }, withSignal(signal)),
    )
  }

  async #deleteSlot(namespace: string, slot: StorageSlot, signal: AbortSignal): Promise<void> {
    const indexName = slotIndexName(slot)
    try {
      await apiCall('delete', `${namespace}/${indexName}`, signal, () =>
        this.#core.deleteNamespacedConfigMap({ namespace, name: indexName }, withSignal(signal)),
      )
    } catch (err) {
      if (!(err instanceof StorageApiError && err.status === 404)) throw err
    }
    await this.#deleteShards(namespace, slot, undefined, signal)
  }

  /** Writes the shards of a sharded plan (nothing for other tiers) and returns the index ConfigMap to publish. */
  async #prepareIndex(
    plan: StoragePlan,
    ctx: { namespace: string; slot: StorageSlot; owner: V1OwnerReference; hash: string; bank: ShardBank },
    signal: AbortSignal,
  ): Promise<V1ConfigMap> {
    const metadata = (tier: StorageTier, extra: Record<string, string>) => ({
      name: slotIndexName(ctx.slot),
      namespace: ctx.namespace,
      labels: slotLabels(ctx.slot, 'index', tier === 'sharded' ? ctx.bank : undefined),
      annotations: { [SnapshotHashAnnotation]: ctx.hash, [StorageTierAnnotation]: tier, ...extra },
      ownerReferences: [ctx.owner],
    })
    switch (plan.tier) {
      case 'plain':
        return {
          metadata: metadata('plain', { [PayloadHashAnnotation]: hashBytes(Buffer.from(plan.json, 'utf8')) }),
          data: { [PlainSnapshotKey]: plan.json },
        }
      case 'gzip':
        return {
          metadata: metadata('gzip', { [PayloadHashAnnotation]: hashBytes(plan.payload) }),
          binaryData: { [GzipSnapshotKey]: plan.payload.toString('base64') },
        }
      case 'sharded': {
        const index: ShardIndex = {
          schemaVersion: 1,
          snapshotHash: ctx.hash,
          bank: ctx.bank,
          payloadSha256: hashBytes(plan.payload),
          payloadBytes: plan.payload.length,
          shards: plan.shards.map((bytes, n) => ({ name: slotShardName(ctx.slot, ctx.bank, n), sha256: hashBytes(bytes), bytes: bytes.length })),
        }
        await this.#writeShards(plan.shards, index, ctx, signal)
        return { metadata: metadata('sharded', {}), data: { [ShardIndexKey]: encodeShardIndex(index) } }
      }
    }
  }

  async #writeShards(
    shards: ReadonlyArray<Buffer>,
    index: ShardIndex,
    ctx: { namespace: string; slot: StorageSlot; owner: V1OwnerReference; hash: string; bank: ShardBank },
    signal: AbortSignal,
  ): Promise<void> {
    const generation = shardGeneration(ctx.hash)
    const writeOne = async (n: number): Promise<void> => {
      const shardName = index.shards[n]?.name ?? slotShardName(ctx.slot, ctx.bank, n)
      const body: V1ConfigMap = {
        metadata: {
          name: shardName,
          namespace: ctx.namespace,
          labels: { ...slotLabels(ctx.slot, 'shard', ctx.bank), [ShardGenerationLabel]: generation },
          annotations: { [SnapshotHashAnnotation]: ctx.hash },
          ownerReferences: [ctx.owner],
        },
        binaryData: { [ShardPartKey]: (shards[n] as Buffer).toString('base64') },
      }
      const target = `${ctx.namespace}/${shardName}`
      try {
        await this.#core.createNamespacedConfigMap({ namespace: ctx.namespace, body }, withSignal(signal))
      } catch (err) {
        signal.throwIfAborted()
        if (httpStatusOf(err) !== 409) throw new StorageApiError('create', target, httpStatusOf(err), { cause: err })
        // A leftover in this slot (an interrupted store): the current index does not name it, so overwrite it.
        await apiCall('replace', target, signal, () =>
          this.#core.replaceNamespacedConfigMap({ namespace: ctx.namespace, name: shardName, body }, withSignal(signal)),
        )
      }
    }
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < shards.length) await writeOne(next++)
    }
    await Promise.all(Array.from({ length: Math.min(this.#writeConcurrency, shards.length) }, worker))
  }

  /** Deletes the registry's shards, except those of generation `keep` (the one the index now names). */
  /** Deletes shards not of generation `keep` only when some exist: a clean storage costs one list, no write. */
  async #deleteStaleShards(namespace: string, slot: StorageSlot, keep: string | undefined, signal: AbortSignal): Promise<void> {
    const labelSelector = slotShardSelector(slot, keep)
    const stale = await apiCall('list', `${namespace}/${labelSelector}`, signal, () =>
      this.#core.listNamespacedConfigMap({ namespace, labelSelector, limit: 1 }, withSignal(signal)),
    )
    if (stale.items.length > 0) await this.#deleteShards(namespace, slot, keep, signal)
  }

  async #deleteShards(namespace: string, slot: StorageSlot, keep: string | undefined, signal: AbortSignal): Promise<void> {
    const labelSelector = slotShardSelector(slot, keep)
    await apiCall('deletecollection', `${namespace}/${labelSelector}`, signal, () =>
      this.#core.deleteCollectionNamespacedConfigMap({ namespace, labelSelector }, withSignal(signal)),
    )
  }
}

function identify(registry: MCPRegistry): { namespace: string; name: string; uid: string } {
  const { name, namespace, uid } = registry.metadata
  if (namespace === undefined || uid === undefined) {
    throw new Error(`MCPRegistry ${name} lacks metadata.namespace or metadata.uid; pass the object as read from the API server`)
  }
  return { namespace, name, uid }
}

function tierOf(value: string | undefined): StorageTier {
  return value === 'gzip' || value === 'sharded' ? value : 'plain'
}
