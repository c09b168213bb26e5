// ConfigMapSourceHandler: registry data from a key of a ConfigMap (`data` or `binaryData`, gzip detected).
import { gunzipSync } from 'node:zlib'
import { type CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node'
import { httpStatusOf, withSignal } from '@thv/kube-calls'
import * as E from 'fp-ts/lib/Either.js'
import { buildSnapshot, FormatMismatchError, InvalidFilterError, validateFilter, type SnapshotError } from '@thv/converters'
import { ConfigMapKeyPattern, type SingleSourceRegistry, type MCPRegistrySource } from '@thv/registry-model'
import type { SourceHandler, SyncOptions, SyncResult } from './source-handler.js'
import {
  SourceConfigError,
  SourceFetchError,
  SourceFormatMismatchError,
  SourceInvalidDataError,
  SourceInvalidFilterError,
  SourceInvalidJsonError,
  SourceKeyNotFoundError,
  SourceNotFoundError,
  SourceTooLargeError,
  type SourceError,
  type SourceLocation,
} from './source.errors.js'

/** Data key read when `spec.source.configmap.key` is omitted. */
export const DefaultSourceKey = 'registry.json'

/** Options of {@link ConfigMapSourceHandler}; every field has a default. */
export interface ConfigMapSourceOptions {
  /**
   * Allow `spec.source.configmap.namespace` to name another namespace than the MCPRegistry's (operator flag
   * `--allow-cross-namespace-sources`). Default false.
   */
  readonly allowCrossNamespace?: boolean
  /** Largest registry data accepted, in bytes after gzip decompression. Default 32 MiB (33,554,432). */
  readonly maxSourceBytes?: number
}

/** Where a registry's ConfigMap source points, with defaults applied. */
export interface ResolvedConfigMapSource {
  readonly namespace: string
  readonly name: string
  readonly key: string
}

const GZIP_MAGIC = [0x1f, 0x8b] as const
const KEY_RE = new RegExp(ConfigMapKeyPattern, 'u')

/**
 * Reads registry data from ConfigMap `spec.source.configmap` (`key` default `registry.json`, `namespace` default the
 * registry's): the value under `data`, or under `binaryData` (gzip-compressed data is detected by its magic bytes
 * and inflated up to `maxSourceBytes`). Then builds the snapshot with `@thv/converters` `buildSnapshot`: detect
 * and check the declared format, decode, convert, filter, sort, hash.
 *
 * Needs `get` on the source ConfigMap. Errors: see {@link SourceError} subclasses and {@link SourceConfigError}.
 *
 * @example
 * const handler = new ConfigMapSourceHandler(kubeConfig.makeApiClient(CoreV1Api), { allowCrossNamespace: false })
 * const { data, hash, serverCount } = await handler.sync(registry, AbortSignal.timeout(30_000))
 */
export class ConfigMapSourceHandler implements SourceHandler {
  readonly #core: CoreV1Api
  readonly #allowCrossNamespace: boolean
  readonly #maxSourceBytes: number

  constructor(core: CoreV1Api, options: ConfigMapSourceOptions = {}) {
    this.#core = core
    this.#allowCrossNamespace = options.allowCrossNamespace ?? false
    this.#maxSourceBytes = options.maxSourceBytes ?? 32 * 1024 * 1024
    if (!Number.isInteger(this.#maxSourceBytes) || this.#maxSourceBytes <= 0) {
      throw new RangeError(`maxSourceBytes must be a positive integer, got ${this.#maxSourceBytes}`)
    }
  }

  validate(source: MCPRegistrySource, registryNamespace: string): E.Either<SourceConfigError, void> {
    return E.map(() => undefined)(this.resolve(source, registryNamespace))
  }

  /** {@link validate}, returning the ConfigMap location with defaults applied. */
  resolve(source: MCPRegistrySource, registryNamespace: string): E.Either<SourceConfigError, ResolvedConfigMapSource> {
    const fail = (code: SourceConfigError['code'], field: string, message: string) => E.left(new SourceConfigError(code, field, message))
    if (source.type !== 'configmap') {
      return fail('UnsupportedSourceType', 'spec.source.type', `ConfigMapSourceHandler cannot read source type ${String(source.type)}`)
    }
    const cm = source.configmap
    if (cm === undefined) return fail('InvalidSourceConfig', 'spec.source.configmap', 'Source type configmap requires spec.source.configmap')
    if (cm.name === '') return fail('InvalidSourceConfig', 'spec.source.configmap.name', 'spec.source.configmap.name must not be empty')
    const key = cm.key ?? DefaultSourceKey
    if (!KEY_RE.test(key) || key.length > 253) {
      return fail('InvalidSourceConfig', 'spec.source.configmap.key', `spec.source.configmap.key ${JSON.stringify(key)} is not a valid ConfigMap key`)
    }
    const namespace = cm.namespace ?? registryNamespace
    if (namespace !== registryNamespace && !this.#allowCrossNamespace) {
      return fail(
        'CrossNamespaceNotAllowed',
        'spec.source.configmap.namespace',
        `Source ConfigMap namespace ${namespace} differs from the registry's namespace ${registryNamespace}; the operator does not allow cross-namespace sources (--allow-cross-namespace-sources)`,
      )
    }
    return E.right({ namespace, name: cm.name, key })
  }

  async sync(registry: SingleSourceRegistry, signal: AbortSignal, options: SyncOptions = {}): Promise<SyncResult> {
    const registryNamespace = registry.metadata.namespace
    if (registryNamespace === undefined) throw new Error(`MCPRegistry ${registry.metadata.name} has no metadata.namespace`)
    const resolved = this.resolve(registry.spec.source, registryNamespace)
    if (E.isLeft(resolved)) throw resolved.left
    const { namespace, name, key } = resolved.right
    const location: SourceLocation = { registry: `${registryNamespace}/${registry.metadata.name}`, configMap: `${namespace}/${name}`, key }

    const filter = validateFilter(registry.spec.filter)
    if (E.isLeft(filter)) throw filterError(location, filter.left)

    const configMap = await this.#read(location, namespace, name, signal)
    const raw = this.#extract(location, configMap)
    const previous = options.previous ?? (await options.loadPrevious?.(signal))
    const built = buildSnapshot({
      raw,
      declaredFormat: registry.spec.source.format,
      registry: {
        name: registry.metadata.name,
        namespace: registryNamespace,
        displayName: registry.spec.displayName,
        source: { type: 'configmap', ref: `${namespace}/${name}#${key}` },
      },
      filter: registry.spec.filter,
      deployedServers: options.deployedServers,
      previous,
      now: options.now ?? new Date(),
    })
    if (E.isLeft(built)) throw toSourceError(location, built.left)
    return { data: built.right, raw, hash: built.right.hash, serverCount: built.right.servers.length }
  }

  async #read(location: SourceLocation, namespace: string, name: string, signal: AbortSignal): Promise<V1ConfigMap> {
    signal.throwIfAborted()
    try {
      return await this.#core.readNamespacedConfigMap({ namespace, name }, withSignal(signal))
    } catch (err) {
      signal.throwIfAborted()
      const status = httpStatusOf(err)
      if (status === 404) throw new SourceNotFoundError(location, { cause: err })
      throw new SourceFetchError(location, status, { cause: err })
    }
  }

  #extract(location: SourceLocation, configMap: V1ConfigMap): Uint8Array {
    const text = configMap.data?.[location.key]
    const base64 = configMap.binaryData?.[location.key]
    let bytes: Buffer
    if (text !== undefined) bytes = Buffer.from(text, 'utf8')
    else if (base64 !== undefined) bytes = Buffer.from(base64, 'base64')
    else {
      const keys = [...Object.keys(configMap.data ?? {}), ...Object.keys(configMap.binaryData ?? {})].sort()
      throw new SourceKeyNotFoundError(location, keys)
    }
    if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
      try {
        bytes = gunzipSync(bytes, { maxOutputLength: this.#maxSourceBytes })
      } catch (err) {
        if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new SourceTooLargeError(location, this.#maxSourceBytes, undefined)
        }
        throw new SourceInvalidDataError(location, [], `gzip data does not decompress: ${(err as Error).message}`, { cause: err })
      }
    }
    if (bytes.length > this.#maxSourceBytes) throw new SourceTooLargeError(location, this.#maxSourceBytes, bytes.length)
    return bytes
  }
}

function filterError(location: SourceLocation, err: InvalidFilterError): SourceInvalidFilterError {
  return new SourceInvalidFilterError(location, err.problems.map((p) => p.path), err.message, { cause: err })
}

/** Maps a converters {@link SnapshotError} to the {@link SourceError} the operator reports. */
export function toSourceError(location: SourceLocation, err: SnapshotError): SourceError {
  switch (err.code) {
    case 'InvalidJson':
      return new SourceInvalidJsonError(location, err.byteOffset, err.message, { cause: err })
    case 'FormatMismatch': {
      const cause = err.cause
      return cause instanceof FormatMismatchError
        ? new SourceFormatMismatchError(location, cause.declared, cause.detected, { cause: err })
        : new SourceFormatMismatchError(location, 'unknown', 'unknown', { cause: err })
    }
    case 'InvalidFilter':
      return err.cause instanceof InvalidFilterError
        ? filterError(location, err.cause)
        : new SourceInvalidFilterError(location, [], err.message, { cause: err })
    case 'UnknownFormat':
    case 'InvalidData':
    case 'DuplicateServer':
      return new SourceInvalidDataError(location, issuePaths(err.cause), err.message, { cause: err })
  }
}

function issuePaths(cause: unknown): string[] {
  const issues = (cause as { issues?: ReadonlyArray<{ path?: unknown }> } | undefined)?.issues
  return Array.isArray(issues) ? issues.map((i) => String(i.path)) : []
}
