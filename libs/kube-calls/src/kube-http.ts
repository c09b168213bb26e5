/**
 * KubeHttp: GET and watch on the Kubernetes API over node:https with {@link KubeCredentials}, for a process that
 * makes a handful of read calls and should not load @kubernetes/client-node for them (importing it costs about
 * 30 MiB of V8 heap and 75 MiB of RSS; the registry API's storage watch is such a process). Responses are JSON;
 * a failed call rejects with a {@link KubeHttpError} whose `code` is the HTTP status (0 without a response), which
 * {@link httpStatusOf} reads like client-node's errors.
 */
import { readFileSync } from 'node:fs'
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { KubeCredentials } from './kube-credentials.js'

/** Largest response body or watch event accepted (a ConfigMap is at most 1 MiB; base64 and JSON add a third). */
export const MaxKubeResponseBytes = 8 * 1024 * 1024

/** A failed call: the HTTP status (`code`, 0 without a response) and the server's `Status` message when it sent one. */
export class KubeHttpError extends Error {
  override readonly name = 'KubeHttpError'
  constructor(readonly method: string, readonly path: string, readonly code: number, readonly body: unknown, options?: { cause?: unknown }) {
    super(`${method} ${path} failed: ${code === 0 ? 'no response' : `HTTP ${code}`}${statusMessage(body)}`, options)
  }
}

function statusMessage(body: unknown): string {
  const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined
  return typeof message === 'string' ? `: ${message}` : ''
}

/** One event of a watch: `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` (object: the resource) or `ERROR` (object: a Status). */
export interface KubeWatchEvent {
  readonly type: string
  readonly object: unknown
}

/** Query parameters of a request; undefined values are left out. */
export type KubeQuery = Readonly<Record<string, string | number | boolean | undefined>>

/** GET and watch on one API server with one set of credentials, over kept-alive connections. */
export class KubeHttp {
  readonly #base: URL
  readonly #agent: HttpAgent

  constructor(private readonly credentials: KubeCredentials) {
    this.#base = new URL(credentials.server)
    this.#agent = this.#base.protocol === 'http:'
      ? new HttpAgent({ keepAlive: true })
      : new HttpsAgent({
        keepAlive: true,
        ...(credentials.ca === undefined ? {} : { ca: credentials.ca }),
        ...(credentials.cert === undefined ? {} : { cert: credentials.cert }),
        ...(credentials.key === undefined ? {} : { key: credentials.key }),
        ...(credentials.insecureSkipTlsVerify === true ? { rejectUnauthorized: false } : {}),
        ...(credentials.tlsServerName === undefined ? {} : { servername: credentials.tlsServerName }),
      })
  }

  /** GETs `path` and resolves with its parsed JSON body; rejects with a {@link KubeHttpError} or the signal's reason. */
  async get<T>(path: string, query: KubeQuery, signal: AbortSignal): Promise<T> {
    const res = await this.#send(path, query, signal)
    const text = await readBody(res, 'GET', path)
    if ((res.statusCode ?? 0) >= 300) throw new KubeHttpError('GET', path, res.statusCode ?? 0, statusBody(text))
    return parseJson(text, 'GET', path) as T
  }

  /**
   * Watches `path` (`watch=true` is added to `query`): calls `onEvent` for every event, in order, and resolves when
   * the server ends the watch (its `timeoutSeconds`), when nothing arrived for `idleMs`, or when `signal` aborts.
   * Rejects when the server refuses the watch or the connection breaks.
   */
  async watch(path: string, query: KubeQuery, onEvent: (event: KubeWatchEvent) => void, signal: AbortSignal, idleMs: number): Promise<void> {
    if (signal.aborted) return
    let res: IncomingMessage
    try {
      res = await this.#send(path, { ...query, watch: true }, signal)
    } catch (err) {
      if (signal.aborted) return
      throw err
    }
    if ((res.statusCode ?? 0) >= 300) {
      throw new KubeHttpError('GET', path, res.statusCode ?? 0, statusBody(await readBody(res, 'GET', path)))
    }
    await new Promise<void>((resolve, reject) => {
      let pending = ''
      let settled = false
      const finish = (err?: Error): void => {
        if (settled) return
        settled = true
        clearTimeout(idle)
        signal.removeEventListener('abort', onAbort)
        res.destroy()
        if (err === undefined || signal.aborted) resolve()
        else reject(err)
      }
      const onAbort = (): void => finish()
      let idle = setTimeout(() => finish(), idleMs)
      signal.addEventListener('abort', onAbort, { once: true })
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        clearTimeout(idle)
        idle = setTimeout(() => finish(), idleMs)
        pending += chunk
        let newline: number
        while (!settled && (newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline)
          pending = pending.slice(newline + 1)
          if (line.trim() === '') continue
          let event: KubeWatchEvent
          try {
            event = parseJson(line, 'GET', path) as KubeWatchEvent
          } catch (err) {
            finish(err as Error)
            return
          }
          onEvent(event)
        }
        if (pending.length > MaxKubeResponseBytes) finish(new KubeHttpError('GET', path, res.statusCode ?? 0, undefined, { cause: new Error(`watch event larger than ${MaxKubeResponseBytes} bytes`) }))
      })
      res.on('end', () => finish())
      res.on('error', (err) => finish(new KubeHttpError('GET', path, 0, undefined, { cause: err })))
      res.on('close', () => finish())
    })
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.#agent.destroy()
  }

  #send(path: string, query: KubeQuery, signal: AbortSignal): Promise<IncomingMessage> {
    signal.throwIfAborted()
    const url = new URL(path, this.#base)
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v))
    const headers: Record<string, string> = { Accept: 'application/json' }
    const token = this.#token()
    if (token !== undefined) headers['Authorization'] = `Bearer ${token}`
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest
    // A signal of its own per request: the reader sends a dozen shard reads at once with one signal, and a listener
    // per request on that signal would trip Node's MaxListenersExceededWarning (AbortSignal.any adds none to it).
    const own = AbortSignal.any([signal])
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method: 'GET', headers, agent: this.#agent, signal: own }, resolve)
      req.on('error', (err) => reject(signal.aborted ? signal.reason : new KubeHttpError('GET', path, 0, undefined, { cause: err })))
      req.end()
    })
  }

  #token(): string | undefined {
    const { token, tokenFile } = this.credentials
    if (token !== undefined) return token
    if (tokenFile === undefined) return undefined
    try {
      return readFileSync(tokenFile, 'utf8').trim()
    } catch (err) {
      throw new KubeHttpError('GET', this.#base.origin, 0, undefined, { cause: new Error(`cannot read the token file ${tokenFile}`, { cause: err }) })
    }
  }
}

async function readBody(res: IncomingMessage, method: string, path: string): Promise<string> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of res) {
    total += (chunk as Buffer).length
    if (total > MaxKubeResponseBytes) {
      res.destroy()
      throw new KubeHttpError(method, path, res.statusCode ?? 0, undefined, { cause: new Error(`response larger than ${MaxKubeResponseBytes} bytes`) })
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks, total).toString('utf8')
}

/** The `Status` object of an error response, when its body is JSON. */
function statusBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function parseJson(text: string, method: string, path: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new KubeHttpError(method, path, 0, undefined, { cause: new Error('response is not JSON', { cause: err }) })
  }
}
