/** The upstream MCP Registry API (generic registry spec) under `/v0` or `/v0.1`. */
import type { Router } from '@koa/router'
import { HttpProblem } from '../http/http-problem.js'
import { sendCached } from '../http/send-cached.js'
import { parseIncludeDeleted, parseListQuery } from '../query/list-query.js'
import type { ViewSource } from '../snapshot/snapshot-store.js'
import { orThrow, pathParam, requireView } from './route-helpers.js'

/**
 * `GET {prefix}/servers` (cursor, limit, search, updated_since, version, include_deleted),
 * `GET {prefix}/servers/{serverName}/versions` and `GET {prefix}/servers/{serverName}/versions/{version}`.
 * `serverName` is one URL-encoded segment (`io.github.x%2Fy`); `version` may be `latest` or carry `+build`
 * (raw or as `%2B`). Not found is 404 "Server not found", as upstream says it.
 */
export function serversRoutes(router: Router, store: ViewSource, prefix: '/v0' | '/v0.1'): Router {
  return router
    .get(`${prefix}/servers`, (ctx) => {
      const query = orThrow(parseListQuery(ctx.query))
      sendCached(ctx, requireView(store, ctx).listPage(query))
    })
    .get(`${prefix}/servers/:serverName/versions`, (ctx) => {
      const includeDeleted = orThrow(parseIncludeDeleted(ctx.query)) ?? false
      const name = pathParam(ctx.params, 'serverName')
      const body = requireView(store, ctx).versions(name, includeDeleted)
      if (body === undefined) throw HttpProblem.notFound('Server not found')
      sendCached(ctx, body)
    })
    .get(`${prefix}/servers/:serverName/versions/:version`, (ctx) => {
      const includeDeleted = orThrow(parseIncludeDeleted(ctx.query)) ?? false
      const name = pathParam(ctx.params, 'serverName')
      const version = pathParam(ctx.params, 'version')
      const body = requireView(store, ctx).version(name, version, includeDeleted)
      if (body === undefined) throw HttpProblem.notFound('Server not found')
      sendCached(ctx, body)
    })
}
