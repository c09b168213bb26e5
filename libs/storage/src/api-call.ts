// Kubernetes API calls of the storage: 404 detection, and wrapping failures in StorageApiError.
import { httpStatusOf } from '@thv/kube-calls/http'
import { StorageApiError } from './storage.errors.js'

/** Runs one API call; an abort rethrows the signal's reason, anything else becomes a {@link StorageApiError}. */
export async function apiCall<T>(operation: string, target: string, signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  signal.throwIfAborted()
  try {
    return await call()
  } catch (err) {
    signal.throwIfAborted()
    throw new StorageApiError(operation, target, httpStatusOf(err), { cause: err })
  }
}

/** Like {@link apiCall} for a read, but resolves `undefined` on 404. */
export async function readOrUndefined<T>(target: string, signal: AbortSignal, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await apiCall('read', target, signal, call)
  } catch (err) {
    if (err instanceof StorageApiError && err.status === 404) return undefined
    throw err
  }
}
