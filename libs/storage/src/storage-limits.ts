// Size thresholds of the ConfigMap storage tiers, with every default stated once.

/**
 * Size thresholds deciding how a snapshot is stored. All sizes are bytes.
 *
 * - serialized JSON `<= plainMaxBytes` → plain JSON under `data["registry.json"]` of the storage ConfigMap;
 * - else gzip; compressed `<= singleMaxBytes` → `binaryData["registry.json.gz"]` of the storage ConfigMap;
 * - else compressed `<= maxStoredBytes` → shard ConfigMaps of at most `shardMaxBytes` each, behind an index;
 * - else {@link StorageTooLargeError}, nothing written.
 */
export interface StorageLimits {
  /** Largest snapshot JSON stored uncompressed. Default 512 KiB (524,288). */
  readonly plainMaxBytes: number
  /** Largest compressed snapshot kept in the storage ConfigMap itself. Default 900 KiB (921,600). */
  readonly singleMaxBytes: number
  /** Largest compressed payload per shard ConfigMap. Default 900 KiB (921,600). */
  readonly shardMaxBytes: number
  /** Ceiling on the compressed snapshot; above it `store` fails. Default 16 MiB (16,777,216). */
  readonly maxStoredBytes: number
  /** zlib compression level 1–9. Default 6. */
  readonly gzipLevel: number
}

/**
 * The defaults of {@link StorageLimits}. A ConfigMap holds at most 1 MiB of data (1,048,576 bytes), and etcd
 * requests at most 1.5 MiB; 900 KiB per object leaves room for metadata and the API server's overhead.
 */
export const DefaultStorageLimits: StorageLimits = Object.freeze({
  plainMaxBytes: 512 * 1024,
  singleMaxBytes: 900 * 1024,
  shardMaxBytes: 900 * 1024,
  maxStoredBytes: 16 * 1024 * 1024,
  gzipLevel: 6,
})

/** Hard limit of one ConfigMap's data in bytes (Kubernetes `MaxSecretSize`, shared by ConfigMaps). */
export const ConfigMapMaxBytes = 1024 * 1024

/**
 * Fills the defaults of {@link StorageLimits} and checks that the result is usable.
 * Throws `RangeError` for a misconfiguration (a bug in the caller, found at wiring time).
 */
export function resolveStorageLimits(partial: Partial<StorageLimits> = {}): StorageLimits {
  const limits: StorageLimits = { ...DefaultStorageLimits, ...partial }
  const positive = (key: keyof StorageLimits): void => {
    const value = limits[key]
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`Storage limit ${key} must be a positive integer, got ${value}`)
  }
  for (const key of ['plainMaxBytes', 'singleMaxBytes', 'shardMaxBytes', 'maxStoredBytes', 'gzipLevel'] as const) positive(key)
  for (const key of ['plainMaxBytes', 'singleMaxBytes', 'shardMaxBytes'] as const) {
    if (limits[key] > ConfigMapMaxBytes - 64 * 1024) {
      throw new RangeError(`Storage limit ${key} (${limits[key]}) must leave 64 KiB of a ConfigMap's ${ConfigMapMaxBytes} bytes for metadata`)
    }
  }
  if (limits.gzipLevel > 9) throw new RangeError(`Storage limit gzipLevel must be 1–9, got ${limits.gzipLevel}`)
  return limits
}

/** Most shard ConfigMaps one snapshot generation can use under `limits` (`ceil(maxStoredBytes / shardMaxBytes)`). */
export function maxShardCount(limits: StorageLimits): number {
  return Math.ceil(limits.maxStoredBytes / limits.shardMaxBytes)
}
