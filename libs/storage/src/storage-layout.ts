// Names, labels, annotations and keys of the storage ConfigMaps: the on-cluster layout, shared by writer and reader.
import type { StorageLimits } from './storage-limits.js'
import { maxShardCount } from './storage-limits.js'

/** The two shard banks. A new sharded generation is written to the bank the current index does not use. */
export type ShardBank = 'a' | 'b'

/** How a snapshot is stored: the `toolhive.stacklok.dev/storage-tier` annotation of the storage ConfigMap. */
export type StorageTier = 'plain' | 'gzip' | 'sharded'

/** Key of the plain JSON snapshot under `data` (tier `plain`); also the key reported in `status.storageRef`. */
export const PlainSnapshotKey = 'registry.json'
/** Key of the gzip-compressed snapshot under `binaryData` (tier `gzip`). */
export const GzipSnapshotKey = 'registry.json.gz'
/** Key of the shard index JSON under `data` (tier `sharded`). */
export const ShardIndexKey = 'index.json'
/** Key of a shard's bytes under `binaryData` of a shard ConfigMap. */
export const ShardPartKey = 'part'

/** Annotation on the storage ConfigMap: the stored snapshot's `hash` (every tier). */
export const SnapshotHashAnnotation = 'toolhive.stacklok.dev/snapshot-hash'
/** Annotation on the storage ConfigMap: the {@link StorageTier}. */
export const StorageTierAnnotation = 'toolhive.stacklok.dev/storage-tier'
/** Label naming the registry that owns a storage ConfigMap. */
export const RegistryLabel = 'toolhive.stacklok.dev/registry'
/** Label telling the index (`index`) from shards (`shard`). */
export const StoragePartLabel = 'toolhive.stacklok.dev/storage-part'
/** Label on shards (and on a sharded index): their {@link ShardBank}. */
export const ShardBankLabel = 'toolhive.stacklok.dev/storage-bank'
/** Label on shards: the generation they belong to ({@link shardGeneration} of the snapshot hash). */
export const ShardGenerationLabel = 'toolhive.stacklok.dev/storage-generation'

/** Name of a registry's storage (index) ConfigMap: `<registry>-registry-storage`. */
export function storageConfigMapName(registryName: string): string {
  return `${registryName}-registry-storage`
}

/**
 * Name of the index ConfigMap of source `source`'s last good snapshot (a registry with `spec.sources`):
 * `<registry>-<source>-source-storage`. It cannot collide with a registry's own `-registry-storage` names.
 */
export function sourceStorageConfigMapName(registryName: string, source: string): string {
  return `${registryName}-${source}-source-storage`
}

/** Label on the storage ConfigMaps of one source of a registry with `spec.sources`: the source name. */
export const StorageSourceLabel = 'toolhive.stacklok.dev/storage-source'

/**
 * Where one snapshot of a registry is stored: the registry's own (served) snapshot, or the last good snapshot of
 * one of its sources. Each slot has its own index and shard names and labels, so stores never touch another slot.
 */
export interface StorageSlot {
  readonly registry: string
  /** Absent for the registry's served snapshot. */
  readonly source?: string | undefined
}

/** Name of a slot's index ConfigMap. */
export function slotIndexName(slot: StorageSlot): string {
  return slot.source === undefined ? storageConfigMapName(slot.registry) : sourceStorageConfigMapName(slot.registry, slot.source)
}

/** Name of shard `n` of `bank` of a slot: `<index name>-<bank>-<n>`. */
export function slotShardName(slot: StorageSlot, bank: ShardBank, n: number): string {
  return `${slotIndexName(slot)}-${bank}-${n}`
}

/** Labels of a slot's ConfigMaps: {@link storageLabels} plus {@link StorageSourceLabel} for a source slot. */
export function slotLabels(slot: StorageSlot, part: 'index' | 'shard', bank?: ShardBank): Record<string, string> {
  return { ...storageLabels(slot.registry, part, bank), ...(slot.source === undefined ? {} : { [StorageSourceLabel]: slot.source }) }
}

/**
 * Label selector of a slot's shards (optionally excluding generation `keepGeneration`). The served slot's shards
 * are those without {@link StorageSourceLabel} (which also matches shards written before sources existed).
 */
export function slotShardSelector(slot: StorageSlot, keepGeneration?: string): string {
  const own = slot.source === undefined ? `!${StorageSourceLabel}` : `${StorageSourceLabel}=${slot.source}`
  return `${shardSelector(slot.registry, keepGeneration)},${own}`
}

/** Name of shard `n` (0-based) of `bank`: `<registry>-registry-storage-<bank>-<n>`. */
export function shardConfigMapName(registryName: string, bank: ShardBank, n: number): string {
  return `${storageConfigMapName(registryName)}-${bank}-${n}`
}

/**
 * Every shard ConfigMap name a registry can use under `limits`: both banks, `maxShardCount(limits)` each.
 * Shard names are stable per slot so that the API's Role can name them (RBAC `resourceNames` has no wildcards).
 */
export function allShardConfigMapNames(registryName: string, limits: StorageLimits): string[] {
  const count = maxShardCount(limits)
  const names: string[] = []
  for (const bank of ['a', 'b'] as const) for (let n = 0; n < count; n++) names.push(shardConfigMapName(registryName, bank, n))
  return names
}

/** The other bank. */
export function otherBank(bank: ShardBank): ShardBank {
  return bank === 'a' ? 'b' : 'a'
}

/** Labels of every storage ConfigMap of a registry, plus the part label. */
export function storageLabels(registryName: string, part: 'index' | 'shard', bank?: ShardBank): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'thv-operator',
    'app.kubernetes.io/component': 'registry-storage',
    [RegistryLabel]: registryName,
    [StoragePartLabel]: part,
    ...(bank === undefined ? {} : { [ShardBankLabel]: bank }),
  }
}

/** The generation label value of a snapshot's shards: the first 16 hex digits of its hash. */
export function shardGeneration(snapshotHash: string): string {
  return snapshotHash.slice(0, 16)
}

/**
 * Label selector of a registry's shards, optionally excluding generation `keepGeneration` (used to delete every
 * older or interrupted generation after the index flipped to the new one).
 */
export function shardSelector(registryName: string, keepGeneration?: string): string {
  const base = `app.kubernetes.io/component=registry-storage,${RegistryLabel}=${registryName},${StoragePartLabel}=shard`
  return keepGeneration === undefined ? base : `${base},${ShardGenerationLabel}!=${keepGeneration}`
}

/** Annotation on the storage ConfigMap (tiers `plain` and `gzip`): sha256 hex of the stored bytes. */
export const PayloadHashAnnotation = 'toolhive.stacklok.dev/payload-sha256'
