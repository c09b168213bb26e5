// Attaches an AbortSignal to one client-node request (client-node 2.x has no per-call signal parameter).
import type { ConfigurationOptions } from '@kubernetes/client-node'
import { of } from '@kubernetes/client-node/dist/gen/rxjsStub.js'

/** Request options that make `signal` cancel the HTTP request in flight. */
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
