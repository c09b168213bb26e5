/** The shard index: the document in the storage ConfigMap naming one sharded snapshot generation. */
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const Sha256HexCodec = t.refinement(t.string, (s) => /^[0-9a-f]{64}$/.test(s), 'Sha256Hex')
const ByteCountCodec = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 0, 'ByteCount')

/** One shard of a generation: its ConfigMap name, the sha256 (hex) and length of its bytes. */
export const ShardRefCodec = t.type({ name: t.string, sha256: Sha256HexCodec, bytes: ByteCountCodec }, 'ShardRef')
/** One shard of a generation. */
export type ShardRef = t.TypeOf<typeof ShardRefCodec>

/**
 * The shard index (`data["index.json"]` of the storage ConfigMap, tier `sharded`). The payload is the gzip of the
 * snapshot JSON, cut into `shards` in order; `payloadSha256` covers the whole payload and `snapshotHash` is the
 * snapshot's own `hash`, so a reader can prove it assembled exactly the generation this index names.
 */
export const ShardIndexCodec = t.type(
  {
    schemaVersion: t.literal(1),
    snapshotHash: t.string,
    bank: t.keyof({ a: null, b: null }),
    payloadSha256: Sha256HexCodec,
    payloadBytes: ByteCountCodec,
    shards: t.array(ShardRefCodec),
  },
  'ShardIndex',
)
/** The shard index document. */
export type ShardIndex = t.TypeOf<typeof ShardIndexCodec>

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Parses and decodes a shard index from its JSON text. Left carries a one-line reason listing each bad path.
 */
export function decodeShardIndex(json: string): E.Either<string, ShardIndex> {
  return pipe(
    E.tryCatch(
      () => JSON.parse(json) as unknown,
      (e) => `index is not JSON: ${e instanceof Error ? e.message : String(e)}`,
    ),
    E.chain((u) =>
      pipe(
        ShardIndexCodec.decode(u),
        E.mapLeft((errors) => `index does not decode: ${errors.map(pathOf).join('; ')}`),
      ),
    ),
    E.chain((index) =>
      index.shards.reduce((sum, s) => sum + s.bytes, 0) === index.payloadBytes
        ? E.right(index)
        : E.left('index shard sizes do not add up to payloadBytes'),
    ),
  )
}

/** Serializes a shard index (stable key order, as written by {@link ShardIndexCodec}'s fields). */
export function encodeShardIndex(index: ShardIndex): string {
  return JSON.stringify(ShardIndexCodec.encode(index))
}

function pathOf(error: t.ValidationError): string {
  const path = error.context
    .map((c) => c.key)
    .filter((k) => k !== '')
    .join('/')
  return `${path === '' ? '(root)' : path}: expected ${error.context[error.context.length - 1]?.type.name ?? 'value'}`
}
