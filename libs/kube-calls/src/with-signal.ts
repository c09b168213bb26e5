/** Attaching an AbortSignal to one client-node request. */
import { Observable, type ConfigurationOptions } from '@kubernetes/client-node'

/**
 * Request options that attach `signal` to the HTTP request, so aborting cancels a call in flight. client-node 2.x
 * has no per-call signal parameter; a request middleware (appended to the configured ones) sets it on the request
 * context. Pass the result as the last argument of a client-node API call.
 * @example
 * await core.readNamespacedConfigMap({ namespace, name }, withSignal(signal))
 */
export function withSignal(signal: AbortSignal): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (ctx) => {
          ctx.setSignal(signal)
          return new Observable(Promise.resolve(ctx))
        },
        post: (res) => new Observable(Promise.resolve(res)),
      },
    ],
    middlewareMergeStrategy: 'append',
  }
}
