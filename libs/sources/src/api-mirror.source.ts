// ApiMirrorSourceHandler: mirrors an upstream MCP Registry API (`/v0.1/servers`), in full once, then incrementally.
import { setTimeout as sleep } from 'node:timers/promises'
import type { CoreV1Api } from '@kubernetes/client-node'
import * as E from 'fp-ts/lib/Either.js'
import { OfficialMetaKey, type ApiSource, type SingleSourceRegistry, type MCPRegistrySource } from '@thv/registry-model'
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
import { SourceConfigError, SourceInvalidDataError, SourceTooLargeError, type SourceLocation } from './source.errors.js'

/** Page size asked of the upstream (its maximum). */
export const MirrorPageLimit = 100
/** Attempts per page on 429, 5xx or a dropped connection before the sync fails. */
export const MirrorPageAttempts = 6

/** Options of {@link ApiMirrorSourceHandler}. */
export interface ApiMirrorOptions extends RemoteSourceOptions {
  /** First back-off after a 429/5xx without `Retry-After`, doubled per attempt (max 10 s). Default 500 ms. */
  readonly retryBaseMs?: number
}

interface MirrorState {
  /** Endpoint (and credentials reference) the entries came from: another endpoint means a full sync. */
  readonly origin: string
  /** `name\0version` → the upstream's ServerResponse as JSON text (a third of the memory of the parsed objects), deleted versions removed. */
  readonly entries: ReadonlyMap<string, string>
  /** Newest `updatedAt` seen (RFC 3339 as sent), the next `updated_since`. */
  readonly newest: string | undefined
  readonly newestMs: number
  readonly bytes: number
  readonly fingerprint: string
  readonly hash: string
  readonly serverCount: number
}

/** A valid `spec.source.api`, with defaults applied. */
export interface ResolvedApiSource {
  readonly spec: ApiSource
  readonly endpoint: URL
  readonly listUrl: URL
  readonly timeoutMs: number
}

/**
 * Mirrors `<endpoint>/v0.1/servers` (our registry API, the official registry, ToolHive's registry server at
 * `…/registry/{name}/`): cursor paging with `limit=100`. The first sync (and the first after an operator restart)
 * reads everything; later syncs ask `updated_since=<newest updatedAt seen>` and apply the changes: new or updated
 * versions replace theirs, `status: deleted` removes a version, `deprecated` is kept with its status. A 429, 5xx or
 * dropped connection backs off (honouring `Retry-After`) and retries the same cursor; changes are applied only
 * after the last page, so an interrupted mirror never builds a partial registry. No changes (and the same
 * configuration as the last build) is an {@link UnchangedSyncResult}. The revision is the newest `updatedAt`.
 * `authSecretRef` is sent as `Authorization` (a bare token as `Bearer <token>`).
 *
 * Memory: the mirrored versions are kept per registry as JSON text (about the size of the upstream's JSON).
 */
export class ApiMirrorSourceHandler implements SourceHandler {
  readonly #refs: SourceReferenceReader
  readonly #options: ResolvedRemoteOptions
  readonly #retryBaseMs: number
  readonly #state = new Map<string, MirrorState>()

  constructor(core: CoreV1Api, options: ApiMirrorOptions = {}) {
    this.#refs = new SourceReferenceReader(core)
    this.#options = resolveRemoteOptions(options)
    this.#retryBaseMs = options.retryBaseMs ?? 500
  }

  validate(source: MCPRegistrySource, registryNamespace: string): E.Either<SourceConfigError, void> {
    return E.map(() => undefined)(this.resolve(source, registryNamespace))
  }

  /** {@link validate}, returning the endpoint, the list URL and the timeout. */
  resolve(source: MCPRegistrySource, _registryNamespace: string): E.Either<SourceConfigError, ResolvedApiSource> {
    if (source.type !== 'api') return E.left(new SourceConfigError('UnsupportedSourceType', 'spec.source.type', `ApiMirrorSourceHandler cannot read source type ${source.type}`))
    const spec = source.api
    if (spec === undefined) return E.left(new SourceConfigError('InvalidSourceConfig', 'spec.source.api', 'Source type api requires spec.source.api'))
    const endpoint = checkEndpoint(spec.endpoint, 'spec.source.api.endpoint')
    if (E.isLeft(endpoint)) return endpoint
    if (endpoint.right.search !== '') return E.left(new SourceConfigError('InvalidSourceConfig', 'spec.source.api.endpoint', 'spec.source.api.endpoint must not have a query string'))
    const timeoutMs = timeoutMsOf(spec.timeout, 'spec.source.api.timeout')
    if (E.isLeft(timeoutMs)) return timeoutMs
    const base = new URL(endpoint.right.href.endsWith('/') ? endpoint.right.href : `${endpoint.right.href}/`)
    return E.right({ spec, endpoint: endpoint.right, listUrl: new URL('v0.1/servers', base), timeoutMs: timeoutMs.right })
  }

  async sync(registry: SingleSourceRegistry, signal: AbortSignal, options: SyncOptions = {}): Promise<SyncResult | UnchangedSyncResult> {
    const { namespace, key } = registryKey(registry)
    const resolved = this.resolve(registry.spec.source, namespace)
    if (E.isLeft(resolved)) throw resolved.left
    const { spec, endpoint, listUrl, timeoutMs } = resolved.right
    const location: SourceLocation = { registry: key, configMap: '', key: '', source: `api ${describeUrl(endpoint)}` }
    checkFilter(location, registry)
    const fingerprint = configFingerprint(registry, options)
    const origin = JSON.stringify([listUrl.href, spec.authSecretRef ?? null, spec.caCertRef ?? null])
    const known = this.#state.get(key)
    const base = known !== undefined && known.origin === origin ? known : undefined
    const deadline = startDeadline(signal, timeoutMs)
    let client: SourceHttpClient | undefined
    try {
      const ca = spec.caCertRef === undefined ? undefined : await this.#refs.configMapKey(location, namespace, spec.caCertRef, 'spec.source.api.caCertRef', deadline.signal)
      const token = spec.authSecretRef === undefined ? undefined : (await this.#refs.secretKey(location, namespace, spec.authSecretRef, 'spec.source.api.authSecretRef', deadline.signal)).trim()
      const headers: Record<string, string> = token === undefined ? {} : { authorization: /^[A-Za-z]+ /.test(token) ? token : `Bearer ${token}` }
      client = new SourceHttpClient({ policy: this.#options.policy, ca })
      const changes = await this.#crawl(location, client, listUrl, headers, base?.newest, base?.bytes ?? 0, deadline.signal)
      if (changes.length === 0 && base !== undefined && base.fingerprint === fingerprint && options.previousHash === base.hash) {
        return { unchanged: true, hash: base.hash, serverCount: base.serverCount, revision: base.newest ?? '' }
      }
      const entries = new Map(base?.entries ?? [])
      let newest = base?.newest
      let newestMs = base?.newestMs ?? Number.NEGATIVE_INFINITY
      for (const change of changes) {
        if (change.deleted) entries.delete(change.key)
        else entries.set(change.key, change.text)
        if (change.updatedMs > newestMs) {
          newestMs = change.updatedMs
          newest = change.updatedAt
        }
      }
      // The changes' texts are in `entries` now; the list itself is garbage.
      changes.length = 0
      const keys = [...entries.keys()].sort()
      const raw = upstreamListBytes(keys.map((k) => entries.get(k) as string), (bytes) => {
        throw new SourceTooLargeError(location, this.#options.maxSourceBytes, bytes)
      }, this.#options.maxSourceBytes)
      const result = await buildRemoteSnapshot(location, registry, { type: 'api', ref: describeUrl(endpoint) }, raw, options, deadline.signal, newest ?? '', 'upstream')
      this.#state.set(key, { origin, entries, newest, newestMs, bytes: raw.length, fingerprint, hash: result.hash, serverCount: result.serverCount })
      return result
    } catch (err) {
      throw classifyRemoteFailure(location, err, signal, deadline, timeoutMs)
    } finally {
      deadline.clear()
      await client?.close().catch(() => undefined)
    }
  }

  /** Reads every page (from `since` when given); returns the versions seen, in order. */
  async #crawl(
    location: SourceLocation,
    client: SourceHttpClient,
    listUrl: URL,
    headers: Record<string, string>,
    since: string | undefined,
    baseBytes: number,
    signal: AbortSignal,
  ): Promise<Change[]> {
    const changes: Change[] = []
    let cursor: string | undefined
    let bytes = baseBytes
    for (let page = 0; ; page++) {
      const url = new URL(listUrl)
      url.searchParams.set('limit', String(MirrorPageLimit))
      if (since !== undefined) url.searchParams.set('updated_since', since)
      if (cursor !== undefined) url.searchParams.set('cursor', cursor)
      const body = await this.#page(location, client, url, headers, this.#options.maxSourceBytes - bytes, signal)
      bytes += body.length
      const parsed = parsePage(location, body, page)
      changes.push(...parsed.changes)
      if (parsed.nextCursor === undefined || parsed.changes.length === 0) return changes
      cursor = parsed.nextCursor
    }
  }

  /** One page, retried on 429, 5xx and dropped connections with back-off (Retry-After honoured). */
  async #page(location: SourceLocation, client: SourceHttpClient, url: URL, headers: Record<string, string>, budget: number, signal: AbortSignal): Promise<Uint8Array> {
    if (budget <= 0) throw new SourceTooLargeError(location, this.#options.maxSourceBytes, undefined)
    for (let attempt = 1; ; attempt++) {
      let retryAfterMs: number | undefined
      let failure: unknown
      try {
        const res = await client.fetchBytes({ url, headers, publicHeaders: { accept: 'application/json' }, signal }, budget)
        if (res.status >= 200 && res.status <= 299) return res.body
        failure = statusFailure(location, res.status, `${describeUrl(url)}`)
        if (res.status !== 429 && res.status < 500) throw failure
        retryAfterMs = parseRetryAfter(res.headers['retry-after'])
      } catch (err) {
        if (signal.aborted || err !== failure && !isTransient(err)) throw err
        failure = err
      }
      if (attempt >= MirrorPageAttempts) throw failure
      await sleep(Math.min(retryAfterMs ?? this.#retryBaseMs * 2 ** (attempt - 1), 10_000), undefined, { signal })
    }
  }

  /** Forgets the mirror of a registry (`namespace/name`), freeing its memory. */
  forget(registryKey: string): void {
    this.#state.delete(registryKey)
  }
}

interface Change {
  readonly key: string
  /** The version as JSON text: a page's parsed objects are garbage once it is read (a third of their memory). */
  readonly text: string
  readonly deleted: boolean
  readonly updatedAt: string | undefined
  readonly updatedMs: number
}

function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && /^(ECONNRESET|ECONNREFUSED|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED|ECONNABORTED)$/.test(code)
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (/^[0-9]+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

function parsePage(location: SourceLocation, body: Uint8Array, page: number): { changes: Change[]; nextCursor: string | undefined } {
  let doc: unknown
  try {
    doc = JSON.parse(Buffer.from(body).toString('utf8'))
  } catch (err) {
    throw new SourceInvalidDataError(location, [], `page ${page + 1} is not JSON: ${(err as Error).message}`, { cause: err })
  }
  const servers = (doc as { servers?: unknown } | null)?.servers
  const metadata = (doc as { metadata?: { nextCursor?: unknown } } | null)?.metadata
  if (!Array.isArray(servers)) throw new SourceInvalidDataError(location, ['servers'], `page ${page + 1} is not a server list (no servers array)`)
  const changes: Change[] = []
  servers.forEach((item: unknown, i) => {
    const server = (item as { server?: { name?: unknown; version?: unknown } } | null)?.server
    if (typeof server?.name !== 'string' || typeof server.version !== 'string') {
      throw new SourceInvalidDataError(location, [`servers/${i}/server`], `page ${page + 1} item ${i} has no server name and version`)
    }
    const official = ((item as { _meta?: Record<string, unknown> })._meta?.[OfficialMetaKey] ?? {}) as { status?: unknown; updatedAt?: unknown }
    const updatedAt = typeof official.updatedAt === 'string' ? official.updatedAt : undefined
    const updatedMs = updatedAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(updatedAt)
    changes.push({ key: `${server.name}\u0000${server.version}`, text: JSON.stringify(item), deleted: official.status === 'deleted', updatedAt, updatedMs: Number.isNaN(updatedMs) ? Number.NEGATIVE_INFINITY : updatedMs })
  })
  const next = metadata?.nextCursor
  return { changes, nextCursor: typeof next === 'string' && next !== '' ? next : undefined }
}

/**
 * `{"servers":[e1,e2,…],"metadata":{"count":n}}` as UTF-8, each entry written straight into one buffer: joining
 * the entries into one string first would hold the whole text twice more on the V8 heap (hundreds of MiB for
 * 100,000 versions). Calls `tooLarge` (which throws) before allocating when the bytes would exceed `maxBytes`.
 */
export function upstreamListBytes(entries: readonly string[], tooLarge: (bytes: number) => never, maxBytes: number): Buffer {
  const head = '{"servers":['
  const tail = `],"metadata":{"count":${entries.length}}}`
  let size = head.length + tail.length + Math.max(0, entries.length - 1)
  for (const entry of entries) size += Buffer.byteLength(entry, 'utf8')
  if (size > maxBytes) tooLarge(size)
  const out = Buffer.allocUnsafe(size)
  let at = out.write(head, 0, 'latin1')
  for (let i = 0; i < entries.length; i++) {
    if (i > 0) at += out.write(',', at, 'latin1')
    at += out.write(entries[i] as string, at, 'utf8')
  }
  out.write(tail, at, 'latin1')
  return out
}
