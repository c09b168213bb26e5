// Kubernetes API call helpers: abort signals on requests, 404 detection, and wrapping failures in StorageApiError.
import { ApiException, type ConfigurationOptions } from '@kubernetes/client-node'
import { of } from '@kubernetes/client-node/dist/gen/rxjsStub.js'
import { StorageApiError } from './storage.errors.js'

/**
 * Request options that attach `signal` to the HTTP request, so aborting cancels a call in flight. client-node 2.x
 * has no per-call signal parameter; a request middleware sets it on the request context.
 */
export function withSignal(signal: AbortSignal): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (ctx) => {
          ctx.setSignal(signal)
          return of(ctx)
        },
        post: (res) => of(res),
      },
    ],
    middlewareMergeStrategy: 'append',
  }
}

/** HTTP status of a client-node failure, when the API server answered. */
export function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined
}

/** Runs one API call; an abort rethrows the signal's reason, anything else becomes a {@link StorageApiError}. */
export async function apiCall<T>(operation: string, target: string, signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  signal.throwIfAborted()
  try {
    return await call()
  } catch (err) {
    signal.throwIfAborted()
    throw new StorageApiError(operation, target, statusOf(err), { cause: err })
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
