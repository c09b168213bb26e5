// Serialization of a snapshot into stored bytes and back, and the pure decision of which tier stores it.
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { gunzipSync, gzip } from 'node:zlib'
import * as E from 'fp-ts/lib/Either.js'
import { decodeOwnedWith, RegistrySnapshotCodec, type RegistrySnapshot } from '@thv/registry-model'
import type { StorageLimits } from './storage-limits.js'

/** How one snapshot will be written: the outcome of {@link planStorage}. */
export type StoragePlan =
  | { readonly tier: 'plain'; readonly json: string; readonly storedBytes: number }
  | { readonly tier: 'gzip'; readonly payload: Buffer; readonly storedBytes: number }
  | {
      readonly tier: 'sharded'
      readonly payload: Buffer
      /** Consecutive slices of `payload`, each at most `shardMaxBytes`. */
      readonly shards: ReadonlyArray<Buffer>
      readonly storedBytes: number
    }

/** The snapshot is above the ceiling: how many compressed bytes it needed. */
export interface OverCeiling {
  readonly storedBytes: number
}

/** Serializes a snapshot to its stored JSON text. */
export function serializeSnapshot(snapshot: RegistrySnapshot): string {
  return JSON.stringify(snapshot)
}

/**
 * Decides the tier for a serialized snapshot (see {@link StorageLimits}) and prepares its bytes. Compresses only
 * when the JSON is above `plainMaxBytes`. Left when the compressed size is above `maxStoredBytes`.
 */
export async function planStorage(json: string, limits: StorageLimits): Promise<E.Either<OverCeiling, StoragePlan>> {
  const jsonBytes = Buffer.byteLength(json, 'utf8')
  if (jsonBytes <= limits.plainMaxBytes) return E.right({ tier: 'plain', json, storedBytes: jsonBytes })
  const payload = await gzipInPieces(Buffer.from(json, 'utf8'), limits.gzipLevel)
  if (payload.length > limits.maxStoredBytes) return E.left({ storedBytes: payload.length })
  if (payload.length <= limits.singleMaxBytes) return E.right({ tier: 'gzip', payload, storedBytes: payload.length })
  return E.right({ tier: 'sharded', payload, shards: chunk(payload, limits.shardMaxBytes), storedBytes: payload.length })
}

/** Input bytes per gzip member when {@link gzipInPieces} cuts a payload. */
export const GzipPieceBytes = 4 * 1024 * 1024
/** Pieces compressed at once: libuv's thread pool has 4 threads by default; two stay free for DNS lookups and files. */
const GzipConcurrency = 2
const gzipAsync = promisify(gzip)

/**
 * gzip of `bytes` compressed off the event loop, on libuv's thread pool. Input above `pieceBytes` is cut into
 * pieces compressed side by side, each its own gzip member; the members are concatenated, which is a valid gzip
 * stream (RFC 1952 §2.2) that `gunzip`, zlib and Node's `gunzipSync` read as the whole input. A 200 MB snapshot
 * then takes about half the time on two cores, and the operator keeps answering probes and renewing its lease
 * while it is compressed. Deterministic: the same bytes and level give the same output.
 */
export async function gzipInPieces(bytes: Buffer, level: number, pieceBytes = GzipPieceBytes): Promise<Buffer> {
  if (bytes.length <= pieceBytes) return gzipAsync(bytes, { level })
  const pieces = chunk(bytes, pieceBytes)
  const members: Buffer[] = new Array<Buffer>(pieces.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < pieces.length) {
      const i = next++
      members[i] = await gzipAsync(pieces[i] as Buffer, { level })
    }
  }
  await Promise.all(Array.from({ length: Math.min(GzipConcurrency, pieces.length) }, worker))
  return Buffer.concat(members)
}

/** Cuts `bytes` into consecutive slices of at most `size` bytes (views, no copies). */
export function chunk(bytes: Buffer, size: number): Buffer[] {
  if (!Number.isInteger(size) || size <= 0) throw new RangeError(`chunk size must be a positive integer, got ${size}`)
  const parts: Buffer[] = []
  for (let offset = 0; offset < bytes.length; offset += size) parts.push(bytes.subarray(offset, offset + size))
  return parts
}

/**
 * How much a reader checks after the stored bytes matched their recorded sha256:
 * - `codec` (default): decode through the snapshot codec (`decodeSnapshot`), every path checked;
 * - `hash`: trust bytes whose sha256 matches what the writer recorded (the operator writes only snapshots that
 *   passed the codec) and check only `schemaVersion` and `hash`; several times faster for large snapshots.
 */
export type SnapshotVerification = 'codec' | 'hash'

/**
 * Decodes stored snapshot bytes (`gzipped`: the tier was `gzip` or `sharded`) into a snapshot and checks that its
 * `hash` is `expectedHash`. Left carries a one-line reason; never throws on bad data. With `verification: 'hash'`
 * the caller must already have verified the bytes against their recorded sha256.
 */
export function decodeStoredSnapshot(
  bytes: Buffer | string,
  gzipped: boolean,
  expectedHash: string | undefined,
  verification: SnapshotVerification = 'codec',
): E.Either<string, RegistrySnapshot> {
  let text: string
  try {
    text = gzipped ? gunzipSync(bytes).toString('utf8') : bytes.toString()
  } catch (e) {
    return E.left(`gzip payload does not decompress: ${e instanceof Error ? e.message : String(e)}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return E.left(`snapshot is not JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
  const decoded: E.Either<{ message: string }, RegistrySnapshot> = verification === 'codec' ? decodeParsedSnapshot(value) : shallowCheck(value)
  if (E.isLeft(decoded)) return E.left(`snapshot does not decode: ${decoded.left.message}`)
  if (expectedHash !== undefined && decoded.right.hash !== expectedHash) {
    return E.left(`snapshot hash ${decoded.right.hash} differs from the recorded ${expectedHash}`)
  }
  return decoded
}

/** `decodeSnapshot` for a value just parsed here: checks every path, but keeps the parsed objects rather than copying them. */
const decodeParsedSnapshot = decodeOwnedWith(RegistrySnapshotCodec)

/** sha256 (lower-case hex) of stored bytes; writer and reader hash through this one function. */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

function shallowCheck(value: unknown): E.Either<{ message: string }, RegistrySnapshot> {
  const v = value as { schemaVersion?: unknown; hash?: unknown; servers?: unknown } | null
  if (typeof v !== 'object' || v === null || v.schemaVersion !== 1 || typeof v.hash !== 'string' || !Array.isArray(v.servers)) {
    return E.left({ message: 'not a schemaVersion 1 snapshot with a hash and servers' })
  }
  return E.right(value as RegistrySnapshot)
}
