/** Small HTTP helpers for asserting over the registry API. */

/** A fetched response with its body parsed when it is JSON. */
export interface HttpResult {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** Parsed body for JSON and problem+json responses, else undefined. */
  readonly json: unknown
}

/** GETs `url` and reads the whole body. Throws only on connection errors. */
export async function httpGet(url: string, headers: Readonly<Record<string, string>> = {}, timeoutMs = 10_000): Promise<HttpResult> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) })
  const text = await res.text()
  const type = res.headers.get('content-type') ?? ''
  return { status: res.status, headers: res.headers, text, json: type.includes('json') && text ? (JSON.parse(text) as unknown) : undefined }
}

/** GETs `url` (with `headers`, e.g. an Authorization), requires status 200 and a JSON body, and returns the body. */
export async function getJson<T = unknown>(url: string, headers: Readonly<Record<string, string>> = {}): Promise<T> {
  const res = await httpGet(url, headers)
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${res.text.slice(0, 500)}`)
  if (res.json === undefined) throw new Error(`GET ${url} answered a non-JSON body (${res.headers.get('content-type')})`)
  return res.json as T
}
