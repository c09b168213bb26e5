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

/** The strong ETag (quoted) of an identity body from the SHA-256 of its bytes, as every body of the API gets it. */
export function strongEtag(sha256: Hash): string {
  return `"${sha256.digest('base64url').slice(0, 32)}"`
}

/** One encoded variant of a body. */
export interface BodyVariant {
  readonly bytes: Buffer
  /** Strong ETag (quoted); differs per coding as RFC 9110 §8.8.3 requires for different representations. */
  readonly etag: string
}

/**
 * Immutable response bytes plus their metadata. Compressed variants are created on first use (synchronously,
 * for small bodies) or ahead of time with `precompress()` (asynchronously, on the zlib thread pool, for the big
 * per-snapshot documents); until a precompressed variant is ready the identity body is served.
 */
export class CachedBody {
  readonly identity: BodyVariant
  readonly #variants = new Map<ContentCoding, BodyVariant>()
  #precompressing: Promise<void> | undefined

  constructor(readonly bytes: Buffer, readonly contentType: string, readonly compressible: boolean = true) {
    this.identity = { bytes, etag: strongEtag(createHash('sha256').update(bytes)) }
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
    const ready = this.#variants.get(coding)
    if (ready !== undefined) return { coding, variant: ready }
    if (!lazy || this.#precompressing !== undefined) return { coding: 'identity', variant: this.identity }
    const bytes = coding === 'br' ? zlib.brotliCompressSync(this.bytes, BROTLI_OPTIONS) : zlib.gzipSync(this.bytes, GZIP_OPTIONS)
    return { coding, variant: this.#store(coding, bytes) }
  }

  /** Computes the gzip and br variants off the main thread; resolves when both are ready. Idempotent. */
  precompress(): Promise<void> {
    if (!this.shouldCompress) return Promise.resolve()
    this.#precompressing ??= Promise.all([
      gzipAsync(this.bytes, GZIP_OPTIONS).then((b) => this.#store('gzip', b)),
      brotliAsync(this.bytes, BROTLI_OPTIONS).then((b) => this.#store('br', b)),
    ]).then(() => undefined)
    return this.#precompressing
  }

  #store(coding: ContentCoding, bytes: Buffer): BodyVariant {
    const variant = { bytes, etag: `${this.identity.etag.slice(0, -1)}-${coding}"` }
    this.#variants.set(coding, variant)
    return variant
  }
}
