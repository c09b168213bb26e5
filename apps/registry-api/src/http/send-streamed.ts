/** Sends a body too large to keep in memory, streamed from its source with a precomputed ETag and length. */
import { Readable } from 'node:stream'
import type { ParameterizedContext } from 'koa'
import { MinCompressBytes } from './cached-body.js'
import { ifNoneMatchHits } from './send-cached.js'

/** A body produced piece by piece on each request; its ETag and length are known without producing it. */
export interface StreamedBody {
  readonly contentType: string
  /** Strong ETag (quoted), as a CachedBody of the same bytes would have. */
  readonly etag: string
  readonly length: number
  pieces(): Iterable<Buffer>
}

/**
 * Answers with `body` uncompressed: 304 when `If-None-Match` matches, else 200 streaming its pieces. The headers
 * are those `sendCached` sends for the identity coding of the same bytes (`Vary` included: the body could be
 * compressed, it is not), so a client cannot tell the two apart. Not remembered by the response memo.
 */
export function sendStreamed(ctx: ParameterizedContext, body: StreamedBody): void {
  const validators: Record<string, string> = {
    ...(body.length >= MinCompressBytes ? { Vary: 'Accept-Encoding' } : {}), 'Cache-Control': 'no-cache', ETag: body.etag,
  }
  if (ifNoneMatchHits(ctx.get('if-none-match') || undefined, body.etag)) {
    ctx.status = 304
    ctx.set(validators)
    return
  }
  ctx.body = Readable.from(body.pieces(), { objectMode: false })
  ctx.status = 200
  ctx.set({ ...validators, 'Content-Type': body.contentType })
  ctx.length = body.length
}
