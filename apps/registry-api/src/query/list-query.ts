/** Parsing and validation of the upstream list query (`GET /v0.1/servers`), as the official registry does it. */
import * as E from 'fp-ts/lib/Either.js'
import { HttpProblem } from '../http/http-problem.js'
import { decodeCursor, type CursorKey } from './cursor.js'
import { parseRfc3339Nanos } from './rfc3339.js'

/** Page size when `limit` is absent. */
export const DefaultLimit = 30
/** Largest accepted `limit`. */
export const MaxLimit = 100

/** A validated list query. */
export interface ListQuery {
  readonly limit: number
  /** Items strictly after this key are listed (from `cursor`). */
  readonly after?: CursorKey
  /** Lower-cased search term: case-insensitive substring of name, title or description. */
  readonly search?: string
  /** Only items updated strictly after this instant (nanoseconds since the epoch). */
  readonly updatedSinceNs?: bigint
  /** `latest` or an exact version string. */
  readonly version?: string
  /** Whether `deleted` versions are listed (forced on by `updated_since`, as upstream does for mirrors). */
  readonly includeDeleted: boolean
  /** A canonical string for this query, used as the page-cache key. */
  readonly key: string
}

/** The raw query object koa gives us (`ctx.query`). */
export type RawQuery = Readonly<Record<string, string | string[] | undefined>>

/** The message upstream uses for a bad `updated_since` (internal/api/handlers/v0/servers.go). */
export const UpdatedSinceMessage =
  'Invalid updated_since format: expected RFC3339 timestamp (e.g., 2025-08-07T13:15:04.280Z)'

/** Reads a single-valued query parameter; a repeated parameter is a 400 naming it. */
export function singleParam(query: RawQuery, name: string): E.Either<HttpProblem, string | undefined> {
  const value = query[name]
  if (Array.isArray(value)) {
    return E.left(HttpProblem.invalidQuery(400, name, `${name} must be given at most once`, value.join(',')))
  }
  return E.right(value)
}

/** Parses `include_deleted` (`true`/`false`), default false; anything else is a 422 naming it. */
export function parseIncludeDeleted(query: RawQuery): E.Either<HttpProblem, boolean | undefined> {
  const raw = singleParam(query, 'include_deleted')
  if (E.isLeft(raw) || raw.right === undefined) return raw as E.Either<HttpProblem, undefined>
  if (raw.right === 'true') return E.right(true)
  if (raw.right === 'false') return E.right(false)
  return E.left(HttpProblem.invalidQuery(422, 'include_deleted', 'include_deleted must be true or false', raw.right))
}

function parseLimit(raw: string | undefined): E.Either<HttpProblem, number> {
  if (raw === undefined) return E.right(DefaultLimit)
  const n = /^[0-9]{1,4}$/.test(raw) ? Number(raw) : Number.NaN
  if (Number.isInteger(n) && n >= 1 && n <= MaxLimit) return E.right(n)
  return E.left(HttpProblem.invalidQuery(422, 'limit', `limit must be an integer from 1 to ${MaxLimit}`, raw))
}

/**
 * Validates the list parameters `cursor`, `limit`, `search`, `updated_since`, `version` and `include_deleted`.
 * Unknown parameters are ignored, as upstream does. Errors (first one wins):
 * - `limit` not an integer in 1..100: 422;
 * - `cursor` not one we issued: 400; `updated_since` not RFC 3339: 400 (upstream's message);
 * - `include_deleted=false` together with `updated_since`: 400 (upstream's rule: incremental sync needs tombstones);
 * - any parameter given twice: 400.
 */
export function parseListQuery(query: RawQuery): E.Either<HttpProblem, ListQuery> {
  const names = ['cursor', 'limit', 'search', 'updated_since', 'version'] as const
  const raw: Partial<Record<(typeof names)[number], string>> = {}
  for (const name of names) {
    const v = singleParam(query, name)
    if (E.isLeft(v)) return v
    if (v.right !== undefined) raw[name] = v.right
  }
  const limit = parseLimit(raw.limit)
  if (E.isLeft(limit)) return limit
  const includeDeletedParam = parseIncludeDeleted(query)
  if (E.isLeft(includeDeletedParam)) return includeDeletedParam

  let after: CursorKey | undefined
  if (raw.cursor !== undefined && raw.cursor !== '') {
    after = decodeCursor(raw.cursor)
    if (after === undefined) {
      return E.left(HttpProblem.invalidQuery(400, 'cursor',
        'Invalid cursor: pass the metadata.nextCursor value of a previous response unchanged', raw.cursor))
    }
  }
  let updatedSinceNs: bigint | undefined
  if (raw.updated_since !== undefined) {
    updatedSinceNs = parseRfc3339Nanos(raw.updated_since)
    if (updatedSinceNs === undefined) {
      return E.left(HttpProblem.invalidQuery(400, 'updated_since', UpdatedSinceMessage, raw.updated_since))
    }
    if (includeDeletedParam.right === false) {
      return E.left(HttpProblem.invalidQuery(400, 'include_deleted',
        'Cannot set include_deleted=false when using updated_since (incremental sync requires deleted servers)', 'false'))
    }
  }
  const search = raw.search === undefined || raw.search === '' ? undefined : raw.search.toLowerCase()
  const version = raw.version === undefined || raw.version === '' ? undefined : raw.version
  const includeDeleted = updatedSinceNs !== undefined || includeDeletedParam.right === true
  const key = JSON.stringify([limit.right, after?.name, after?.version, search, updatedSinceNs?.toString(), version, includeDeleted])
  return E.right({
    limit: limit.right,
    includeDeleted,
    key,
    ...(after === undefined ? {} : { after }),
    ...(search === undefined ? {} : { search }),
    ...(updatedSinceNs === undefined ? {} : { updatedSinceNs }),
    ...(version === undefined ? {} : { version }),
  })
}
