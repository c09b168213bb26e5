// HTTP(S) for remote sources: every connection goes through the egress policy; redirects, time and size are bounded.
import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { Agent, buildConnector, request, type Dispatcher } from 'undici'
import { EgressRefusedError, type EgressPolicy } from './egress-policy.js'

/** Most redirects followed per request; each target is checked by the egress policy again. */
export const MaxRedirects = 5

/** A response whose body is still to be read. */
export interface SourceHttpResponse {
  /** The URL that answered (after redirects). */
  readonly url: URL
  readonly status: number
  /** Response headers, lower-case names, repeated values joined with `, `. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: AsyncIterable<Uint8Array>
  /** Discards the rest of the body and frees the connection. */
  dump(): Promise<void>
}

/** One request. `headers` are sent to the first origin only; a redirect to another origin drops them. */
export interface SourceHttpRequest {
  readonly url: URL
  readonly method?: 'GET' | 'POST'
  readonly headers?: Readonly<Record<string, string>>
  /** Headers sent to every origin (e.g. `accept`, git's `content-type`). */
  readonly publicHeaders?: Readonly<Record<string, string>>
  readonly body?: Uint8Array | AsyncIterable<Uint8Array>
  readonly signal: AbortSignal
}

/** A body read to its end (gzip decoded). */
export interface SourceHttpBytes extends Omit<SourceHttpResponse, 'body' | 'dump'> {
  readonly body: Uint8Array
}

/** The body was larger than allowed; `actualBytes` is the size when the server declared it. */
export class BodyTooLargeError extends Error {
  readonly code = 'BodyTooLarge'
  constructor(readonly maxBytes: number, readonly actualBytes: number | undefined) {
    super(`response body is ${actualBytes === undefined ? 'more than' : `${actualBytes} bytes, above`} the limit of ${maxBytes} bytes`)
    this.name = 'BodyTooLargeError'
  }
}

/** Options of {@link SourceHttpClient}. */
export interface SourceHttpClientOptions {
  readonly policy: EgressPolicy
  /** PEM CA certificates to trust instead of the system roots (from `caCertRef`). */
  readonly ca?: string | undefined
}

/**
 * An HTTP(S) client for one sync. Its connector resolves each host through {@link EgressPolicy.resolve} and
 * connects to the checked address (TLS still verifies the certificate against the host name), so no socket is ever
 * opened to a refused address. Redirects are followed by hand (at most {@link MaxRedirects}), each target checked
 * by {@link EgressPolicy.checkUrl}. Call {@link close} when the sync ends.
 */
export class SourceHttpClient {
  readonly #policy: EgressPolicy
  readonly #agent: Agent

  constructor(options: SourceHttpClientOptions) {
    this.#policy = options.policy
    const connect = buildConnector({ ...(options.ca === undefined ? {} : { ca: options.ca }), timeout: 30_000 })
    const policy = this.#policy
    this.#agent = new Agent({
      connections: 4,
      connect: (opts, callback) => {
        policy.resolve(opts.hostname).then(
          (resolved) => connect({ ...opts, hostname: resolved.address }, callback),
          (err: unknown) => callback(err as Error, null),
        )
      },
    })
  }

  /** Sends the request, following redirects (GET only). Rejects with {@link EgressRefusedError} on a refused target. */
  async request(req: SourceHttpRequest): Promise<SourceHttpResponse> {
    let url = req.url
    const origin = req.url.origin
    for (let hop = 0; ; hop++) {
      const refusal = this.#policy.checkUrl(url)
      if (refusal !== undefined) throw refusal
      const headers = { ...req.publicHeaders, ...(url.origin === origin ? req.headers : {}) }
      const res: Dispatcher.ResponseData = await request(url, {
        dispatcher: this.#agent,
        method: req.method ?? 'GET',
        headers,
        ...(req.body === undefined ? {} : { body: req.body instanceof Uint8Array ? req.body : Readable.from(req.body) }),
        signal: req.signal,
      })
      const location = res.headers.location
      if (res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304 && typeof location === 'string' && (req.method ?? 'GET') === 'GET') {
        await res.body.dump()
        if (hop >= MaxRedirects) throw new TooManyRedirectsError(req.url, MaxRedirects)
        const next = new URL(location, url)
        if (url.protocol === 'https:' && next.protocol === 'http:' && !this.#policy.allowInsecure) {
          throw new EgressRefusedError(next.hostname, 'insecure-http', `Redirect from ${url.host} to ${next.origin} refused by egress policy (rule insecure-http): a redirect may not leave HTTPS`)
        }
        url = next
        continue
      }
      return {
        url,
        status: res.statusCode,
        headers: flattenHeaders(res.headers),
        body: res.body,
        dump: () => res.body.dump(),
      }
    }
  }

  /** {@link request} and read the whole body, decoding gzip, failing with {@link BodyTooLargeError} past `maxBytes`. */
  async fetchBytes(req: SourceHttpRequest, maxBytes: number): Promise<SourceHttpBytes> {
    const res = await this.request({ ...req, publicHeaders: { 'accept-encoding': 'gzip', ...req.publicHeaders } })
    const gzip = /\bgzip\b/i.test(res.headers['content-encoding'] ?? '')
    const declared = Number(res.headers['content-length'])
    if (!gzip && Number.isFinite(declared) && declared > maxBytes) {
      await res.dump().catch(() => undefined)
      throw new BodyTooLargeError(maxBytes, declared)
    }
    const body = await readBounded(gzip ? gunzipStream(res.body) : res.body, maxBytes, res.dump)
    return { url: res.url, status: res.status, headers: res.headers, body }
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    await this.#agent.close()
  }
}

/** More than {@link MaxRedirects} redirects. */
export class TooManyRedirectsError extends Error {
  readonly code = 'TooManyRedirects'
  constructor(url: URL, max: number) {
    super(`more than ${max} redirects starting at ${url.origin}${url.pathname}`)
    this.name = 'TooManyRedirectsError'
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
  return out
}

async function* gunzipStream(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const gunzip = createGunzip()
  const feed = (async () => {
    try {
      for await (const chunk of body) if (!gunzip.write(chunk)) await new Promise((r) => gunzip.once('drain', r))
      gunzip.end()
    } catch (err) {
      gunzip.destroy(err as Error)
    }
  })()
  try {
    for await (const chunk of gunzip) yield chunk as Uint8Array
  } finally {
    gunzip.destroy()
    await feed
  }
}

/** Reads `body` to the end, stopping with {@link BodyTooLargeError} as soon as more than `maxBytes` arrived. */
export async function readBounded(body: AsyncIterable<Uint8Array>, maxBytes: number, dump?: () => Promise<void>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of body) {
    total += chunk.length
    if (total > maxBytes) {
      await dump?.().catch(() => undefined)
      throw new BodyTooLargeError(maxBytes, undefined)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, total)
}
