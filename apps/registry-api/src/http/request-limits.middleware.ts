/** Rejects oversize requests (413, 414) and malformed path encoding (400) before any routing. */
import type { Middleware } from 'koa'
import { HttpProblem } from './http-problem.js'

/** Request size limits. */
export interface RequestLimits {
  /** Longest accepted request target (path + query), in bytes. Default 8 KiB. Longer: 414. */
  readonly maxUrlBytes: number
  /** Largest accepted declared request body, in bytes. Default 64 KiB (the API reads no bodies). Larger: 413. */
  readonly maxBodyBytes: number
}

/** The defaults of `RequestLimits`. Header sections beyond Node's `maxHeaderSize` (16 KiB) get 431. */
export const DefaultRequestLimits: RequestLimits = { maxUrlBytes: 8 * 1024, maxBodyBytes: 64 * 1024 }

/**
 * Enforces `limits`, and answers 400 when the path holds a malformed percent-escape (upstream answers
 * "Invalid server name encoding" in that case), so a bad escape is never routed as a literal name.
 */
export function requestLimits(limits: RequestLimits): Middleware {
  return async (ctx, next) => {
    if (Buffer.byteLength(ctx.url) > limits.maxUrlBytes) {
      throw new HttpProblem(414, `The request target is longer than ${limits.maxUrlBytes} bytes`)
    }
    const declared = ctx.request.headers['content-length']
    if (declared !== undefined && Number(declared) > limits.maxBodyBytes) {
      throw new HttpProblem(413, `The request body is larger than ${limits.maxBodyBytes} bytes`)
    }
    const path = ctx.path
    if (path.includes('%')) {
      try {
        decodeURIComponent(path)
      } catch (err: unknown) {
        throw new HttpProblem(400, `Invalid percent-encoding in path ${JSON.stringify(path)}`, undefined, undefined, { cause: err })
      }
    }
    await next()
  }
}
