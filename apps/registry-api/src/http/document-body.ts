/**
 * DocumentBody: a large response body kept deflated in segments (the ToolHive document), answered exactly as a
 * CachedBody of the same bytes is: same ETags, Vary, Content-Length, 304s and gzip/br variants. The gzip and br
 * variants are precomputed from the segments, one inflated segment at a time through zlib streams (on the thread
 * pool), so the uncompressed document never exists whole for them. The identity body is either inflated once into
 * a CachedBody kept by the owner (`keep`: the view's LRU of rendered bodies) or, for a document too large to keep,
 * streamed from the segments on each request.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ParameterizedContext } from 'koa'
import { CachedBody, createCompressor, MinCompressBytes, variantEtag, type BodyVariant, type ContentCoding } from './cached-body.js'
import { negotiateCoding, sendCached, sendVariant } from './send-cached.js'
import { sendStreamed, type StreamedBody } from './send-streamed.js'

/** The bytes of a DocumentBody: a byte string kept deflated in segments (what SegmentedBytes offers). */
export interface DocumentBytes {
  readonly length: number
  /** All the bytes, inflated into one new buffer. */
  all(): Buffer
  /** Bytes `start`..`end` as consecutive pieces, each inflated when it is reached. */
  pieces(start: number, end: number): Iterable<Buffer>
}

/** Returns the identity body kept for a document, or keeps and returns the one `build` makes. */
export type KeepBody = (build: () => CachedBody) => CachedBody

type Compressed = Exclude<ContentCoding, 'identity'>

export class DocumentBody {
  /** The precompressed variants, shared with every CachedBody `kept()` builds (they serve them once here). */
  readonly #variants = new Map<ContentCoding, BodyVariant>()
  #precompressing: Promise<void> | undefined

  /**
   * `etag`: the strong ETag of `bytes` (`strongEtag` of their SHA-256, computed as they were written). `keep`: where
   * the inflated identity body is kept; undefined streams it on every request.
   */
  constructor(readonly bytes: DocumentBytes, readonly etag: string, readonly contentType: string, private readonly keep: KeepBody | undefined) {}

  /** Uncompressed size in bytes. */
  get length(): number {
    return this.bytes.length
  }

  /** Whether the document has compressed variants, as for a CachedBody of the same size. */
  get shouldCompress(): boolean {
    return this.bytes.length >= MinCompressBytes
  }

  /**
   * The identity body in memory when the document is kept (inflated again only after `keep` dropped it), serving the
   * precompressed variants once they are ready; undefined when the document is streamed.
   */
  kept(): CachedBody | undefined {
    return this.keep?.(() => new CachedBody(this.bytes.all(), this.contentType, true, { etag: this.etag, variants: this.#variants }))
  }

  /** The identity body streamed from the segments, one inflated segment at a time. */
  streamed(): StreamedBody {
    const bytes = this.bytes
    return { contentType: this.contentType, etag: this.etag, length: bytes.length, pieces: () => bytes.pieces(0, bytes.length) }
  }

  /** The `coding` variant, once `precompress()` has made it. */
  variant(coding: Compressed): BodyVariant | undefined {
    return this.#variants.get(coding)
  }

  /**
   * Computes the gzip and br variants (the bytes CachedBody's `precompress()` makes of the same document) from the
   * segments, feeding each zlib stream one inflated segment at a time; resolves when both are ready. Idempotent.
   */
  precompress(): Promise<void> {
    if (!this.shouldCompress) return Promise.resolve()
    this.#precompressing ??= Promise.all((['gzip', 'br'] as const).map(async (coding) => {
      const chunks: Buffer[] = []
      await pipeline(
        Readable.from(this.bytes.pieces(0, this.length), { objectMode: false }),
        createCompressor(coding, this.length),
        async (compressed: AsyncIterable<Buffer>) => {
          for await (const chunk of compressed) chunks.push(chunk)
        },
      )
      this.#variants.set(coding, { bytes: Buffer.concat(chunks), etag: variantEtag(this.etag, coding) })
    })).then(() => undefined)
    return this.#precompressing
  }
}

/**
 * Answers the request with `doc` as `sendCached` answers with a CachedBody of the same bytes (without computing a
 * missing variant): from the kept identity body when there is one (which the response memo then remembers, as any
 * CachedBody), else with the precompressed variant the client prefers when it is ready, else streamed.
 */
export function sendDocument(ctx: ParameterizedContext, doc: DocumentBody): void {
  const kept = doc.kept()
  if (kept !== undefined) {
    sendCached(ctx, kept, false)
    return
  }
  const coding = doc.shouldCompress ? negotiateCoding(ctx.req.headers['accept-encoding']) : 'identity'
  const variant = coding === 'identity' ? undefined : doc.variant(coding)
  if (coding === 'identity' || variant === undefined) sendStreamed(ctx, doc.streamed())
  else sendVariant(ctx, doc.contentType, coding, variant)
}
