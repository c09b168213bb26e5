/**
 * The auth middleware of the API: `authenticateRequests` (401 without a valid token outside the public paths, 403
 * for a token without a supported scope, then the caller in `ctx.state`), `hideViews` (after the memo has begun,
 * before the view prefix: what the caller may not see in the current snapshot; a hidden view is 404 like an unknown
 * one) and `restrictViews` (after the view prefix: every answer comes from the view restricted to the caller).
 * `protectedResourceRoutes` serves the RFC 9728 metadata.
 */
import type { Router } from '@koa/router'
import type { Middleware, ParameterizedContext } from 'koa'
import { CachedBody } from '../http/cached-body.js'
import { HttpProblem } from '../http/http-problem.js'
import { sendCached } from '../http/send-cached.js'
import type { ViewSource } from '../snapshot/snapshot-store.js'
import type { ApiAuth, Authentication } from './api-auth.js'
import { bearerChallenge, ProtectedResourcePath, protectedResourceDocument, resourceUrlOf } from './protected-resource.js'
import type { ViewRestriction } from '../snapshot/restricted-snapshot.js'
import { FullVisibility } from './visibility.js'

/** Problem type of 401 and 403 answers. */
export const UnauthorizedProblemType = 'urn:thv-registry:problem:unauthorized'
/** Problem type of 403 answers for a missing scope. */
export const ForbiddenProblemType = 'urn:thv-registry:problem:insufficient-scope'

const VISIBILITY = Symbol('visibility')
const AUTHENTICATION = Symbol('authentication')

/** What `authenticateRequests` found this request's caller may not see (nothing when auth is not configured). */
export function visibilityOfRequest(ctx: { readonly state: unknown }): ViewRestriction {
  return (ctx.state as Record<symbol, ViewRestriction | undefined>)[VISIBILITY] ?? FullVisibility
}

/**
 * What the caller of `result` may not see in the current snapshot: its visibility (views and sources) plus, in
 * oauth mode, the entries whose own claims it does not match; undefined when the request must be refused.
 */
export function restrictionOf(result: Authentication, store: ViewSource): ViewRestriction | undefined {
  if (result.kind === 'open') return result.claims === undefined ? result.visibility : store.restrictionFor(result.visibility, result.claims)
  if (result.kind === 'caller' && result.principal.scopeOk) return store.restrictionFor(result.principal.visibility, result.principal.claims)
  return undefined
}

function origin(ctx: ParameterizedContext): string {
  return `${ctx.protocol}://${ctx.host}`
}

/** 401 (no or a refused token, with the challenge) and 403 (no supported scope); records the caller for `hideViews`. */
export function authenticateRequests(auth: ApiAuth): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('authorization')
    const result = await auth.authenticate(ctx.path, header === '' ? undefined : header)
    const resource = (): string => resourceUrlOf(auth.settings, origin(ctx))
    switch (result.kind) {
      case 'open':
        break
      case 'missing':
        throw new HttpProblem(401, 'A bearer token is required (Authorization: Bearer <token>)', UnauthorizedProblemType, undefined,
          { headers: { 'WWW-Authenticate': bearerChallenge(auth.settings, resource()) } })
      case 'invalid':
        throw new HttpProblem(401, result.description, UnauthorizedProblemType, undefined,
          { headers: { 'WWW-Authenticate': bearerChallenge(auth.settings, resource(), { code: 'invalid_token', description: result.description }) } })
      case 'caller': {
        if (!result.principal.scopeOk) {
          const description = `The token has none of the scopes this API accepts (${(auth.settings.oauth?.scopesSupported ?? []).join(', ')})`
          throw new HttpProblem(403, description, ForbiddenProblemType, undefined,
            { headers: { 'WWW-Authenticate': bearerChallenge(auth.settings, resource(), { code: 'insufficient_scope', description }) } })
        }
        break
      }
    }
    ;(ctx.state as Record<symbol, Authentication>)[AUTHENTICATION] = result
    return next()
  }
}

/** Paths that answer the same for every caller and read no view. */
const ViewFree = /^\/(health|readiness|metrics|openapi\.yaml|docs(\/.*)?|ui\/assets\/.*|\.well-known\/.*)$/

/**
 * After the response memo has begun and before `viewPrefix`: works out what the caller may not see in the current
 * snapshot (computed here, in the same synchronous run as the view `restrictViews` picks, so both belong to one
 * snapshot) and answers 404 for any `/registry/{view}…` path of a hidden view: the same answer as for an unknown one,
 * before the prefix could redirect or route, so view names do not leak.
 */
export function hideViews(store: ViewSource): Middleware {
  return async (ctx, next) => {
    const authentication = (ctx.state as Record<symbol, Authentication | undefined>)[AUTHENTICATION]
    const restriction = authentication === undefined ? FullVisibility : restrictionOf(authentication, store) ?? FullVisibility
    ;(ctx.state as Record<symbol, ViewRestriction>)[VISIBILITY] = restriction
    const name = /^\/registry\/([^/]+)/.exec(ctx.path)?.[1]
    if (name !== undefined && restriction.hiddenViews.has(name) && store.current !== undefined) {
      throw HttpProblem.notFound(`No registry view named ${JSON.stringify(name)}`)
    }
    return next()
  }
}

/**
 * After `viewPrefix`: for a caller who may not see everything, serves the view restricted to the caller's views,
 * sources and entries (a hidden first view answers 404 at the unprefixed paths).
 */
export function restrictViews(store: ViewSource): Middleware {
  return async (ctx, next) => {
    const restriction = visibilityOfRequest(ctx)
    if (restriction.key === '' || store.current === undefined || ViewFree.test(ctx.path)) return next()
    const name = (ctx.state as { viewName?: string }).viewName
    const view = store.restricted(name, restriction)
    if (view === undefined) {
      throw HttpProblem.notFound(name === undefined ? 'No registry view is served at this path' : `No registry view named ${JSON.stringify(name)}`)
    }
    ;(ctx.state as { view?: unknown }).view = view
    return next()
  }
}

/**
 * `GET /.well-known/oauth-protected-resource[/…]`: the RFC 9728 metadata; a 404 problem when the API runs without
 * auth settings (the route exists either way, so a wrong method is 405 like on every documented path).
 */
export function protectedResourceRoutes(router: Router, auth: ApiAuth | undefined): Router {
  const bodies = new Map<string, CachedBody>()
  const answer = (ctx: ParameterizedContext): void => {
    if (auth === undefined) throw HttpProblem.notFound('This registry API runs without auth settings: it is not an OAuth protected resource')
    const resource = resourceUrlOf(auth.settings, origin(ctx))
    let body = bodies.get(resource)
    if (body === undefined) {
      body = CachedBody.json(JSON.stringify(protectedResourceDocument(auth.settings, resource)))
      if (bodies.size < 16) bodies.set(resource, body)
    }
    sendCached(ctx, body)
  }
  return router.get(ProtectedResourcePath, answer).get(`${ProtectedResourcePath}/*rest`, answer)
}

