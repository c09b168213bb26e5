// Reads the stored snapshot of one registry from its ConfigMaps, assembling and verifying shards.
import type { V1ConfigMap } from '@kubernetes/client-node'
import * as E from 'fp-ts/lib/Either.js'
import type { RegistrySnapshot } from '@thv/registry-model'
import type { ConfigMapReads } from './configmap-reads.js'
import { readOrUndefined } from './api-call.js'
import { decodeShardIndex, type ShardIndex } from './shard-index.codec.js'
import { readStoredPublishTimes, readStoredSnapshot, hashBytes, type SnapshotVerification, type StoredPublishTimes } from './snapshot-payload.js'
import {
  GzipSnapshotKey,
  PayloadHashAnnotation,
  PlainSnapshotKey,
  ShardIndexKey,
  ShardPartKey,
  SnapshotHashAnnotation,
  StorageTierAnnotation,
  sourceStorageConfigMapName,
  storageConfigMapName,
} from './storage-layout.js'
import { StorageCorruptError, StorageInconsistentError } from './storage.errors.js'

/** Options of {@link ConfigMapSnapshotReader}. */
export interface SnapshotReaderOptions {
  /**
   * Attempts at a consistent sharded read before {@link StorageInconsistentError}; each retry re-reads the index.
   * A retry is needed only when a writer replaced the generation while it was being read. Default 5.
   */
  readonly maxAttempts?: number
  /**
   * What is checked once the stored bytes matched their recorded sha256: `codec` (default) decodes the snapshot
   * through the codec; `hash` trusts the writer's bytes (faster; see {@link SnapshotVerification}). Bytes without a
   * recorded sha256 are always decoded through the codec.
   */
  readonly verification?: SnapshotVerification
}

type Attempt<T> = { readonly ok: true; readonly snapshot: T } | { readonly ok: false; readonly problem: string }

/**
 * What a read decodes the stored bytes into: the snapshot, only its publish-time history, or a reader's own
 * representation (see `readStoredMapped`). `gzipped`: the bytes are a gzip payload (else JSON text); `expectedHash`:
 * the snapshot hash its annotation records; `hashVerified`: the bytes matched the sha256 their writer recorded. Left
 * carries a one-line reason (the read then fails with a StorageCorruptError). Called once per attempt.
 */
export type StoredSnapshotDecoder<T> = (bytes: Buffer | string, gzipped: boolean, expectedHash: string | undefined, hashVerified: boolean) => Promise<E.Either<string, T>>
type StoredDecoder<T> = StoredSnapshotDecoder<T>

// History is cut down while streaming whenever the bytes are the writer's: the cut checks the fields it keeps, and a
// served snapshot's full codec check (the reader's `verification`) is not what a build's history needs.
const publishTimesDecoder: StoredDecoder<StoredPublishTimes> = (bytes, gzipped, hash, hashVerified) =>
  readStoredPublishTimes(bytes, gzipped, hash, hashVerified ? 'hash' : 'codec')

/**
 * Reads a registry's stored snapshot with nothing but `get` on its storage ConfigMaps, so it serves both the operator
 * (`ConfigMapStorageManager.get`) and the registry API (`watchStoredSnapshot`). A reader always gets either the old
 * or the new complete snapshot: shards are verified against the index's hashes, and a shard that vanished or changed
 * sends the reader back to the index.
 *
 * Errors: {@link StorageCorruptError} (undecodable data), {@link StorageInconsistentError} (no consistent read in
 * `maxAttempts`), `StorageApiError` (API failures), the signal's reason when aborted.
 *
 * @example
 * const reader = new ConfigMapSnapshotReader(kubeHttpConfigMapReads(new KubeHttp(credentials)))
 * const snapshot = await reader.read('toolhive-system', 'production', AbortSignal.timeout(10_000))
 */
export class ConfigMapSnapshotReader {
  readonly #reads: Pick<ConfigMapReads, 'get'>
  readonly #maxAttempts: number
  readonly #verification: SnapshotVerification
  readonly #snapshotDecoder: StoredDecoder<RegistrySnapshot> = (bytes, gzipped, hash, hashVerified) =>
    readStoredSnapshot(bytes, gzipped, hash, hashVerified ? this.#verification : 'codec')

  /** `reads`: `get` on ConfigMaps with the reader's credentials (see {@link ConfigMapReads}). */
  constructor(reads: Pick<ConfigMapReads, 'get'>, options: SnapshotReaderOptions = {}) {
    this.#reads = reads
    this.#maxAttempts = options.maxAttempts ?? 5
    this.#verification = options.verification ?? 'codec'
  }

  /** Reads the snapshot of registry `namespace/registryName`; `undefined` when nothing is stored. */
  async read(namespace: string, registryName: string, signal: AbortSignal): Promise<RegistrySnapshot | undefined> {
    return this.readFrom(namespace, registryName, undefined, signal)
  }

  /** Reads the last good snapshot of source `source` of registry `namespace/registryName` ({@link sourceStorageConfigMapName}). */
  async readSource(namespace: string, registryName: string, source: string, signal: AbortSignal): Promise<RegistrySnapshot | undefined> {
    return this.#readIndexNamed(namespace, sourceStorageConfigMapName(registryName, source), undefined, signal, this.#snapshotDecoder)
  }

  /**
   * Only the publish-time history of the registry's stored snapshot (each version's name, version and official
   * `_meta`, what the next build reads of it): the servers are cut down as they are parsed, so reading the history
   * of a large snapshot never holds its decoded servers. `undefined` when nothing is stored.
   */
  async readPublishTimes(namespace: string, registryName: string, signal: AbortSignal): Promise<StoredPublishTimes | undefined> {
    return this.#readIndexNamed(namespace, storageConfigMapName(registryName), undefined, signal, publishTimesDecoder)
  }

  /** {@link readPublishTimes} of source `source`'s last good snapshot. */
  async readSourcePublishTimes(namespace: string, registryName: string, source: string, signal: AbortSignal): Promise<StoredPublishTimes | undefined> {
    return this.#readIndexNamed(namespace, sourceStorageConfigMapName(registryName, source), undefined, signal, publishTimesDecoder)
  }

  /**
   * Reads the snapshot starting from an index ConfigMap the caller already has (e.g. from a watch event), or from a
   * fresh `get` when `index` is undefined. Retries re-read the index. `undefined` when the index does not exist.
   */
  async readFrom(
    namespace: string,
    registryName: string,
    index: V1ConfigMap | undefined,
    signal: AbortSignal,
  ): Promise<RegistrySnapshot | undefined> {
    return this.#readIndexNamed(namespace, storageConfigMapName(registryName), index, signal, this.#snapshotDecoder)
  }

  /** {@link readFrom} with the reader's own `decoder` (e.g. one that builds its representation while the payload streams). */
  async readFromWith<T>(
    namespace: string,
    registryName: string,
    index: V1ConfigMap | undefined,
    signal: AbortSignal,
    decoder: StoredSnapshotDecoder<T>,
  ): Promise<T | undefined> {
    return this.#readIndexNamed(namespace, storageConfigMapName(registryName), index, signal, decoder)
  }

  async #readIndexNamed<T>(namespace: string, name: string, index: V1ConfigMap | undefined, signal: AbortSignal, decoder: StoredDecoder<T>): Promise<T | undefined> {
    let current = index
    let problem = 'no attempt made'
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      if (current === undefined || attempt > 1) {
        current = await readOrUndefined(`${namespace}/${name}`, signal, () =>
          this.#reads.get(namespace, name, signal),
        )
      }
      if (current === undefined) return undefined
      const result = await this.#load(namespace, current, signal, decoder)
      if (result.ok) return result.snapshot
      problem = result.problem
    }
    throw new StorageInconsistentError(`${namespace}/${name}`, this.#maxAttempts, problem)
  }

  async #load<T>(namespace: string, cm: V1ConfigMap, signal: AbortSignal, decoder: StoredDecoder<T>): Promise<Attempt<T>> {
    const target = `${namespace}/${cm.metadata?.name ?? '?'}`
    const annotations = cm.metadata?.annotations ?? {}
    const tier = annotations[StorageTierAnnotation]
    const hash = annotations[SnapshotHashAnnotation]
    const corrupt = (detail: string): never => {
      throw new StorageCorruptError(target, detail)
    }
    const decode = async (bytes: Buffer | string, gzipped: boolean, hashVerified: boolean): Promise<Attempt<T>> => {
      const snapshot = await decoder(bytes, gzipped, hash, hashVerified)
      return E.isRight(snapshot) ? { ok: true, snapshot: snapshot.right } : corrupt(snapshot.left)
    }
    /** Verifies bytes against the recorded sha256; false when none is recorded. */
    const checkPayload = (bytes: Buffer): boolean => {
      const expected = annotations[PayloadHashAnnotation]
      if (expected === undefined) return false
      if (hashBytes(bytes) !== expected) corrupt(`payload sha256 differs from annotation ${PayloadHashAnnotation}`)
      return true
    }
    switch (tier) {
      case 'plain': {
        const json = cm.data?.[PlainSnapshotKey] ?? corrupt(`tier plain without data key ${PlainSnapshotKey}`)
        return decode(json, false, checkPayload(Buffer.from(json, 'utf8')))
      }
      case 'gzip': {
        const b64 = cm.binaryData?.[GzipSnapshotKey] ?? corrupt(`tier gzip without binaryData key ${GzipSnapshotKey}`)
        const bytes = Buffer.from(b64, 'base64')
        return decode(bytes, true, checkPayload(bytes))
      }
      case 'sharded': {
        const json = cm.data?.[ShardIndexKey] ?? corrupt(`tier sharded without data key ${ShardIndexKey}`)
        const index = decodeShardIndex(json)
        if (E.isLeft(index)) return corrupt(index.left)
        if (hash !== undefined && index.right.snapshotHash !== hash) return corrupt('index snapshotHash differs from the annotation')
        const payload = await this.#assemble(namespace, index.right, signal)
        if (typeof payload === 'string') return { ok: false, problem: payload }
        return decode(payload, true, true)
      }
      default:
        return corrupt(`unknown storage tier annotation ${StorageTierAnnotation}=${String(tier)}`)
    }
  }

  /** Reads and verifies every shard of `index`; a string explains why the generation changed under the reader. */
  async #assemble(namespace: string, index: ShardIndex, signal: AbortSignal): Promise<Buffer | string> {
    const parts = await Promise.all(
      index.shards.map(async (ref): Promise<Buffer | string> => {
        const shard = await readOrUndefined(`${namespace}/${ref.name}`, signal, () =>
          this.#reads.get(namespace, ref.name, signal),
        )
        if (shard === undefined) return `shard ${ref.name} is gone`
        const b64 = shard.binaryData?.[ShardPartKey]
        if (b64 === undefined) return `shard ${ref.name} has no ${ShardPartKey}`
        const bytes = Buffer.from(b64, 'base64')
        if (bytes.length !== ref.bytes || hashBytes(bytes) !== ref.sha256) return `shard ${ref.name} belongs to another generation`
        return bytes
      }),
    )
    const problem = parts.find((p): p is string => typeof p === 'string')
    if (problem !== undefined) return problem
    const payload = Buffer.concat(parts as Buffer[])
    if (hashBytes(payload) !== index.payloadSha256) return 'assembled payload does not match the index'
    return payload
  }
}

