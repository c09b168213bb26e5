// Typed failures of @thv/sources. Each has a stable `code` (the condition reason) and names where it happened.

/** Stable codes of {@link SourceError}s; each is the MCPRegistry condition reason the operator reports. */
export type SourceErrorCode =
  | 'SourceNotFound'
  | 'KeyNotFound'
  | 'SourceTooLarge'
  | 'InvalidJson'
  | 'FormatMismatch'
  | 'InvalidData'
  | 'InvalidFilter'
  | 'FetchFailed'
  | 'SourceUnreachable'
  | 'SourceTimeout'
  | 'SourceTLSFailed'
  | 'SourceUnauthorized'
  | 'SourceHTTPError'
  | 'SourceRefusedByPolicy'

/**
 * Where a sync read from: registry `namespace/name`, source ConfigMap `namespace/name` and data key, or for a remote
 * source (`url`, `git`, `api`) its description in `source` (then `configMap` and `key` are empty).
 */
export interface SourceLocation {
  /** `namespace/name` of the MCPRegistry. */
  readonly registry: string
  /** `namespace/name` of the source ConfigMap (empty for remote sources). */
  readonly configMap: string
  /** The data key read (default `registry.json`; empty for remote sources). */
  readonly key: string
  /** A remote source as messages name it, e.g. `url https://example.com/registry.json` (no credentials). */
  readonly source?: string
}

/** The data a location names, for messages: `data under key k of ConfigMap ns/n` or `data of url https://…`. */
export function dataOf(location: SourceLocation): string {
  return location.source !== undefined ? `data of ${location.source}` : `data under key ${location.key} of ConfigMap ${location.configMap}`
}

/** Base class of sync failures. `message` is one sentence naming the registry, the ConfigMap and the key. */
export abstract class SourceError extends Error implements SourceLocation {
  abstract readonly code: SourceErrorCode
  readonly registry: string
  readonly configMap: string
  readonly key: string
  constructor(location: SourceLocation, message: string, options?: { cause?: unknown }) {
    super(`Registry ${location.registry}: ${message}`, options)
    this.registry = location.registry
    this.configMap = location.configMap
    this.key = location.key
  }
}

/** The source ConfigMap does not exist (remote sources: HTTP 404, or the git `path` is not in the commit). Reason `SourceNotFound`. */
export class SourceNotFoundError extends SourceError {
  readonly code = 'SourceNotFound'
  constructor(location: SourceLocation, options?: { cause?: unknown }) {
    super(location, location.source !== undefined ? `${location.source} not found` : `source ConfigMap ${location.configMap} not found`, options)
    this.name = 'SourceNotFoundError'
  }
}

/** The ConfigMap exists but has the key in neither `data` nor `binaryData`. Reason `KeyNotFound`. */
export class SourceKeyNotFoundError extends SourceError {
  readonly code = 'KeyNotFound'
  constructor(
    location: SourceLocation,
    /** Keys the ConfigMap does have (data and binaryData), sorted. */
    readonly availableKeys: ReadonlyArray<string>,
  ) {
    super(
      location,
      `key ${location.key} not found in ConfigMap ${location.configMap} (keys: ${availableKeys.length === 0 ? 'none' : availableKeys.join(', ')})`,
    )
    this.name = 'SourceKeyNotFoundError'
  }
}

/** The registry data (after gzip decompression) is larger than the configured limit. Reason `SourceTooLarge`. */
export class SourceTooLargeError extends SourceError {
  readonly code = 'SourceTooLarge'
  constructor(
    location: SourceLocation,
    /** The limit in bytes. */
    readonly maxSourceBytes: number,
    /** The size found, when known (a gzip payload is only inflated up to the limit). */
    readonly actualBytes: number | undefined,
  ) {
    super(
      location,
      `${dataOf(location)} is ${actualBytes === undefined ? 'more than' : `${actualBytes} bytes, above`} the limit of ${maxSourceBytes} bytes`,
    )
    this.name = 'SourceTooLargeError'
  }
}

/** The data is not JSON; `byteOffset` points at the first bad byte. Reason `InvalidJson`. */
export class SourceInvalidJsonError extends SourceError {
  readonly code = 'InvalidJson'
  constructor(
    location: SourceLocation,
    /** 0-based byte offset of the error in the raw data. */
    readonly byteOffset: number | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(location, `${dataOf(location)} is not valid JSON: ${detail}`, options)
    this.name = 'SourceInvalidJsonError'
  }
}

/** The data is not in the declared `spec.source.format`. Reason `FormatMismatch`. */
export class SourceFormatMismatchError extends SourceError {
  readonly code = 'FormatMismatch'
  constructor(
    location: SourceLocation,
    /** `spec.source.format`. */
    readonly declared: string,
    /** The detected document format (`toolhive`, `upstream-array`, `upstream-list`, `toolhive-upstream`, `legacy`). */
    readonly detected: string,
    options?: { cause?: unknown },
  ) {
    super(location, `${dataOf(location)} is declared ${declared} but detected as ${detected}`, options)
    this.name = 'SourceFormatMismatchError'
  }
}

/** The data does not validate: unknown format, schema violations (every path listed), duplicates. Reason `InvalidData`. */
export class SourceInvalidDataError extends SourceError {
  readonly code = 'InvalidData'
  constructor(
    location: SourceLocation,
    /** Offending paths (`servers/fetch/image`), empty when the problem has no path (unknown format, duplicate). */
    readonly paths: ReadonlyArray<string>,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(location, `${dataOf(location)} is invalid: ${detail}`, options)
    this.name = 'SourceInvalidDataError'
  }
}

/** `spec.filter` has an invalid glob. Reason `InvalidFilter`. */
export class SourceInvalidFilterError extends SourceError {
  readonly code = 'InvalidFilter'
  constructor(
    location: SourceLocation,
    /** Paths of the invalid globs in `spec.filter` (`include[0]`, `names.exclude[2]`). */
    readonly paths: ReadonlyArray<string>,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(location, `spec.filter is invalid: ${detail}`, options)
    this.name = 'SourceInvalidFilterError'
  }
}

/** Reading the ConfigMap failed for another reason (network, 403, timeout). Reason `FetchFailed`. */
export class SourceFetchError extends SourceError {
  readonly code = 'FetchFailed'
  constructor(
    location: SourceLocation,
    /** HTTP status when the API server answered. */
    readonly status: number | undefined,
    options: { cause: unknown },
  ) {
    const why = options.cause instanceof Error ? (options.cause.message.split('\n')[0] ?? '') : String(options.cause)
    super(location, `could not read ConfigMap ${location.configMap}${status === undefined ? '' : ` (HTTP ${status})`}: ${why}`, options)
    this.name = 'SourceFetchError'
  }
}

/** How a remote fetch failed; each maps to one {@link SourceErrorCode} (and condition reason). */
export type RemoteFailureKind = 'unreachable' | 'timeout' | 'tls' | 'unauthorized' | 'http' | 'refused'

const RemoteCodes: Readonly<Record<RemoteFailureKind, SourceErrorCode>> = {
  unreachable: 'SourceUnreachable',
  timeout: 'SourceTimeout',
  tls: 'SourceTLSFailed',
  unauthorized: 'SourceUnauthorized',
  http: 'SourceHTTPError',
  refused: 'SourceRefusedByPolicy',
}

/**
 * Fetching a remote source (`url`, `git`, `api`) failed. `code` follows `kind`: unreachable, timeout, TLS,
 * 401/403, another HTTP status, or refused by the egress policy. The message names the source (never its
 * credentials) and says why.
 */
export class RemoteSourceError extends SourceError {
  readonly code: SourceErrorCode
  constructor(
    location: SourceLocation,
    /** The failure class. */
    readonly kind: RemoteFailureKind,
    /** HTTP status when the server answered. */
    readonly status: number | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(location, `could not fetch ${location.source ?? 'the source'}: ${detail}`, options)
    this.code = RemoteCodes[kind]
    this.name = 'RemoteSourceError'
  }
}

/** Codes of {@link SourceConfigError}. */
export type SourceConfigErrorCode = 'InvalidSourceConfig' | 'CrossNamespaceNotAllowed' | 'UnsupportedSourceType'

/**
 * `spec.source` cannot work as written (found by the pure `validate`, before any I/O). `field` is the offending
 * path under `spec.source`.
 */
export class SourceConfigError extends Error {
  constructor(
    /** Stable code, the condition reason. */
    readonly code: SourceConfigErrorCode,
    /** Path of the offending field, e.g. `spec.source.configmap.namespace`. */
    readonly field: string,
    message: string,
  ) {
    super(message)
    this.name = 'SourceConfigError'
  }
}
