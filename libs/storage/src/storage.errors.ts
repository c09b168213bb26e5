// Typed errors of @thv/storage; each carries a stable `code` the operator maps to a condition reason.

/** Base class of every error @thv/storage throws on purpose. Subclasses carry a stable `code`. */
export abstract class StorageError extends Error {
  /** Stable machine-readable code (a PascalCase condition reason). */
  abstract readonly code: string
}

/**
 * The snapshot does not fit under the configured ceiling (`maxStoredBytes`, compressed bytes). Nothing was
 * written: the previously stored snapshot is untouched. Condition reason `StorageTooLarge`.
 */
export class StorageTooLargeError extends StorageError {
  readonly code = 'StorageTooLarge'
  constructor(
    /** `namespace/name` of the registry. */
    readonly registry: string,
    /** Size the snapshot would occupy, in bytes (gzip-compressed). */
    readonly storedBytes: number,
    /** The configured ceiling, in bytes. */
    readonly maxStoredBytes: number,
  ) {
    super(
      `Snapshot of registry ${registry} needs ${storedBytes} bytes compressed, above the storage ceiling of ${maxStoredBytes} bytes; the previous snapshot was kept`,
    )
    this.name = 'StorageTooLargeError'
  }
}

/**
 * Stored data cannot be decoded: not gzip, not JSON, not a snapshot, a malformed index, or a hash that does not
 * match. Condition reason `StorageCorrupt`.
 */
export class StorageCorruptError extends StorageError {
  readonly code = 'StorageCorrupt'
  constructor(
    /** `namespace/name` of the ConfigMap holding the bad data. */
    readonly configMap: string,
    /** What is wrong, in one sentence fragment (e.g. `snapshot decode failed: servers/3/server/name: …`). */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Stored snapshot in ConfigMap ${configMap} is corrupt: ${detail}`, options)
    this.name = 'StorageCorruptError'
  }
}

/**
 * A sharded snapshot could not be read consistently: shards kept vanishing or changing under the reader for every
 * attempt (a writer publishing faster than the reader reads, or shards damaged outside the operator).
 * Condition reason `StorageInconsistent`.
 */
export class StorageInconsistentError extends StorageError {
  readonly code = 'StorageInconsistent'
  constructor(
    /** `namespace/name` of the index ConfigMap. */
    readonly configMap: string,
    /** Attempts made. */
    readonly attempts: number,
    /** Why the last attempt failed. */
    readonly lastProblem: string,
  ) {
    super(`Could not read a consistent snapshot from ConfigMap ${configMap} in ${attempts} attempts: ${lastProblem}`)
    this.name = 'StorageInconsistentError'
  }
}

/**
 * A Kubernetes API call failed (network, permissions, conflict with another writer). The `cause` is the
 * client-node `ApiException` or network error; `status` is the HTTP status when there was one.
 * Condition reason `StorageFailed`.
 */
export class StorageApiError extends StorageError {
  readonly code = 'StorageFailed'
  constructor(
    /** What was attempted (`create`, `replace`, `read`, `delete`, `deletecollection`, `list`). */
    readonly operation: string,
    /** `namespace/name` of the ConfigMap (or `namespace/<selector>` for collection calls). */
    readonly configMap: string,
    /** HTTP status of the failed call, when the API server answered. */
    readonly status: number | undefined,
    options: { cause: unknown },
  ) {
    super(
      `Could not ${operation} ConfigMap ${configMap}${status === undefined ? '' : ` (HTTP ${status})`}: ${messageOf(options.cause)}`,
      options,
    )
    this.name = 'StorageApiError'
  }
}

function messageOf(cause: unknown): string {
  if (cause instanceof Error) return cause.message.split('\n')[0] ?? cause.message
  return String(cause)
}
