/** Sends a CachedBody: content negotiation, conditional GET (304) and headers, with no serialization. */
import type { IncomingHttpHeaders } from 'node:http'
import type { ParameterizedContext } from 'koa'
import type { BodyVariant, CachedBody, ContentCoding } from './cached-body.js'

// Clients send the same few Accept-Encoding values over and over: remember the answer for a bounded number.
const MAX_REMEMBERED_ACCEPT_ENCODINGS = 64
const codingByAcceptEncoding = new Map<string, ContentCoding>()

/**
 * Picks the coding the client prefers among those we offer: `br` over `gzip`, each only when its q-value is
 * above zero (explicitly or through `*`). Malformed parts are ignored. Returns `identity` otherwise.
 */
export function negotiateCoding(acceptEncoding: string | undefined): ContentCoding {
  if (acceptEncoding === undefined || acceptEncoding === '') return 'identity'
  let coding = codingByAcceptEncoding.get(acceptEncoding)
  if (coding === undefined) {
    coding = pickCoding(acceptEncoding)
    if (codingByAcceptEncoding.size >= MAX_REMEMBERED_ACCEPT_ENCODINGS) codingByAcceptEncoding.clear()
    codingByAcceptEncoding.set(acceptEncoding, coding)
  }
  return coding
}

function pickCoding(acceptEncoding: string): ContentCoding {
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

/** A complete answer with a cached body: status, every header (`Content-Length` included) and the bytes. */
export interface CachedAnswer {
  readonly status: 200 | 304
  readonly headers: Readonly<Record<string, string | number>>
  /** Absent for 304. */
  readonly bytes?: Buffer
}

// Both answers of a variant, built on first use: a request only picks one, with no header work of its own.
const answersOf = new WeakMap<BodyVariant, { readonly ok: CachedAnswer; readonly notModified: CachedAnswer }>()

/** `vary`: whether the body has compressed variants (it is large enough), so its answers depend on Accept-Encoding. */
function answersFor(contentType: string, vary: boolean, coding: ContentCoding, variant: BodyVariant): { readonly ok: CachedAnswer; readonly notModified: CachedAnswer } {
  let found = answersOf.get(variant)
  if (found === undefined) {
    // Caches may keep the body but must revalidate: a new snapshot can arrive at any time, and a 304 is cheap.
    const validators = { ...(vary ? { Vary: 'Accept-Encoding' } : {}), 'Cache-Control': 'no-cache', ETag: variant.etag }
    const representation = {
      ...validators,
      'Content-Type': contentType,
      ...(coding === 'identity' ? {} : { 'Content-Encoding': coding }),
      'Content-Length': variant.bytes.length,
    }
    found = {
      ok: { status: 200, headers: Object.freeze(representation), bytes: variant.bytes },
      notModified: { status: 304, headers: Object.freeze(validators) },
    }
    answersOf.set(variant, found)
  }
  return found
}

/**
 * The answer with `body` to a request with `requestHeaders`: 304 (no bytes) when `If-None-Match` matches,
 * else 200 with the best encoding the client accepts. `lazyCompress` allows computing a missing compressed
 * variant right now. `sendCached` (koa) and the memo replay (plain node) both send this, so they answer alike.
 */
export function cachedAnswer(requestHeaders: IncomingHttpHeaders, body: CachedBody, lazyCompress: boolean): CachedAnswer {
  const wanted = body.shouldCompress ? negotiateCoding(requestHeaders['accept-encoding']) : 'identity'
  const { coding, variant } = body.variant(wanted, lazyCompress)
  return variantAnswer(requestHeaders, body.contentType, body.shouldCompress, coding, variant)
}

function variantAnswer(requestHeaders: IncomingHttpHeaders, contentType: string, vary: boolean, coding: ContentCoding, variant: BodyVariant): CachedAnswer {
  const answers = answersFor(contentType, vary, coding, variant)
  return ifNoneMatchHits(requestHeaders['if-none-match'], variant.etag) ? answers.notModified : answers.ok
}

/** What `sendCached` answered a request with, as `sentBody` reports it. */
export interface SentBody {
  readonly body: CachedBody
  readonly lazyCompress: boolean
}

const SENT = Symbol('sentBody')

/**
 * Answers the request with `body` (see `cachedAnswer`) and records it for `sentBody`. `lazyCompress`
 * allows computing a missing compressed variant right now.
 */
export function sendCached(ctx: ParameterizedContext, body: CachedBody, lazyCompress = true): void {
  const answer = cachedAnswer(ctx.req.headers, body, lazyCompress)
  const state = ctx.state as Record<symbol, SentBody>
  state[SENT] = { body, lazyCompress }
  send(ctx, answer)
}

/**
 * Answers the request with one compressed `variant` of a body kept elsewhere (a streamed document's), exactly as
 * `sendCached` answers with the same variant of a CachedBody; not recorded for `sentBody` (the response memo).
 */
export function sendVariant(ctx: ParameterizedContext, contentType: string, coding: Exclude<ContentCoding, 'identity'>, variant: BodyVariant): void {
  send(ctx, variantAnswer(ctx.req.headers, contentType, true, coding, variant))
}

function send(ctx: ParameterizedContext, answer: CachedAnswer): void {
  for (const [name, value] of Object.entries(answer.headers)) ctx.set(name, String(value))
  ctx.status = answer.status
  if (answer.bytes !== undefined) ctx.body = answer.bytes
}

/** The body `sendCached` answered this request with (200 or its 304), if it did. */
export function sentBody(ctx: ParameterizedContext): SentBody | undefined {
  return (ctx.state as Record<symbol, SentBody | undefined>)[SENT]
}
