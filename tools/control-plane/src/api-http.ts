import { request } from 'node:https'

/** A raw HTTPS response from the API server. */
export interface ApiResponse {
  readonly status: number
  readonly body: string
}

/** How to reach the API server without client-node (health and discovery probes). */
export interface ApiEndpoint {
  readonly server: string
  /** Bearer token; omitted for anonymous probes. */
  readonly token?: string
  /** CA bundle; omitted only for the very first /readyz probes, before the self-signed certificate exists. */
  readonly caPem?: string
}

/** GET `path` on the API server with a 5 s timeout. */
export function apiGet(endpoint: ApiEndpoint, path: string): Promise<ApiResponse> {
  return apiRequest(endpoint, 'GET', path)
}

/** A request body sent verbatim, with its media type (e.g. `application/apply-patch+yaml` for server-side apply). */
export interface ApiRequestBody {
  readonly contentType: string
  readonly text: string
}

/**
 * Sends one raw request to the API server with a 5 s timeout. Raw on purpose: client-node's typed models drop
 * fields they do not know (`enum`, every `x-kubernetes-*` key of a CRD schema), so documents that must arrive
 * byte-faithful go through here.
 */
export function apiRequest(endpoint: ApiEndpoint, method: string, path: string, body?: ApiRequestBody): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = endpoint.token ? { authorization: `Bearer ${endpoint.token}` } : {}
    if (body) headers['content-type'] = body.contentType
    const req = request(
      new URL(path, endpoint.server),
      {
        method,
        timeout: 5_000,
        headers,
        ...(endpoint.caPem ? { ca: endpoint.caPem } : { rejectUnauthorized: false }),
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)))
    req.on('error', reject)
    req.end(body?.text)
  })
}
