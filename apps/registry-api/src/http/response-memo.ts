/**
 * ResponseMemo: GET request targets that a route already answered from a CachedBody, answered again before
 * koa sees them: no context, middleware chain, routing, query parsing or lookups.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Middleware } from 'koa'
import { ByteLru, type ByteLruOptions } from './byte-lru.js'
import type { CachedBody } from './cached-body.js'
import type { RequestObserver } from './request-observer.js'
import { cachedAnswer, sentBody, type CachedAnswer } from './send-cached.js'

/** How a request target was answered the first time. */
export interface MemoizedResponse {
  /** The route template that answered (the `route` label of the request metrics). */
  readonly route: string
  readonly body: CachedBody
  /** As passed to `sendCached` the first time. */
  readonly lazyCompress: boolean
}

/** The default bounds: 10,000 targets, 64 MiB of target strings plus the bodies they keep alive. */
export const DefaultResponseMemo: ByteLruOptions = { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 }

interface Entry { readonly response: MemoizedResponse; readonly size: number }

/**
 * Request target (`req.url`: path and query as sent) to response, valid for one generation: the value of
 * `generationOf()`, the view being served. When the generation changes (a snapshot swap) the memo empties
 * before its next answer, so it never serves a body of the previous snapshot. Bounded like the page cache; a
 * body counts against the memo as long as an entry refers to it (once per entry).
 */
export class ResponseMemo {
  #generation: unknown
  #entries: ByteLru<string, Entry>

  constructor(private readonly generationOf: () => unknown, readonly options: ByteLruOptions = DefaultResponseMemo) {
    this.#generation = generationOf()
    this.#entries = this.#empty()
  }

  /** Number of memoized targets. */
  get size(): number {
    return this.#entries.size
  }

  /** The current generation, to pass to `remember` once the answer is known. */
  begin(): unknown {
    this.#sync()
    return this.#generation
  }

  /** The response memoized for `target` in the current generation. */
  lookup(target: string): MemoizedResponse | undefined {
    this.#sync()
    return this.#entries.get(target)?.response
  }

  /** Memoizes `response` for `target`, unless the generation changed since `begin()` returned `generation`. */
  remember(generation: unknown, target: string, response: MemoizedResponse): void {
    this.#sync()
    if (generation !== this.#generation) return
    this.#entries.set(target, { response, size: target.length + response.body.bytes.length })
  }

  #sync(): void {
    const generation = this.generationOf()
    if (generation === this.#generation) return
    this.#generation = generation
    if (this.#entries.size > 0) this.#entries = this.#empty()
  }

  #empty(): ByteLru<string, Entry> {
    return new ByteLru(this.options, (e) => e.size)
  }
}

interface RoutedContext { _matchedRoute?: string | RegExp }

/**
 * Koa middleware that fills `memo`: a GET that a route answered with `sendCached` (200, or 304 for the same
 * body) is remembered under its request target with the matched route template. Requests that failed, or
 * that were answered any other way, are not.
 */
export function rememberResponses(memo: ResponseMemo, partitionOf: (ctx: { readonly state: unknown }) => string = () => ''): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET') {
      await next()
      return
    }
    const generation = memo.begin()
    await next()
    const sent = sentBody(ctx)
    const route = (ctx as unknown as RoutedContext)._matchedRoute
    if (sent !== undefined && typeof route === 'string') {
      memo.remember(generation, memoKey(partitionOf(ctx), ctx.url), { route, body: sent.body, lazyCompress: sent.lazyCompress })
    }
  }
}

/**
 * The memo key of a request target for callers of one partition (`''`: callers who see everything). Callers who may
 * see different views or sources are in different partitions, so one never receives a body cached for another.
 */
export function memoKey(partition: string, target: string): string {
  return partition === '' ? target : `${partition}\0${target}`
}

/**
 * Which partition of the memo may answer a request before koa: a string, or undefined when the request must go
 * through koa (for example a bearer token not verified yet, which may be refused).
 */
export type MemoPartition = (req: IncomingMessage, path: string) => string | undefined

/**
 * A node request handler that answers a GET from `memo` and returns true, or returns false (and touches
 * nothing) to let koa handle the request. The answer is the one `sendCached` sends (`cachedAnswer`), observed
 * with the memoized route template. A request that declares a body
 * (`Content-Length` or `Transfer-Encoding`) always goes to koa, where the request limits apply; every other
 * limit is a property of the request target, which passed them when it was first answered.
 */
export function replayFromMemo(memo: ResponseMemo, observer: RequestObserver, partitionOf: MemoPartition = () => ''): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const target = req.url
    if (req.method !== 'GET' || target === undefined) return false
    const headers = req.headers
    if (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) return false
    const started = performance.now()
    const query = target.indexOf('?')
    const path = query === -1 ? target : target.slice(0, query)
    const partition = partitionOf(req, path)
    if (partition === undefined) return false
    const hit = memo.lookup(memoKey(partition, target))
    if (hit === undefined) return false
    let answer: CachedAnswer
    try {
      answer = cachedAnswer(headers, hit.body, hit.lazyCompress)
    } catch {
      return false // nothing was written: koa answers, and its problem+json middleware reports the failure
    }
    res.writeHead(answer.status, answer.headers)
    res.end(answer.bytes)
    observer.observe('GET', path, hit.route, answer.status, (performance.now() - started) / 1000)
    return true
  }
}
