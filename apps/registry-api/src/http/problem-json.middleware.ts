/** The outermost middleware: every error and every bodiless 4xx/5xx becomes application/problem+json. */
import type { Middleware, ParameterizedContext } from 'koa'
import type { Logger } from 'winston'
import { HttpProblem, problemBody, type ProblemBody } from './http-problem.js'

const PROBLEM_JSON = 'application/problem+json'

/**
 * Maps thrown errors and unanswered requests to RFC 9457 problem bodies (one place, like koa's own onerror):
 * - `HttpProblem` keeps its status and detail;
 * - koa/http-errors errors with `expose` (4xx) keep their message;
 * - anything else is a 500 with a generic body, and the error is logged at `error` with the request;
 * - a request no route answered (404) or answered with a bare 405/501 (router `allowedMethods`) gets a body
 *   saying so, keeping the `Allow` header. The router answers 501 for a method it implements nowhere (TRACE,
 *   PROPFIND…) even on a path that exists; the API promises 405 with `Allow` for any wrong method on a known
 *   path, so such a 501 becomes a 405. A 501 stays only where no route matched the path (then `Allow` is empty).
 * Never sends a stack trace.
 */
export function problemJson(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next()
      if (ctx.body == null && ctx.status >= 400) send(ctx, bodyForUnanswered(ctx), {})
    } catch (err: unknown) {
      if (ctx.headerSent) throw err
      const { body, headers } = bodyForError(ctx, err)
      // Expected 5xx answers (503 before the first snapshot) are states, not failures: only the others are logged.
      if (body.status >= 500 && !(err instanceof HttpProblem && err.expose)) {
        log.error('Failed to handle request', { err, method: ctx.method, path: ctx.path, status: body.status })
      }
      resetHeaders(ctx)
      send(ctx, body, headers)
    }
  }
}

function bodyForUnanswered(ctx: ParameterizedContext): ProblemBody {
  const status = ctx.status
  const where = `${ctx.method} ${ctx.path}`
  switch (status) {
    case 404:
      return problemBody(404, `No resource matches ${where}`, ctx.path)
    case 405:
      return methodNotAllowed(ctx)
    case 501:
      if (String(ctx.res.getHeader('Allow') ?? '') !== '') return methodNotAllowed(ctx)
      return problemBody(501, `Method ${ctx.method} is not implemented by this server`, ctx.path)
    default:
      return problemBody(status, status >= 500 ? 'The server could not answer this request' : `Request failed: ${where}`, ctx.path)
  }
}

function methodNotAllowed(ctx: ParameterizedContext): ProblemBody {
  return problemBody(405, `Method ${ctx.method} is not allowed on ${ctx.path}; allowed: ${String(ctx.res.getHeader('Allow') ?? '')}`, ctx.path)
}

interface ErrorLike { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown; headers?: unknown }

function bodyForError(ctx: ParameterizedContext, err: unknown): { body: ProblemBody; headers: Record<string, string> } {
  if (err instanceof HttpProblem) {
    const body = !err.expose
      ? problemBody(err.status, 'The server could not answer this request', ctx.path, err.type)
      : problemBody(err.status, err.detail, ctx.path, err.type, err.errors)
    return { body, headers: { ...err.headers } }
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike
  const rawStatus = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500
  const status = rawStatus >= 400 && rawStatus <= 599 ? rawStatus : 500
  const exposed = status < 500 && e.expose === true && typeof e.message === 'string'
  const detail = exposed ? String(e.message) : status >= 500 ? 'The server could not answer this request' : 'The request was rejected'
  if (status >= 500 && !(err instanceof Error)) return { body: problemBody(500, detail, ctx.path), headers: {} }
  return { body: problemBody(status, detail, ctx.path), headers: stringHeaders(e.headers) }
}

function stringHeaders(headers: unknown): Record<string, string> {
  if (typeof headers !== 'object' || headers === null) return {}
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') out[k] = v
  return out
}

function resetHeaders(ctx: ParameterizedContext): void {
  const allow = ctx.res.getHeader('Allow')
  for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name)
  if (typeof allow === 'string') ctx.set('Allow', allow)
}

function send(ctx: ParameterizedContext, body: ProblemBody, headers: Record<string, string>): void {
  for (const [k, v] of Object.entries(headers)) ctx.set(k, v)
  ctx.status = body.status
  ctx.set('Content-Type', PROBLEM_JSON)
  ctx.set('Cache-Control', 'no-store')
  ctx.body = JSON.stringify(body)
}
