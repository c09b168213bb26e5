/** createApp: the registry API as a Koa application, built from explicit dependencies. */
import { ServerResponse, type IncomingMessage, type Server } from 'node:http'
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2'
import { Router } from '@koa/router'
import Koa from 'koa'
import type { Logger } from 'winston'
import type { ApiAuth } from './auth/api-auth.js'
import { authenticateRequests, hideViews, protectedResourceRoutes, restrictionOf, restrictViews, visibilityOfRequest } from './auth/auth.middleware.js'
import type { ApiMetrics } from './http/api-metrics.js'
import type { ByteLruOptions } from './http/byte-lru.js'
import { installClientErrorHandler } from './http/client-error.js'
import { observeRequests } from './http/observe-requests.middleware.js'
import { problemJson } from './http/problem-json.middleware.js'
import { DefaultRequestLimits, requestLimits, type RequestLimits } from './http/request-limits.middleware.js'
import { RequestObserver, type RequestHook } from './http/request-observer.js'
import { viewPrefix } from './http/view-prefix.middleware.js'
import { DefaultResponseMemo, rememberResponses, replayFromMemo, ResponseMemo, type MemoPartition } from './http/response-memo.js'
import { catalogueAssetRoutes, catalogueRoutes, type CatalogueMount } from './catalogue/catalogue.routes.js'
import { docsRoutes } from './catalogue/docs.routes.js'
import { healthRoutes } from './routes/health.routes.js'
import { registryRoutes } from './routes/registry.routes.js'
import { serversRoutes } from './routes/servers.routes.js'
import type { ViewSource } from './snapshot/snapshot-store.js'

/** Everything the HTTP layer needs; `main.ts` builds these, tests pass their own. */
export interface AppDeps {
  /** Holds the snapshot being served; loaders feed it. */
  readonly store: ViewSource
  readonly metrics: ApiMetrics
  readonly log: Logger
  /** The OpenAPI document served at `/openapi.yaml` (see `loadOpenApiYaml`). */
  readonly openApiYaml: string
  /** Size limits; defaults in `DefaultRequestLimits`. */
  readonly limits?: RequestLimits
  /** Bounds of the memo of answered GET targets; default `DefaultResponseMemo`. */
  readonly responseMemo?: ByteLruOptions
  /** Also told about every answered request (OpenTelemetry); none by default. */
  readonly requestHook?: RequestHook
  /** Authentication and claims-based authorization (`--auth-config`); without it every caller sees everything. */
  readonly auth?: ApiAuth
}

/** The memo partition of a request before koa: the key of what the caller may not see, from verified tokens only. */
function memoPartition(auth: ApiAuth, store: ViewSource): MemoPartition {
  return (req, path) => {
    const found = auth.cachedAuthentication(path, req.headers.authorization)
    return found === undefined ? undefined : restrictionOf(found, store)?.key
  }
}

/** Answers a request before koa does and returns true, or returns false to leave it to koa. */
export type EarlyAnswer = (req: IncomingMessage, res: ServerResponse) => boolean

const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ECANCELED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED'])

/**
 * A Koa app whose `listen()` also answers parser-level errors (431 and malformed requests) as problem+json,
 * and whose request handler first offers each request to an optional `EarlyAnswer` (the response memo).
 */
export class RegistryApiApp extends Koa {
  #earlyAnswer: EarlyAnswer | undefined

  constructor(private readonly log: Logger) {
    super()
    // Errors that reach koa itself come from writing a response (problemJson handles all the others); a client
    // that hangs up mid-response is routine, anything else is logged as an error. Without a listener koa prints
    // them to stderr.
    this.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== undefined && CLIENT_GONE.has(err.code)) this.log.debug('Client closed the connection', { code: err.code })
      else this.log.error('Failed to send response', { err })
    })
  }

  /** Offers every HTTP/1 request to `answer` before koa; set it before `listen()` or `callback()`. */
  answerEarly(answer: EarlyAnswer): this {
    this.#earlyAnswer = answer
    return this
  }

  override callback(): (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => Promise<void> {
    const handle = super.callback()
    const early = this.#earlyAnswer
    if (early === undefined) return handle
    const answered = Promise.resolve()
    return (req, res) => (res instanceof ServerResponse && early(req as IncomingMessage, res) ? answered : handle(req, res))
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- forwards koa's overloaded listen() unchanged
  override listen(...args: any[]): Server {
    const server = super.listen(...(args as Parameters<Koa['listen']>))
    installClientErrorHandler(server, this.log)
    return server
  }
}

/**
 * The catalogue at `/` (and at `/registry/{view}/` through a view's prefix); a JSON client asking for it gets the
 * entry points of that view instead.
 */
const RootCatalogue: CatalogueMount = {
  prefix: '',
  json: (ctx, prefix) => {
    ctx.type = 'application/json'
    ctx.body = JSON.stringify({
      catalogue: `${prefix}/`, docs: '/docs', openapi: `${prefix}/openapi.yaml`,
      registry: `${prefix}/api/v1/registry/servers`, servers: [`${prefix}/v0/servers`, `${prefix}/v0.1/servers`],
    })
  },
}

/**
 * Builds the app. Reading top-down: problem+json outermost (maps every error, logs 5xx), request metrics and
 * debug logs, size limits, authentication when `auth` is set (401/403), recording of GETs answered from cached
 * bodies (partitioned by what the caller may see), the view prefix, the view restricted to the caller, then the router followed by
 * `allowedMethods()`, so a wrong method gets 405 with `Allow` instead of 404. A GET whose target was recorded
 * for the current snapshot and the caller's partition is answered from the memo before koa sees it (same headers,
 * same metrics); a bearer token not verified yet always goes through koa.
 */
export function createApp(deps: AppDeps): RegistryApiApp {
  const app = new RegistryApiApp(deps.log)
  const observer = new RequestObserver(deps.metrics, deps.log, deps.requestHook)
  const memo = new ResponseMemo(() => deps.store.current, deps.responseMemo ?? DefaultResponseMemo)
  const auth = deps.auth
  app.answerEarly(replayFromMemo(memo, observer, auth === undefined ? undefined : memoPartition(auth, deps.store)))
  app.use(problemJson(deps.log))
  app.use(observeRequests(observer))
  app.use(requestLimits(deps.limits ?? DefaultRequestLimits))
  if (auth !== undefined) app.use(authenticateRequests(auth))
  app.use(rememberResponses(memo, (ctx) => visibilityOfRequest(ctx).key))
  if (auth !== undefined) app.use(hideViews(deps.store))
  app.use(viewPrefix(deps.store))
  if (auth !== undefined) app.use(restrictViews(deps.store))
  // One router for every route: one match per request, and allowedMethods() sees every route of a path.
  const router = new Router()
  healthRoutes(router, { store: deps.store, metrics: deps.metrics, openApiYaml: deps.openApiYaml })
  registryRoutes(router, deps.store)
  serversRoutes(router, deps.store, '/v0')
  serversRoutes(router, deps.store, '/v0.1')
  catalogueAssetRoutes(router)
  catalogueRoutes(router, deps.store, RootCatalogue)
  docsRoutes(router)
  protectedResourceRoutes(router, auth)
  app.use(router.routes()).use(router.allowedMethods())
  return app
}
