/** Reads the list page's query string (q, tag, transport, kind, status, page) into a CatalogueQuery. */
import * as E from 'fp-ts/lib/Either.js'
import { HttpProblem } from '../http/http-problem.js'
import { singleParam, type RawQuery } from '../query/list-query.js'
import type { CatalogueQuery, ServerKind } from './catalogue-index.js'

/** Servers on one list page. */
export const CataloguePageSize = 20
/** Longest accepted value of `q` and of each filter. */
export const MaxQueryValueLength = 200
const MaxPage = 1_000_000

const ENUMS = {
  transport: ['stdio', 'streamable-http', 'sse'],
  kind: ['container', 'remote'],
} as const

/** A decoded query or a 400 problem naming the parameter. Empty values mean "not given" (what an empty form field sends). */
export function parseCatalogueQuery(raw: RawQuery): E.Either<HttpProblem, CatalogueQuery> {
  const values: Record<string, string | undefined> = {}
  for (const name of ['q', 'tag', 'transport', 'kind', 'status', 'page']) {
    const v = singleParam(raw, name)
    if (E.isLeft(v)) return v
    const value = v.right === '' ? undefined : v.right
    if (value !== undefined && value.length > MaxQueryValueLength) {
      return E.left(HttpProblem.invalidQuery(400, name, `${name} must be at most ${MaxQueryValueLength} characters`))
    }
    values[name] = value
  }
  for (const [name, allowed] of Object.entries(ENUMS)) {
    const value = values[name]
    if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
      return E.left(HttpProblem.invalidQuery(400, name, `${name} must be one of ${allowed.join(', ')}`, value))
    }
  }
  let page = 1
  if (values['page'] !== undefined) {
    page = /^[1-9][0-9]{0,6}$/.test(values['page']) ? Number(values['page']) : 0
    if (page < 1 || page > MaxPage) return E.left(HttpProblem.invalidQuery(400, 'page', `page must be an integer from 1 to ${MaxPage}`, values['page']))
  }
  return E.right({
    q: values['q'], tag: values['tag'], transport: values['transport'], kind: values['kind'] as ServerKind | undefined,
    status: values['status'], page, pageSize: CataloguePageSize,
  })
}
