/** CachedBody: response bytes computed once, with a strong ETag and memoized gzip/br variants. */
import { createHash, type Hash } from 'node:crypto'
import { promisify } from 'node:util'
import * as zlib from 'node:zlib'

/** Content codings we can serve; `identity` is the uncompressed body. */
export type ContentCoding = 'identity' | 'gzip' | 'br'

/** Bodies smaller than this are never compressed: the headers would cost more than the saving. */
export const MinCompressBytes = 1024

const gzipAsync = promisify(zlib.gzip)
const brotliAsync = promisify(zlib.brotliCompress)

// Quality 5 compresses a 10,000-server ToolHive document to within a few percent of quality 11 in a fraction
// of the time, which keeps snapshot swaps fast; gzip level 6 is zlib's default trade-off.
const BROTLI_OPTIONS: zlib.BrotliOptions = {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT },
}
const GZIP_OPTIONS: zlib.ZlibOptions = { level: 6 }

/**
 * A compressing stream for `coding` that, fed a body of `length` bytes in pieces of any size, writes the very bytes
 * `precompress()` makes of it in one buffer: gzip's output does not depend on how its input is cut; brotli's does
 * unless it is told the size up front (the one-shot call gives it all the input at once).
 */
export function createCompressor(coding: 'gzip' | 'br', length: number): zlib.Gzip | zlib.BrotliCompress {
  if (coding === 'gzip') return zlib.createGzip(GZIP_OPTIONS)
  return zlib.createBrotliCompress({ params: { ...BROTLI_OPTIONS.params, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: length } })
}

/** The strong ETag (quoted) of an identity body from the SHA-256 of its bytes, as every body of the API gets it. */
export function strongEtag(sha256: Hash): string {
  return `"${sha256.digest('base64url').slice(0, 32)}"`
}

/** The strong ETag (quoted) of the `coding` variant of a body whose identity ETag is `identityEtag`. */
export function variantEtag(identityEtag: string, coding: ContentCoding): string {
  return `${identityEtag.slice(0, -1)}-${coding}"`
}

/** One encoded variant of a body. */
export interface BodyVariant {
  readonly bytes: Buffer
  /** Strong ETag (quoted); differs per coding as RFC 9110 §8.8.3 requires for different representations. */
  readonly etag: string
}

/**
 * What the owner of a body's bytes already computed: the identity ETag, and compressed variants it fills in
 * itself (a DocumentBody's, precompressed from its segments). A CachedBody given these serves each variant once it
 * is there and never compresses on its own.
 */
export interface PrecomputedVariants {
  readonly etag: string
  readonly variants: ReadonlyMap<ContentCoding, BodyVariant>
}

/**
 * Immutable response bytes plus their metadata. Compressed variants are created on first use (synchronously,
 * for small bodies) or ahead of time with `precompress()` (asynchronously, on the zlib thread pool, for the big
 * per-snapshot documents), or by the owner of the bytes (`precomputed`); until a precompressed variant is ready
 * the identity body is served.
 */
export class CachedBody {
  readonly identity: BodyVariant
  readonly #variants = new Map<ContentCoding, BodyVariant>()
  /** The owner's variants (`precomputed`): this body then computes none. */
  readonly #owned: ReadonlyMap<ContentCoding, BodyVariant> | undefined
  #precompressing: Promise<void> | undefined

  constructor(readonly bytes: Buffer, readonly contentType: string, readonly compressible: boolean = true, precomputed?: PrecomputedVariants) {
    this.identity = { bytes, etag: precomputed?.etag ?? strongEtag(createHash('sha256').update(bytes)) }
    this.#owned = precomputed?.variants
  }

  /** Builds a JSON body from a string that is already serialized. */
  static json(text: string): CachedBody {
    return new CachedBody(Buffer.from(text, 'utf8'), 'application/json; charset=utf-8')
  }

  /** True when this body is worth compressing. */
  get shouldCompress(): boolean {
    return this.compressible && this.bytes.length >= MinCompressBytes
  }

  /**
   * The variant for `coding`; `lazy` decides whether a missing compressed variant may be computed now
   * (synchronously). Returns the identity variant when the coding is not available.
   */
  variant(coding: ContentCoding, lazy: boolean): { coding: ContentCoding; variant: BodyVariant } {
    if (coding === 'identity' || !this.shouldCompress) return { coding: 'identity', variant: this.identity }
    const ready = (this.#owned ?? this.#variants).get(coding)
    if (ready !== undefined) return { coding, variant: ready }
    if (!lazy || this.#precompressing !== undefined || this.#owned !== undefined) return { coding: 'identity', variant: this.identity }
    const bytes = coding === 'br' ? zlib.brotliCompressSync(this.bytes, BROTLI_OPTIONS) : zlib.gzipSync(this.bytes, GZIP_OPTIONS)
    return { coding, variant: this.#store(coding, bytes) }
  }

  /**
   * Computes the gzip and br variants off the main thread; resolves when both are ready. Idempotent. A body with
   * `precomputed` variants resolves at once: their owner computes them.
   */
  precompress(): Promise<void> {
    if (!this.shouldCompress || this.#owned !== undefined) return Promise.resolve()
    this.#precompressing ??= Promise.all([
      gzipAsync(this.bytes, GZIP_OPTIONS).then((b) => this.#store('gzip', b)),
      brotliAsync(this.bytes, BROTLI_OPTIONS).then((b) => this.#store('br', b)),
    ]).then(() => undefined)
    return this.#precompressing
  }

  #store(coding: ContentCoding, bytes: Buffer): BodyVariant {
    const variant = { bytes, etag: variantEtag(this.identity.etag, coding) }
    this.#variants.set(coding, variant)
    return variant
  }
}
