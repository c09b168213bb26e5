/** The HTTP status of a failed Kubernetes API call, whichever client made it. */

/**
 * HTTP status of a failed API call: `code` of client-node's `ApiException` (and of @thv/k8s-reconcile's
 * `KubeApiError`, 0 when no response arrived), `statusCode` of client-node watch errors; `undefined` for anything
 * else (network errors carry a string `code` such as `ECONNRESET`, which is not a status).
 */
export function httpStatusOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; statusCode?: unknown }
    if (typeof e.statusCode === 'number') return e.statusCode
    if (typeof e.code === 'number') return e.code
  }
  return undefined
}
