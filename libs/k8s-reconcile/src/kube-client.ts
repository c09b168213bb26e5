/** A small REST client over a {@link KindDescriptor}: no discovery, so kinds installed later just work. */
import { HttpMethod, RequestContext, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node'
import { httpStatusOf } from '@thv/kube-calls'
import { fetch } from 'undici'
import { resourcePath, type KindDescriptor } from './kind.js'

/** A non-2xx answer from the API server (or a transport failure, with `code` 0). */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError'
  constructor(
    readonly method: string,
    readonly path: string,
    /** HTTP status; 0 when no response arrived. */
    readonly code: number,
    /** The `Status` body the server sent, if any. */
    readonly body: unknown,
    options?: { cause?: unknown },
  ) {
    super(`${method} ${path} failed: ${code === 0 ? 'no response' : `HTTP ${code}`}${statusMessage(body)}`, options)
  }
}

/** A list response. */
export interface ObjectList<T extends KubernetesObject> {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string }
  readonly items: T[]
}

/** Options of one request. */
export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>
  readonly body?: unknown
  readonly contentType?: string
  readonly signal?: AbortSignal
}

/** Content types of PATCH (client-node's `PatchStrategy` values). */
export const patchContentType = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
} as const

/**
 * Generic REST access built on the `KubeConfig`'s auth and TLS settings (as client-node's `Watch` does).
 * Paths come from the kind descriptor; every PATCH states its Content-Type explicitly.
 */
export class KubeClient {
  constructor(readonly kubeConfig: KubeConfig) {}

  /** Sends one request; resolves with the parsed JSON body; throws {@link KubeApiError} on failure. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const cluster = this.kubeConfig.getCurrentCluster()
    if (cluster === null) throw new KubeApiError(method, path, 0, undefined, { cause: new Error('No current cluster in kubeconfig') })
    const url = new URL(cluster.server + path)
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v))
    const ctx = new RequestContext(url.toString(), method as HttpMethod)
    await this.kubeConfig.applySecurityAuthentication(ctx)
    const headers: Record<string, string> = { ...ctx.getHeaders(), Accept: 'application/json' }
    if (options.body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json'
    let res
    try {
      res = await fetch(url, {
        method,
        headers,
        dispatcher: ctx.getDispatcher(),
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      })
    } catch (cause) {
      throw new KubeApiError(method, path, 0, undefined, { cause })
    }
    const text = await res.text()
    const parsed: unknown = text === '' ? undefined : safeJson(text)
    if (res.status < 200 || res.status > 299) throw new KubeApiError(method, path, res.status, parsed)
    return parsed as T
  }

  /** GETs one object. */
  get<T extends KubernetesObject>(kind: KindDescriptor, namespace: string, name: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>(HttpMethod.GET, resourcePath(kind, namespace, name), { signal })
  }

  /** Lists one page of `kind` (all namespaces when `namespace` is undefined). */
  list<T extends KubernetesObject>(kind: KindDescriptor, namespace: string | undefined, query: RequestOptions['query'] = {}, signal?: AbortSignal): Promise<ObjectList<T>> {
    return this.request<ObjectList<T>>(HttpMethod.GET, resourcePath(kind, namespace), { query, signal })
  }

  /** Creates an object in `namespace`. */
  create<T extends KubernetesObject>(kind: KindDescriptor, namespace: string, body: T, signal?: AbortSignal): Promise<T> {
    return this.request<T>(HttpMethod.POST, resourcePath(kind, namespace), { body, contentType: 'application/json', signal })
  }

  /** PATCHes an object (or its `subresource`) with an explicit content type. */
  patch<T extends KubernetesObject>(
    kind: KindDescriptor,
    namespace: string,
    name: string,
    body: unknown,
    contentType: string,
    options: { subresource?: string; query?: RequestOptions['query']; signal?: AbortSignal } = {},
  ): Promise<T> {
    return this.request<T>(HttpMethod.PATCH, resourcePath(kind, namespace, name, options.subresource), {
      body,
      contentType,
      query: options.query,
      signal: options.signal,
    })
  }

  /** DELETEs an object; a 404 counts as success. */
  async delete(kind: KindDescriptor, namespace: string, name: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.request(HttpMethod.DELETE, resourcePath(kind, namespace, name), { signal })
    } catch (err) {
      if (httpStatusOf(err) !== 404) throw err
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function statusMessage(body: unknown): string {
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    return `: ${(body as { message: string }).message}`
  }
  return ''
}
