/** requestJson: one bounded HTTP(S) request to an identity provider (discovery, JWKS, introspection), answered as JSON. */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

/** Largest answer read from a provider (a JWKS or discovery document is a few KiB). */
export const MaxIdpResponseBytes = 1024 * 1024

/** One request to a provider. */
export interface IdpRequest {
  readonly url: string
  readonly method?: 'GET' | 'POST'
  readonly headers?: Readonly<Record<string, string>>
  /** A form-encoded body (introspection). */
  readonly body?: string
  /** PEM of the CA that signed the provider's certificate, besides the system roots. */
  readonly ca?: string | undefined
  readonly timeoutMs: number
}

/** A provider could not be reached or did not answer JSON; `where` is the URL without query (never a credential). */
export class IdpRequestError extends Error {
  readonly code = 'IdpUnavailable'
  constructor(readonly where: string, message: string, options?: { cause?: unknown }) {
    super(`${message} (${where})`, options)
    this.name = 'IdpRequestError'
  }
}

/** Sends `req` and resolves with the status and the parsed JSON body; rejects with `IdpRequestError`. */
export function requestJson(req: IdpRequest): Promise<{ readonly status: number; readonly json: unknown }> {
  const url = new URL(req.url)
  const where = `${url.origin}${url.pathname}`
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const r = send(url, {
      method: req.method ?? 'GET',
      headers: { accept: 'application/json', ...req.headers, ...(req.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(req.body)) }) },
      timeout: req.timeoutMs,
      ...(req.ca === undefined ? {} : { ca: req.ca }),
    }, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MaxIdpResponseBytes) {
          res.destroy()
          reject(new IdpRequestError(where, `Answer larger than ${MaxIdpResponseBytes} bytes`))
        } else chunks.push(chunk)
      })
      res.on('error', (err) => reject(new IdpRequestError(where, 'Reading the answer failed', { cause: err })))
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown })
        } catch (err) {
          reject(new IdpRequestError(where, `HTTP ${res.statusCode ?? 0} answer is not JSON`, { cause: err }))
        }
      })
    })
    r.on('timeout', () => r.destroy(new IdpRequestError(where, `No answer within ${req.timeoutMs} ms`)))
    r.on('error', (err) => reject(err instanceof IdpRequestError ? err : new IdpRequestError(where, 'Request failed', { cause: err })))
    r.end(req.body)
  })
}
