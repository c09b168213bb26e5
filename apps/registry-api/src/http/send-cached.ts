/** Sends a CachedBody: content negotiation, conditional GET (304) and headers, with no serialization. */
import type { ParameterizedContext } from 'koa'
import type { CachedBody, ContentCoding } from './cached-body.js'

/**
 * Picks the coding the client prefers among those we offer: `br` over `gzip`, each only when its q-value is
 * above zero (explicitly or through `*`). Malformed parts are ignored. Returns `identity` otherwise.
 */
export function negotiateCoding(acceptEncoding: string | undefined): ContentCoding {
  if (acceptEncoding === undefined || acceptEncoding === '') return 'identity'
  const q = new Map<string, number>()
  for (const part of acceptEncoding.split(',')) {
    const [rawName, ...params] = part.split(';')
    const name = (rawName ?? '').trim().toLowerCase()
    if (name === '') continue
    let weight = 1
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p)
      if (m?.[1] !== undefined) weight = Number(m[1])
    }
    if (!Number.isNaN(weight)) q.set(name, weight)
  }
  const weightOf = (name: string): number => q.get(name) ?? q.get('*') ?? 0
  const br = weightOf('br')
  const gzip = weightOf('gzip')
  if (br > 0 && br >= gzip) return 'br'
  if (gzip > 0) return 'gzip'
  return 'identity'
}

/** True when an `If-None-Match` header value matches `etag` (weak comparison, RFC 9110 §13.1.2). */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  const trimmed = header.trim()
  if (trimmed === '*') return true
  for (const candidate of trimmed.split(',')) {
    const tag = candidate.trim()
    if (tag === etag || tag === `W/${etag}`) return true
  }
  return false
}

/**
 * Answers the request with `body`: 304 when `If-None-Match` matches, else 200 (or `status`) with the best
 * encoding the client accepts. `lazyCompress` allows computing a missing compressed variant right now.
 */
export function sendCached(ctx: ParameterizedContext, body: CachedBody, lazyCompress = true, status = 200): void {
  const headers = ctx.request.headers
  const wanted = body.shouldCompress ? negotiateCoding(headers['accept-encoding']) : 'identity'
  const { coding, variant } = body.variant(wanted, lazyCompress)
  const res = ctx.response
  if (body.shouldCompress) res.set('Vary', 'Accept-Encoding')
  // Caches may keep the body but must revalidate: a new snapshot can arrive at any time, and a 304 is cheap.
  res.set('Cache-Control', 'no-cache')
  res.set('ETag', variant.etag)
  if (ifNoneMatchHits(headers['if-none-match'], variant.etag)) {
    ctx.status = 304
    return
  }
  res.set('Content-Type', body.contentType)
  if (coding !== 'identity') res.set('Content-Encoding', coding)
  ctx.status = status
  ctx.body = variant.bytes
}
