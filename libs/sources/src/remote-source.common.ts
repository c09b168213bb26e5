// What the url, git and api handlers share: options, timeouts, Secret/ConfigMap reads, error classification, build.
import { createHash } from 'node:crypto'
import type { CoreV1Api } from '@kubernetes/client-node'
import * as E from 'fp-ts/lib/Either.js'
import { buildSnapshot, validateFilter } from '@thv/converters'
import { parseGoDurationMs, type SingleSourceRegistry, type MCPRegistrySource } from '@thv/registry-model'
import { toSourceError } from './configmap.source.js'
import { EgressPolicy, EgressRefusedError } from './egress-policy.js'
import { BodyTooLargeError, TooManyRedirectsError } from './source-http.js'
import type { SyncOptions, SyncResult } from './source-handler.js'
import {
  RemoteSourceError,
  SourceConfigError,
  SourceInvalidFilterError,
  SourceNotFoundError,
  SourceTooLargeError,
  type SourceError,
  type SourceLocation,
} from './source.errors.js'
import { httpStatusOf, withSignal } from '@thv/kube-calls'

/** Default `timeout` of a remote source. */
export const DefaultRemoteTimeoutMs = 30_000
/** Largest `timeout` accepted. */
export const MaxRemoteTimeoutMs = 5 * 60_000
/** Default `--max-source-bytes`. */
export const DefaultMaxSourceBytes = 32 * 1024 * 1024

/** Options shared by the remote handlers; each maps to an operator flag. */
export interface RemoteSourceOptions {
  /** Egress policy for every connection (default: HTTPS only, no loopback, link-local or unspecified addresses). */
  readonly policy?: EgressPolicy
  /** `--max-source-bytes`: largest registry document accepted, enforced while streaming. Default 32 MiB. */
  readonly maxSourceBytes?: number
}

/** The resolved shared options. */
export interface ResolvedRemoteOptions {
  readonly policy: EgressPolicy
  readonly maxSourceBytes: number
}

/** Applies defaults and checks `maxSourceBytes`. */
export function resolveRemoteOptions(options: RemoteSourceOptions): ResolvedRemoteOptions {
  const maxSourceBytes = options.maxSourceBytes ?? DefaultMaxSourceBytes
  if (!Number.isInteger(maxSourceBytes) || maxSourceBytes <= 0) throw new RangeError(`maxSourceBytes must be a positive integer, got ${maxSourceBytes}`)
  return { policy: options.policy ?? new EgressPolicy(), maxSourceBytes }
}

/** A source `timeout` (Go duration) in ms: default 30 s, more than 0 and at most 5 m, else a {@link SourceConfigError}. */
export function timeoutMsOf(timeout: string | undefined, field: string): E.Either<SourceConfigError, number> {
  if (timeout === undefined) return E.right(DefaultRemoteTimeoutMs)
  const ms = parseGoDurationMs(timeout) ?? Number.NaN
  if (!(ms > 0 && ms <= MaxRemoteTimeoutMs)) {
    return E.left(new SourceConfigError('InvalidSourceConfig', field, `${field} ${JSON.stringify(timeout)} must be a Go duration above 0 and at most 5m`))
  }
  return E.right(Math.ceil(ms))
}

/** Checks an endpoint URL: absolute http(s), no user info (credentials come from Secrets), no fragment. */
export function checkEndpoint(endpoint: string, field: string): E.Either<SourceConfigError, URL> {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    return E.left(new SourceConfigError('InvalidSourceConfig', field, `${field} is not a valid URL`))
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return E.left(new SourceConfigError('InvalidSourceConfig', field, `${field} must be an https:// URL (got ${url.protocol.replace(/:$/, '')})`))
  }
  if (url.username !== '' || url.password !== '') {
    return E.left(new SourceConfigError('InvalidSourceConfig', field, `${field} must not contain credentials; put them in a Secret and reference it`))
  }
  return E.right(url)
}

/** A URL for messages and snapshot refs: no query string values, no user info. */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search === '' ? '' : '?…'}`
}

/** The registry's `namespace/name`, throwing when it has no namespace (a bug: MCPRegistry is namespaced). */
export function registryKey(registry: SingleSourceRegistry): { namespace: string; key: string } {
  const namespace = registry.metadata.namespace
  if (namespace === undefined) throw new Error(`MCPRegistry ${registry.metadata.name} has no metadata.namespace`)
  return { namespace, key: `${namespace}/${registry.metadata.name}` }
}

/**
 * Reads Secrets and ConfigMaps named by a source, in the registry's namespace only and by name (`get`; no list or
 * watch). Values are returned to the caller and never logged or put into messages.
 */
export class SourceReferenceReader {
  readonly #core: CoreV1Api

  constructor(core: CoreV1Api) {
    this.#core = core
  }

  /** All keys of Secret `name` (values decoded from base64). */
  async secret(location: SourceLocation, namespace: string, name: string, field: string, signal: AbortSignal): Promise<Record<string, string>> {
    const secret = await this.#get(location, 'Secret', namespace, name, field, signal, (o) => this.#core.readNamespacedSecret({ namespace, name }, o))
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8')
    for (const [k, v] of Object.entries(secret.stringData ?? {})) out[k] = v
    return out
  }

  /** One key of Secret `name`. */
  async secretKey(location: SourceLocation, namespace: string, ref: { name: string; key: string }, field: string, signal: AbortSignal): Promise<string> {
    const data = await this.secret(location, namespace, ref.name, field, signal)
    const value = data[ref.key]
    if (value === undefined) throw new SourceConfigError('InvalidSourceConfig', field, `Secret ${namespace}/${ref.name} named by ${field} has no key ${ref.key}`)
    return value
  }

  /** One key of ConfigMap `name` (`data`, else `binaryData`). */
  async configMapKey(location: SourceLocation, namespace: string, ref: { name: string; key: string }, field: string, signal: AbortSignal): Promise<string> {
    const cm = await this.#get(location, 'ConfigMap', namespace, ref.name, field, signal, (o) => this.#core.readNamespacedConfigMap({ namespace, name: ref.name }, o))
    const binary = cm.binaryData?.[ref.key]
    const value = cm.data?.[ref.key] ?? (binary === undefined ? undefined : Buffer.from(binary, 'base64').toString('utf8'))
    if (value === undefined) throw new SourceConfigError('InvalidSourceConfig', field, `ConfigMap ${namespace}/${ref.name} named by ${field} has no key ${ref.key}`)
    return value
  }

  async #get<T>(
    location: SourceLocation,
    kind: string,
    namespace: string,
    name: string,
    field: string,
    signal: AbortSignal,
    read: (options: ReturnType<typeof withSignal>) => Promise<T>,
  ): Promise<T> {
    signal.throwIfAborted()
    try {
      return await read(withSignal(signal))
    } catch (err) {
      signal.throwIfAborted()
      const status = httpStatusOf(err)
      if (status === 404) throw new SourceConfigError('InvalidSourceConfig', field, `${kind} ${namespace}/${name} named by ${field} not found in the registry's namespace`)
      const kindOf = status === 401 || status === 403 ? 'unauthorized' : 'http'
      throw new RemoteSourceError(location, kindOf, status, `could not read ${kind} ${namespace}/${name} named by ${field}${status === undefined ? '' : ` (HTTP ${status})`}`, { cause: err })
    }
  }
}

/** A deadline for one sync: `signal` aborted by the caller or by `timeoutMs`. */
export interface Deadline {
  readonly signal: AbortSignal
  /** True when the timeout (not the caller) aborted `signal`. */
  timedOut(): boolean
  /** Stops the timer. */
  clear(): void
}

/** Starts a {@link Deadline} of `timeoutMs` under the caller's `signal`. */
export function startDeadline(signal: AbortSignal, timeoutMs: number): Deadline {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort(new Error(`timed out after ${timeoutMs} ms`))
  }, timeoutMs)
  timer.unref()
  const onAbort = () => controller.abort(signal.reason)
  if (signal.aborted) onAbort()
  else signal.addEventListener('abort', onAbort, { once: true })
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    clear: () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
    },
  }
}

const UnreachableCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNABORTED',
])

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && (code !== 'UND_ERR_SOCKET' || (e as { cause?: unknown }).cause === undefined)) return code
  }
  return undefined
}

/**
 * Turns a failure of a remote fetch into the {@link SourceError} the operator reports. A caller abort rethrows the
 * signal's reason; a {@link SourceError} or {@link SourceConfigError} passes through.
 */
export function classifyRemoteFailure(location: SourceLocation, err: unknown, signal: AbortSignal, deadline: Deadline, timeoutMs: number): unknown {
  if (signal.aborted) return signal.reason
  if (err instanceof SourceConfigError || (err as SourceError | undefined)?.registry !== undefined) return err
  if (deadline.timedOut()) return new RemoteSourceError(location, 'timeout', undefined, `no complete answer within the timeout of ${timeoutMs / 1000} s`, { cause: err })
  const refused = findCause(err, EgressRefusedError)
  if (refused !== undefined) return new RemoteSourceError(location, 'refused', undefined, refused.message, { cause: err })
  if (err instanceof BodyTooLargeError) return new SourceTooLargeError(location, err.maxBytes, err.actualBytes)
  if (err instanceof TooManyRedirectsError) return new RemoteSourceError(location, 'http', undefined, err.message, { cause: err })
  const code = errorCode(err)
  const text = firstLine(err)
  if (code !== undefined && (/^ERR_TLS|^ERR_SSL|CERT|^UNABLE_TO_|SELF_SIGNED|^DEPTH_ZERO|^HOSTNAME_MISMATCH/.test(code) || code === 'ERR_TLS_CERT_ALTNAME_INVALID')) {
    return new RemoteSourceError(location, 'tls', undefined, `TLS failed (${code}): ${text}; trust the server's CA with caCertRef`, { cause: err })
  }
  if (code !== undefined && UnreachableCodes.has(code)) return new RemoteSourceError(location, 'unreachable', undefined, `${text} (${code})`, { cause: err })
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') return new RemoteSourceError(location, 'http', undefined, `the gzip body does not decompress: ${text}`, { cause: err })
  return new RemoteSourceError(location, 'unreachable', undefined, text, { cause: err })
}

function findCause<T>(err: unknown, ctor: abstract new (...args: never[]) => T): T | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ctor) return e
  }
  return undefined
}

function firstLine(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err)
}

/** The error for an HTTP status that is not success: 401/403, 404, other. */
export function statusFailure(location: SourceLocation, status: number, what: string): SourceError {
  if (status === 404) return new SourceNotFoundError(location)
  if (status === 401 || status === 403) {
    return new RemoteSourceError(location, 'unauthorized', status, `${what} answered HTTP ${status}; check the credentials Secret`)
  }
  return new RemoteSourceError(location, 'http', status, `${what} answered HTTP ${status}`)
}

/** The spec parts besides the fetched bytes that decide the snapshot, as a fingerprint (no credential values). */
export function configFingerprint(registry: SingleSourceRegistry, options: SyncOptions): string {
  return createHash('sha256')
    .update(JSON.stringify([registry.spec.source, registry.spec.filter, registry.spec.displayName, registry.metadata.name, options.deployedServers ?? []]))
    .digest('hex')
}

/** Validates `spec.filter` before any fetch. */
export function checkFilter(location: SourceLocation, registry: SingleSourceRegistry): void {
  const filter = validateFilter(registry.spec.filter)
  if (E.isLeft(filter)) throw new SourceInvalidFilterError(location, filter.left.problems.map((p) => p.path), filter.left.message, { cause: filter.left })
}

/** Builds the snapshot of fetched bytes through `buildSnapshot`, as the ConfigMap handler does. */
export async function buildRemoteSnapshot(
  location: SourceLocation,
  registry: SingleSourceRegistry,
  source: { type: 'url' | 'git' | 'api'; ref: string },
  raw: Uint8Array,
  options: SyncOptions,
  signal: AbortSignal,
  revision: string,
  declaredFormat: MCPRegistrySource['format'] = registry.spec.source.format,
): Promise<SyncResult> {
  const { namespace } = registryKey(registry)
  const previous = options.previous ?? (await options.loadPrevious?.(signal))
  const built = buildSnapshot({
    raw,
    declaredFormat,
    registry: { name: registry.metadata.name, namespace, displayName: registry.spec.displayName, source },
    filter: registry.spec.filter,
    deployedServers: options.deployedServers,
    previous,
    now: options.now ?? new Date(),
  })
  if (E.isLeft(built)) throw toSourceError(location, built.left)
  return { data: built.right, raw, hash: built.right.hash, serverCount: built.right.servers.length, revision }
}
