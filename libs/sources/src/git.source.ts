// GitSourceHandler: one file of a git repository over smart HTTP(S): isomorphic-git lists refs, our own fetch and pack reader read the file (no git binary).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CoreV1Api } from '@kubernetes/client-node'
import * as E from 'fp-ts/lib/Either.js'
import git, { type GitHttpRequest, type GitHttpResponse, type HttpClient } from 'isomorphic-git'
import type { GitSource, SingleSourceRegistry, MCPRegistrySource } from '@thv/registry-model'
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
import { BodyTooLargeError, SourceHttpClient } from './source-http.js'
import { GitObjectTooLargeError, GitPackError, GitPackReader, GitPathNotFoundError } from './git-pack.reader.js'
import { fetchPackToFile, GitProtocolError, PackTooLargeError } from './git-upload-pack.js'
import { RemoteSourceError, SourceConfigError, SourceNotFoundError, SourceTooLargeError, type SourceLocation } from './source.errors.js'

/** Options of {@link GitSourceHandler}. */
export interface GitSourceOptions extends RemoteSourceOptions {
  /**
   * Largest pack written to disk for one commit, in bytes (default {@link PackBytesPerSourceByte} × `maxSourceBytes`,
   * 512 MiB with the default 32 MiB). The shallow fetch carries every file of the commit; the pack streams to a
   * temporary file and only the objects on `path` are read into memory, so this bounds disk and transfer, not memory.
   */
  readonly maxPackBytes?: number
}

/** The default on-disk pack limit is this many times `maxSourceBytes`. */
export const PackBytesPerSourceByte = 16

/** File read when `spec.source.git.path` is omitted. */
export const DefaultGitPath = 'registry.json'

interface GitState {
  readonly fingerprint: string
  readonly commit: string
  readonly hash: string
  readonly serverCount: number
}

/** A valid `spec.source.git`, with defaults applied. */
export interface ResolvedGitSource {
  readonly spec: GitSource
  readonly repository: URL
  readonly path: string
  readonly timeoutMs: number
}

const RefusedSchemes = /^(ssh:\/\/|git:\/\/|git@|file:\/\/|[a-z0-9._-]+@[^/:]+:)/i

/**
 * Reads `spec.source.git.path` (default `registry.json`) at a branch, tag or commit (none: the remote's default
 * branch) of an HTTPS repository. The ref is resolved with one `ls-refs` request; when it still points at the
 * commit of the last build, the sync is an {@link UnchangedSyncResult} without fetching. Otherwise one protocol v2
 * fetch of that object alone (`deepen 1`) streams the pack into a temporary directory (at most `maxPackBytes`,
 * removed afterwards); {@link GitPackReader} indexes it in one streaming pass and reads only the commit, the trees
 * on `path` and its blob (at most `maxSourceBytes`), so unrelated large files cost disk, not memory. A `commit`
 * is fetched by its hash (protocol v2 servers accept any reachable object as a want). `auth` is
 * HTTP Basic with the password from a Secret key; SSH, `git@` and `git://` URLs are refused (HTTPS only).
 * The revision is the commit hash.
 */
export class GitSourceHandler implements SourceHandler {
  readonly #refs: SourceReferenceReader
  readonly #options: ResolvedRemoteOptions
  readonly #state = new Map<string, GitState>()
  readonly #maxPackBytes: number

  constructor(core: CoreV1Api, options: GitSourceOptions = {}) {
    this.#refs = new SourceReferenceReader(core)
    this.#options = resolveRemoteOptions(options)
    this.#maxPackBytes = options.maxPackBytes ?? PackBytesPerSourceByte * this.#options.maxSourceBytes
  }

  validate(source: MCPRegistrySource, registryNamespace: string): E.Either<SourceConfigError, void> {
    return E.map(() => undefined)(this.resolve(source, registryNamespace))
  }

  /** {@link validate}, returning the parsed repository URL, path and timeout. */
  resolve(source: MCPRegistrySource, _registryNamespace: string): E.Either<SourceConfigError, ResolvedGitSource> {
    if (source.type !== 'git') return E.left(new SourceConfigError('UnsupportedSourceType', 'spec.source.type', `GitSourceHandler cannot read source type ${source.type}`))
    const spec = source.git
    if (spec === undefined) return E.left(new SourceConfigError('InvalidSourceConfig', 'spec.source.git', 'Source type git requires spec.source.git'))
    if (RefusedSchemes.test(spec.repository)) {
      return E.left(new SourceConfigError('InvalidSourceConfig', 'spec.source.git.repository',
        'spec.source.git.repository is not an HTTPS URL: SSH, git@ and git:// repositories are not supported; use the repository\'s https:// URL with spec.source.git.auth'))
    }
    const repository = checkEndpoint(spec.repository, 'spec.source.git.repository')
    if (E.isLeft(repository)) return repository
    const timeoutMs = timeoutMsOf(spec.timeout, 'spec.source.git.timeout')
    if (E.isLeft(timeoutMs)) return timeoutMs
    const path = (spec.path ?? DefaultGitPath).replace(/^\/+/, '')
    if (path === '' || path.split('/').some((p) => p === '..' || p === '.')) {
      return E.left(new SourceConfigError('InvalidSourceConfig', 'spec.source.git.path', 'spec.source.git.path must be a file path inside the repository'))
    }
    return E.right({ spec, repository: repository.right, path, timeoutMs: timeoutMs.right })
  }

  async sync(registry: SingleSourceRegistry, signal: AbortSignal, options: SyncOptions = {}): Promise<SyncResult | UnchangedSyncResult> {
    const { namespace, key } = registryKey(registry)
    const resolved = this.resolve(registry.spec.source, namespace)
    if (E.isLeft(resolved)) throw resolved.left
    const { spec, repository, path, timeoutMs } = resolved.right
    const refName = spec.commit ?? spec.tag ?? spec.branch ?? 'HEAD'
    const location: SourceLocation = { registry: key, configMap: '', key: '', source: `git ${describeUrl(repository)} ${refName} path ${path}` }
    checkFilter(location, registry)
    const fingerprint = configFingerprint(registry, options)
    const deadline = startDeadline(signal, timeoutMs)
    let client: SourceHttpClient | undefined
    let dir: string | undefined
    try {
      const ca = spec.caCertRef === undefined ? undefined : await this.#refs.configMapKey(location, namespace, spec.caCertRef, 'spec.source.git.caCertRef', deadline.signal)
      const password = spec.auth === undefined ? undefined : await this.#refs.secretKey(location, namespace, spec.auth.passwordSecretRef, 'spec.source.git.auth.passwordSecretRef', deadline.signal)
      client = new SourceHttpClient({ policy: this.#options.policy, ca })
      const http = gitHttp(client, deadline.signal, this.#options.maxSourceBytes)
      const url = repository.href
      const onAuth = spec.auth === undefined ? undefined : () => ({ username: spec.auth?.username ?? '', password: password ?? '' })
      const onAuthFailure = () => ({ cancel: true as const })
      // Basic credentials go with the first request (no 401 round trip); onAuth covers servers that ask again.
      const basic = spec.auth === undefined ? undefined : `Basic ${Buffer.from(`${spec.auth.username}:${password ?? ''}`).toString('base64')}`
      // isomorphic-git adds its protocol header to the headers object it is given: a fresh object per call.
      const auth = () => (onAuth === undefined ? {} : { onAuth, onAuthFailure, headers: { authorization: basic as string } })

      const target = spec.commit === undefined ? await this.#resolveRef(location, http, url, auth(), spec) : { commit: spec.commit, want: spec.commit }
      const commit = target.commit
      const known = this.#state.get(key)
      if (known !== undefined && known.commit === commit && known.fingerprint === fingerprint && options.previousHash === known.hash) {
        return { unchanged: true, hash: known.hash, serverCount: known.serverCount, revision: commit }
      }
      dir = await mkdtemp(join(tmpdir(), 'thv-git-'))
      const packFile = join(dir, 'fetched.pack')
      await fetchPackToFile({
        client, repository, want: target.want, signal: deadline.signal, file: packFile, maxPackBytes: this.#maxPackBytes,
        headers: basic === undefined ? {} : { authorization: basic },
      })
      const pack = await GitPackReader.open(packFile, deadline.signal)
      let blob: Uint8Array
      try {
        blob = await pack.readPath(target.want, path, this.#options.maxSourceBytes)
      } catch (err) {
        if (err instanceof GitPathNotFoundError) throw new SourceNotFoundError({ ...location, source: `${location.source} (no such file at commit ${commit})` }, { cause: err })
        if (err instanceof GitObjectTooLargeError) throw new SourceTooLargeError(location, this.#options.maxSourceBytes, err.bytes)
        throw err
      } finally {
        await pack.close()
      }
      if (blob.length > this.#options.maxSourceBytes) throw new SourceTooLargeError(location, this.#options.maxSourceBytes, blob.length)
      const result = await buildRemoteSnapshot(location, registry, { type: 'git', ref: `${describeUrl(repository)}#${path}@${commit}` }, blob, options, deadline.signal, commit)
      this.#state.set(key, { fingerprint, commit, hash: result.hash, serverCount: result.serverCount })
      return result
    } catch (err) {
      if (err instanceof PackTooLargeError) {
        throw new SourceTooLargeError({ ...location, source: `${location.source}: the fetched pack of the commit (all its files, also unrelated ones)` }, this.#maxPackBytes, undefined)
      }
      throw classifyRemoteFailure(location, gitFailure(location, err), signal, deadline, timeoutMs)
    } finally {
      deadline.clear()
      await client?.close().catch(() => undefined)
      if (dir !== undefined) await rm(dir, { recursive: true, force: true })
    }
  }

  /** The commit a branch, tag or HEAD points at, and the object to fetch (the ref's own, e.g. an annotated tag), from one `ls-refs` request. */
  async #resolveRef(location: SourceLocation, http: HttpClient, url: string, auth: object, spec: GitSource): Promise<{ commit: string; want: string }> {
    const prefix = spec.tag !== undefined ? `refs/tags/${spec.tag}` : spec.branch !== undefined ? `refs/heads/${spec.branch}` : 'HEAD'
    const refs = await git.listServerRefs({ http, url, ...auth, protocolVersion: 2, prefix, symrefs: true, peelTags: true })
    const ref = refs.find((r) => r.ref === prefix)
    if (ref === undefined) throw new SourceNotFoundError({ ...location, source: `${location.source} (no ref ${prefix} in the repository)` })
    return { commit: ref.peeled ?? ref.oid, want: ref.oid }
  }

  /** Forgets what was remembered for a registry (`namespace/name`). */
  forget(registryKey: string): void {
    this.#state.delete(registryKey)
  }
}

/** isomorphic-git's HTTP client (ref discovery only) over {@link SourceHttpClient} (egress policy, CA, deadline); response bodies bounded by `maxBytes`. */
function gitHttp(client: SourceHttpClient, signal: AbortSignal, maxBytes: number): HttpClient {
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const res = await client.request({
        url: new URL(req.url),
        method: req.method === 'POST' ? 'POST' : 'GET',
        publicHeaders: req.headers ?? {},
        ...(req.body === undefined ? {} : { body: req.body as AsyncIterable<Uint8Array> }),
        signal,
      })
      const body = (async function* () {
        let total = 0
        for await (const chunk of res.body) {
          total += chunk.length
          if (total > maxBytes) throw new BodyTooLargeError(maxBytes, undefined)
          yield chunk
        }
      })()
      return { url: res.url.href, method: req.method ?? 'GET', statusCode: res.status, statusMessage: String(res.status), body, headers: res.headers }
    },
  }
}

/** isomorphic-git's HttpError (401/403/404/5xx) as the source error; everything else unchanged. */
function gitFailure(location: SourceLocation, err: unknown): unknown {
  const e = err as { code?: string; data?: { statusCode?: number } }
  if (e.code === 'HttpError' && typeof e.data?.statusCode === 'number') {
    const status = e.data.statusCode
    if (status === 404) return new SourceNotFoundError({ ...location, source: `${location.source} (repository not found, HTTP 404)` }, { cause: err })
    return statusFailure(location, status, 'the git server')
  }
  if (e.code === 'UserCanceledError') return new RemoteSourceError(location, 'unauthorized', 401, 'the git server refused the credentials (HTTP 401); check spec.source.git.auth and its Secret', { cause: err })
  if (e.code === 'NotFoundError') return new SourceNotFoundError({ ...location, source: `${location.source} (${(err as Error).message})` }, { cause: err })
  if (err instanceof GitProtocolError || err instanceof GitPackError) return new RemoteSourceError(location, 'http', undefined, err.message, { cause: err })
  return err
}
