/** Small helpers shared by the route modules: the current view and query parameters that several routes take. */
import * as E from 'fp-ts/lib/Either.js'
import { HttpProblem } from '../http/http-problem.js'
import type { RawQuery } from '../query/list-query.js'
import { singleParam } from '../query/list-query.js'
import type { ViewSource } from '../snapshot/snapshot-store.js'
import type { ServedView } from '../views/registry-view.js'

/** The view to answer from: the one a `/registry/{view}` prefix chose, else the store's current (first) view. */
export function requireView(store: ViewSource, ctx: { readonly state: unknown }): ServedView {
  const chosen = (ctx.state as { view?: ServedView } | undefined)?.view
  if (chosen !== undefined) return chosen
  const view = store.current
  if (view === undefined) throw HttpProblem.notReady()
  return view
}

/** Throws the Left of an Either (an HttpProblem) or returns its Right. */
export function orThrow<A>(result: E.Either<HttpProblem, A>): A {
  if (E.isLeft(result)) throw result.left
  return result.right
}

/** Output formats of the `/api/v1/registry/servers` routes. */
export type RegistryFormat = 'toolhive' | 'upstream'

/**
 * Reads `format` (`toolhive`, the default when the parameter is absent, or `upstream`); anything else, the empty
 * value included (the parameter's enum excludes it), is a 400 naming the parameter.
 */
export function parseFormat(query: RawQuery): E.Either<HttpProblem, RegistryFormat> {
  const raw = singleParam(query, 'format')
  if (E.isLeft(raw)) return raw
  if (raw.right === undefined || raw.right === 'toolhive') return E.right('toolhive')
  if (raw.right === 'upstream') return E.right('upstream')
  return E.left(HttpProblem.invalidQuery(400, 'format', 'format must be toolhive or upstream', raw.right))
}

/** A path parameter as the router decoded it (`io.github.x%2Fy` arrives as `io.github.x/y`). */
export function pathParam(params: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = params[name]
  if (value === undefined) throw new Error(`Route declares no parameter ${name}`)
  return value
}
