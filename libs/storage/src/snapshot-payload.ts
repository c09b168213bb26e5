// Serialization of a snapshot into stored bytes and back, and the pure decision of which tier stores it.
import { createHash, randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { createGunzip, gunzipSync, gzip, gzipSync } from 'node:zlib'
import * as E from 'fp-ts/lib/Either.js'
import { decodeParsedSnapshot, OfficialMetaKey, type OfficialMeta, type RegistrySnapshot } from '@thv/registry-model'
import type { PreviousVersions } from '@thv/converters'
import { StreamedSnapshotJson } from './snapshot-json.reader.js'
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

/** Top-level arrays of a snapshot written element by element by {@link snapshotJsonPieces}: the ones that grow with it. */
const StreamedArrays = ['servers', 'extraServers'] as const

/**
 * The stored JSON of `snapshot` in pieces: concatenated, exactly {@link serializeSnapshot}'s text, but its server
 * arrays come one element at a time, so a caller that consumes the pieces as they come never holds the whole text
 * (196 MB for 100,000 versions).
 */
export function* snapshotJsonPieces(snapshot: RegistrySnapshot): Generator<string> {
  const record = snapshot as unknown as Readonly<Record<string, unknown>>
  const streamed = StreamedArrays.filter((key) => Array.isArray(record[key]))
  // The skeleton is JSON.stringify's text with each streamed array replaced by a one-string placeholder array; a
  // random marker cannot occur in the data, and object spread keeps every key where it was.
  const marker = `thv-storage-${randomUUID()}`
  const skeleton = JSON.stringify({ ...snapshot, ...Object.fromEntries(streamed.map((key) => [key, [`${marker}-${key}`]])) })
  const holes = streamed
    .map((key) => ({ key, text: `["${marker}-${key}"]`, at: skeleton.indexOf(`["${marker}-${key}"]`) }))
    .sort((a, b) => a.at - b.at)
  let from = 0
  for (const hole of holes) {
    yield `${skeleton.slice(from, hole.at)}[`
    const items = record[hole.key] as readonly unknown[]
    for (let i = 0; i < items.length; i++) yield (i === 0 ? '' : ',') + (JSON.stringify(items[i]) ?? 'null')
    yield ']'
    from = hole.at + hole.text.length
  }
  yield skeleton.slice(from)
}

/**
 * `snapshot`'s stored JSON as a gzip payload, compressed synchronously piece by piece ({@link snapshotJsonPieces}) into
 * gzip members of about `pieceBytes` of input each, so the whole text never exists at once: what a worker thread that
 * builds a snapshot hands to a reader of stored payloads (`readStoredMapped`). Decompresses to exactly
 * {@link serializeSnapshot}'s text.
 */
export function gzipSnapshotSync(snapshot: RegistrySnapshot, level: number, pieceBytes = GzipPieceBytes): Buffer {
  const members: Buffer[] = []
  let input = Buffer.allocUnsafeSlow(pieceBytes)
  let filled = 0
  for (const piece of snapshotJsonPieces(snapshot)) {
    const bytes = Buffer.byteLength(piece, 'utf8')
    if (filled + bytes > input.length && filled > 0) {
      members.push(gzipSync(input.subarray(0, filled), { level }))
      filled = 0
    }
    if (bytes > input.length) input = Buffer.allocUnsafeSlow(bytes)
    filled += input.write(piece, filled, 'utf8')
  }
  if (filled > 0 || members.length === 0) members.push(gzipSync(input.subarray(0, filled), { level }))
  return Buffer.concat(members)
}

/**
 * Decides the tier for a serialized snapshot (see {@link StorageLimits}) and prepares its bytes. Compresses only
 * when the JSON is above `plainMaxBytes`. Left when the compressed size is above `maxStoredBytes`.
 */
export async function planStorage(json: string, limits: StorageLimits): Promise<E.Either<OverCeiling, StoragePlan>> {
  return planPieces([json], limits, GzipPieceBytes)
}

/**
 * {@link planStorage} of `snapshot`'s stored JSON, serialized piece by piece into the compressor
 * ({@link snapshotJsonPieces}): at most about two pieces of text are held at once besides the compressed output.
 * The gzip'd payload decompresses to exactly {@link serializeSnapshot}'s text.
 */
export async function planSnapshotStorage(
  snapshot: RegistrySnapshot,
  limits: StorageLimits,
  pieceBytes = GzipPieceBytes,
): Promise<E.Either<OverCeiling, StoragePlan>> {
  return planPieces(snapshotJsonPieces(snapshot), limits, pieceBytes)
}

async function planPieces(pieces: Iterable<string>, limits: StorageLimits, pieceBytes: number): Promise<E.Either<OverCeiling, StoragePlan>> {
  const members = new GzipMembers(limits.gzipLevel, pieceBytes)
  // Text is held until it is known not to fit the plain tier; after that, every piece is written as UTF-8 straight
  // into the input buffer of the next gzip member (one copy; no joined string).
  let plain: string[] | undefined = []
  let jsonBytes = 0
  let input = Buffer.allocUnsafeSlow(pieceBytes)
  let filled = 0
  const write = async (text: string, bytes: number): Promise<void> => {
    if (filled + bytes > input.length && filled > 0) {
      await members.add(input.subarray(0, filled))
      input = Buffer.allocUnsafeSlow(pieceBytes)
      filled = 0
    }
    // A piece larger than a member gets a buffer of its own; `add` cuts it into members.
    if (bytes > input.length) input = Buffer.allocUnsafeSlow(bytes)
    filled += input.write(text, filled, 'utf8')
  }
  for (const piece of pieces) {
    const bytes = Buffer.byteLength(piece, 'utf8')
    jsonBytes += bytes
    if (plain !== undefined) {
      plain.push(piece)
      if (jsonBytes <= limits.plainMaxBytes) continue
      const text = plain.join('')
      plain = undefined
      await write(text, jsonBytes)
    } else await write(piece, bytes)
  }
  if (plain !== undefined) return E.right({ tier: 'plain', json: plain.join(''), storedBytes: jsonBytes })
  if (filled > 0) await members.add(input.subarray(0, filled))
  const payload = await members.end()
  if (payload.length > limits.maxStoredBytes) return E.left({ storedBytes: payload.length })
  if (payload.length <= limits.singleMaxBytes) return E.right({ tier: 'gzip', payload, storedBytes: payload.length })
  return E.right({ tier: 'sharded', payload, shards: chunk(payload, limits.shardMaxBytes), storedBytes: payload.length })
}

/** Input bytes per gzip member when a payload is compressed in pieces. */
export const GzipPieceBytes = 4 * 1024 * 1024
/** Pieces compressed at once: libuv's thread pool has 4 threads by default; two stay free for DNS lookups and files. */
const GzipConcurrency = 2
const gzipAsync = promisify(gzip)
/**
 * zlib's output buffer per call on the thread pool. With the default 16 KiB, compressing a 4 MiB member returns to
 * the event loop for every 16 KiB of output and waits there while the loop is busy serialising the next piece; a
 * buffer larger than a member's output compresses each member in one go.
 */
const GzipOutputChunkBytes = 1024 * 1024

/**
 * A gzip built as consecutive members, each compressed off the event loop on libuv's thread pool, at most
 * {@link GzipConcurrency} at once (`add` waits for a free slot). Input is cut into members of at most `pieceBytes`.
 * Concatenated members are one valid gzip stream (RFC 1952 §2.2) that `gunzip`, zlib and Node's `gunzipSync` read
 * as the whole input. Deterministic: the same inputs, level and piece size give the same bytes.
 */
class GzipMembers {
  readonly #members: Buffer[] = []
  readonly #running = new Set<Promise<void>>()
  #failure: { readonly error: unknown } | undefined

  constructor(
    private readonly level: number,
    private readonly pieceBytes: number,
  ) {}

  async add(bytes: Buffer): Promise<void> {
    for (const piece of chunk(bytes, this.pieceBytes)) {
      while (this.#running.size >= GzipConcurrency) await Promise.race(this.#running)
      this.#throwIfFailed()
      const index = this.#members.push(Buffer.alloc(0)) - 1
      const running: Promise<void> = gzipAsync(piece, { level: this.level, chunkSize: GzipOutputChunkBytes }).then(
        (member) => {
          // A copy of its own size: the member is a view of zlib's 1 MiB output buffer, which it would keep alive.
          this.#members[index] = member.length < member.buffer.byteLength ? Buffer.from(member) : member
        },
        (error: unknown) => {
          this.#failure ??= { error }
        },
      ).finally(() => this.#running.delete(running))
      this.#running.add(running)
    }
  }

  async end(): Promise<Buffer> {
    await Promise.all(this.#running)
    this.#throwIfFailed()
    return this.#members.length === 0 ? gzipAsync(Buffer.alloc(0), { level: this.level }) : Buffer.concat(this.#members)
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure.error
  }
}

/**
 * gzip of `bytes` compressed off the event loop, on libuv's thread pool. Input above `pieceBytes` is cut into
 * pieces compressed side by side, each its own gzip member (see {@link GzipMembers}). A 200 MB snapshot then takes
 * about two thirds of the time on two cores, and the operator keeps answering probes and renewing its lease while
 * it is compressed.
 */
export async function gzipInPieces(bytes: Buffer, level: number, pieceBytes = GzipPieceBytes): Promise<Buffer> {
  const members = new GzipMembers(level, pieceBytes)
  await members.add(bytes)
  return members.end()
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
    return E.left(`gzip payload does not decompress: ${messageOf(e)}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return E.left(`snapshot is not JSON: ${messageOf(e)}`)
  }
  return checkParsedSnapshot(value, expectedHash, verification)
}

/** zlib's output per chunk when a stored snapshot is read as a stream. */
const GunzipChunkBytes = 1024 * 1024

/**
 * {@link decodeStoredSnapshot} for a gzip'd payload read as a stream: decompressed a chunk at a time and its server
 * arrays parsed element by element ({@link StreamedSnapshotJson}), so neither the decompressed bytes nor their text
 * are ever held whole (for 100,000 versions, 196 MB each, next to the parsed snapshot). Plain payloads are small and
 * go to {@link decodeStoredSnapshot}. Same results, same reasons.
 */
export async function readStoredSnapshot(
  bytes: Buffer | string,
  gzipped: boolean,
  expectedHash: string | undefined,
  verification: SnapshotVerification = 'codec',
): Promise<E.Either<string, RegistrySnapshot>> {
  return readStreamed(bytes, gzipped, expectedHash, verification, undefined)
}

/** Each stored version's name, version and official `_meta`: what a build reads of the previous snapshot. */
export type StoredPublishTimes = PreviousVersions & { readonly hash: string }

/**
 * Only the publish-time history of stored snapshot bytes ({@link StoredPublishTimes}): with `verification: 'hash'`
 * (the bytes matched their recorded sha256) each server is cut down to its name, version and official `_meta` as
 * soon as it is parsed, so reading the history of 100,000 versions never holds their decoded servers; otherwise the
 * snapshot is decoded through the codec first. Left when a server lacks those fields.
 */
export async function readStoredPublishTimes(
  bytes: Buffer | string,
  gzipped: boolean,
  expectedHash: string | undefined,
  verification: SnapshotVerification = 'codec',
): Promise<E.Either<string, StoredPublishTimes>> {
  try {
    const read = await readStreamed(bytes, gzipped, expectedHash, verification, verification === 'hash' ? publishTimesOfServer : undefined)
    return E.map(publishTimesOf)(read)
  } catch (e) {
    if (e instanceof PublishTimesError) return E.left(`snapshot does not decode: ${e.message}`)
    throw e
  }
}

class PublishTimesError extends Error {}

type PublishTime = PreviousVersions['servers'][number]

/** The name, version and official `_meta` of one stored `{server, _meta}`; throws a PublishTimesError when it has none. */
function publishTimesOfServer(value: unknown): PublishTime {
  const v = value as { server?: { name?: unknown; version?: unknown }; _meta?: Record<string, unknown> } | null
  const official = v?._meta?.[OfficialMetaKey] as OfficialMeta | undefined
  const name = v?.server?.name
  const version = v?.server?.version
  if (typeof name !== 'string' || typeof version !== 'string' || typeof official !== 'object' || official === null || typeof official.publishedAt !== 'string' || typeof official.status !== 'string') {
    throw new PublishTimesError('a server without a name, version and official publishedAt/status')
  }
  return { server: { name, version }, _meta: { [OfficialMetaKey]: official } }
}

/** The snapshot's history; its servers may already be cut down (while streaming), cutting again gives the same. */
function publishTimesOf(snapshot: RegistrySnapshot): StoredPublishTimes {
  return { hash: snapshot.hash, servers: (snapshot.servers as readonly unknown[]).map(publishTimesOfServer) }
}

/**
 * What a reader does with each server of a stored snapshot as soon as it is parsed (`array`: `servers` or
 * `extraServers`): returns what the read keeps in its place. It may throw to reject the snapshot; the read then
 * answers Left `snapshot does not decode: <message>`.
 */
export type StoredServerMapper = (value: unknown, array: string) => unknown

/**
 * Stored snapshot bytes read with `mapServer` applied to each server as it is parsed (gzip'd payloads as a stream,
 * see {@link readStoredSnapshot}): the snapshot's JSON value with every server replaced by what `mapServer` returned.
 * Only `schemaVersion`, `hash` (against `expectedHash`) and that `servers` is an array are checked: the caller checks
 * the rest (with @thv/registry-model's `decodeParsedServerResponse` per server and `decodeParsedSnapshotOutline`).
 * A reader that turns each server into its own representation never holds the decoded servers this way.
 */
export async function readStoredMapped(
  bytes: Buffer | string,
  gzipped: boolean,
  expectedHash: string | undefined,
  mapServer: StoredServerMapper,
): Promise<E.Either<string, unknown>> {
  try {
    return await readStreamed(bytes, gzipped, expectedHash, 'hash', mapServer)
  } catch (e) {
    // A plain payload is mapped after its parse, where the mapper's errors are not caught on the way.
    return E.left(`snapshot does not decode: ${messageOf(e)}`)
  }
}

async function readStreamed(
  bytes: Buffer | string,
  gzipped: boolean,
  expectedHash: string | undefined,
  verification: SnapshotVerification,
  mapServer: StoredServerMapper | undefined,
): Promise<E.Either<string, RegistrySnapshot>> {
  if (!gzipped) return E.map(mapServers(mapServer))(decodeStoredSnapshot(bytes, gzipped, expectedHash, verification))
  const json = new StreamedSnapshotJson(mapServer)
  const gunzip = createGunzip({ chunkSize: GunzipChunkBytes })
  gunzip.end(bytes)
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      try {
        json.write(chunk)
      } catch (e) {
        // Leaving the loop destroys the stream. JSON.parse throws SyntaxErrors; anything else is the element mapper's.
        return E.left(e instanceof SyntaxError ? `snapshot is not JSON: ${messageOf(e)}` : `snapshot does not decode: ${messageOf(e)}`)
      }
    }
  } catch (e) {
    return E.left(`gzip payload does not decompress: ${messageOf(e)}`)
  }
  let value: unknown
  try {
    value = json.end()
  } catch (e) {
    return E.left(`snapshot is not JSON: ${messageOf(e)}`)
  }
  return checkParsedSnapshot(value, expectedHash, verification)
}

/** Applies `mapServer` to each server of a decoded (small, plain-tier) snapshot, as a streamed read would. */
function mapServers(mapServer: StoredServerMapper | undefined): (snapshot: RegistrySnapshot) => RegistrySnapshot {
  return (snapshot) => {
    if (mapServer === undefined) return snapshot
    const record = snapshot as unknown as Record<string, unknown>
    for (const key of StreamedArrays) {
      const items = record[key]
      if (Array.isArray(items)) record[key] = items.map((item: unknown) => mapServer(item, key))
    }
    return snapshot
  }
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))

function checkParsedSnapshot(value: unknown, expectedHash: string | undefined, verification: SnapshotVerification): E.Either<string, RegistrySnapshot> {
  const decoded: E.Either<{ message: string }, RegistrySnapshot> = verification === 'codec' ? decodeParsedSnapshot(value) : shallowCheck(value)
  if (E.isLeft(decoded)) return E.left(`snapshot does not decode: ${decoded.left.message}`)
  if (expectedHash !== undefined && decoded.right.hash !== expectedHash) {
    return E.left(`snapshot hash ${decoded.right.hash} differs from the recorded ${expectedHash}`)
  }
  return decoded
}


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
