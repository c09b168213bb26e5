// UrlSourceHandler: registry data from an HTTPS URL, with conditional GET so an unchanged file costs one 304.
import type { CoreV1Api } from '@kubernetes/client-node'
import * as E from 'fp-ts/lib/Either.js'
import type { SingleSourceRegistry, MCPRegistrySource, UrlSource } from '@thv/registry-model'
import {
  buildRemoteSnapshot,
  checkEndpoint,
  checkFilter,
  classifyRemoteFailure,
  configFingerprint,
  describeUrl,
  registryKey,
  resolveRemoteOptions,
  SourceReferenceReader,
  startDeadline,
  statusFailure,
  timeoutMsOf,
  type RemoteSourceOptions,
  type ResolvedRemoteOptions,
} from './remote-source.common.js'
import type { SourceHandler, SyncOptions, SyncResult, UnchangedSyncResult } from './source-handler.js'
import { SourceHttpClient } from './source-http.js'
import { SourceConfigError, type SourceLocation } from './source.errors.js'

/** What the handler remembers of a registry's last successful fetch (validators, not data). */
interface UrlState {
  readonly fingerprint: string
  readonly etag: string | undefined
  readonly lastModified: string | undefined
  readonly hash: string
  readonly serverCount: number
  readonly revision: string
}

/** A valid `spec.source.url`, with defaults applied. */
export interface ResolvedUrlSource {
  readonly spec: UrlSource
  readonly endpoint: URL
  readonly timeoutMs: number
}

/**
 * Reads registry data from `spec.source.url.endpoint` (HTTPS; HTTP only when the egress policy allows insecure
 * sources). Sends `If-None-Match`/`If-Modified-Since` from the last fetch: a 304 is an {@link UnchangedSyncResult}
 * (nothing parsed, built or stored). Accepts gzip. `caCertRef` (ConfigMap key, PEM) replaces the trusted CAs;
 * `headersSecretRef` names a Secret whose keys are sent as request headers (to the endpoint's origin only). The
 * body is limited to `maxSourceBytes` while streaming; redirects at most 5, each checked by the egress policy.
 * The revision is the ETag, else Last-Modified.
 *
 * Needs `get` on the named Secret and ConfigMap in the registry's namespace.
 */
export class UrlSourceHandler implements SourceHandler {
  readonly #refs: SourceReferenceReader
  readonly #options: ResolvedRemoteOptions
  readonly #state = new Map<string, UrlState>()

  constructor(core: CoreV1Api, options: RemoteSourceOptions = {}) {
    this.#refs = new SourceReferenceReader(core)
    this.#options = resolveRemoteOptions(options)
  }

  validate(source: MCPRegistrySource, registryNamespace: string): E.Either<SourceConfigError, void> {
    return E.map(() => undefined)(this.resolve(source, registryNamespace))
  }

  /** {@link validate}, returning the parsed endpoint and timeout. */
  resolve(source: MCPRegistrySource, _registryNamespace: string): E.Either<SourceConfigError, ResolvedUrlSource> {
    if (source.type !== 'url') return E.left(new SourceConfigError('UnsupportedSourceType', 'spec.source.type', `UrlSourceHandler cannot read source type ${source.type}`))
    const spec = source.url
    if (spec === undefined) return E.left(new SourceConfigError('InvalidSourceConfig', 'spec.source.url', 'Source type url requires spec.source.url'))
    const endpoint = checkEndpoint(spec.endpoint, 'spec.source.url.endpoint')
    if (E.isLeft(endpoint)) return endpoint
    const timeoutMs = timeoutMsOf(spec.timeout, 'spec.source.url.timeout')
    if (E.isLeft(timeoutMs)) return timeoutMs
    return E.right({ spec, endpoint: endpoint.right, timeoutMs: timeoutMs.right })
  }

  async sync(registry: SingleSourceRegistry, signal: AbortSignal, options: SyncOptions = {}): Promise<SyncResult | UnchangedSyncResult> {
    const { namespace, key } = registryKey(registry)
    const resolved = this.resolve(registry.spec.source, namespace)
    if (E.isLeft(resolved)) throw resolved.left
    const { spec, endpoint, timeoutMs } = resolved.right
    const location: SourceLocation = { registry: key, configMap: '', key: '', source: `url ${describeUrl(endpoint)}` }
    checkFilter(location, registry)

    const fingerprint = configFingerprint(registry, options)
    const known = this.#state.get(key)
    const conditional = known !== undefined && known.fingerprint === fingerprint && options.previousHash === known.hash ? known : undefined
    const deadline = startDeadline(signal, timeoutMs)
    let client: SourceHttpClient | undefined
    try {
      const ca = spec.caCertRef === undefined ? undefined : await this.#refs.configMapKey(location, namespace, spec.caCertRef, 'spec.source.url.caCertRef', deadline.signal)
      const secretHeaders = spec.headersSecretRef === undefined ? {} : await this.#refs.secret(location, namespace, spec.headersSecretRef.name, 'spec.source.url.headersSecretRef', deadline.signal)
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(secretHeaders)) headers[name.toLowerCase()] = value.trim()
      const publicHeaders: Record<string, string> = { accept: 'application/json' }
      if (conditional?.etag !== undefined) publicHeaders['if-none-match'] = conditional.etag
      if (conditional?.lastModified !== undefined) publicHeaders['if-modified-since'] = conditional.lastModified
      client = new SourceHttpClient({ policy: this.#options.policy, ca })
      const res = await client.fetchBytes({ url: endpoint, headers, publicHeaders, signal: deadline.signal }, this.#options.maxSourceBytes)
      if (res.status === 304 && conditional !== undefined) {
        return { unchanged: true, hash: conditional.hash, serverCount: conditional.serverCount, revision: conditional.revision }
      }
      if (res.status < 200 || res.status > 299) throw statusFailure(location, res.status, describeUrl(res.url))
      const etag = res.headers.etag
      const lastModified = res.headers['last-modified']
      const revision = etag ?? lastModified ?? ''
      const result = await buildRemoteSnapshot(location, registry, { type: 'url', ref: describeUrl(endpoint) }, res.body, options, deadline.signal, revision)
      this.#state.set(key, { fingerprint, etag, lastModified, hash: result.hash, serverCount: result.serverCount, revision })
      return result
    } catch (err) {
      throw classifyRemoteFailure(location, err, signal, deadline, timeoutMs)
    } finally {
      deadline.clear()
      await client?.close().catch(() => undefined)
    }
  }

  /** Forgets what was remembered for a registry (`namespace/name`), e.g. when it is deleted. */
  forget(registryKey: string): void {
    this.#state.delete(registryKey)
  }
}
