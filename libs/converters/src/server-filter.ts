/** Name and tag filters over upstream servers (semantics in this library's README): exclude beats include, empty include keeps all. */
import * as E from 'fp-ts/lib/Either.js'
import { compileGlob, type Glob, type InvalidGlobError } from './glob.js'
import { toolHiveExtensionsOf, toolHiveKeyOf } from './meta-keys.js'

/**
 * Include/exclude lists. An absent or empty `include` means "everything".
 *
 * @category filters
 * @since 0.1.0
 */
export interface IncludeExclude {
  /** Keep only what matches one of these (OR). Empty or absent: keep everything not excluded. */
  readonly include?: ReadonlyArray<string> | null | undefined
  /** Drop whatever matches one of these; beats `include`. */
  readonly exclude?: ReadonlyArray<string> | null | undefined
}

/**
 * The `spec.filter` of an MCPRegistry. `include`/`exclude` are name globs; ToolHive's shipped shape
 * `names.{include,exclude}` means the same and is merged with them. `tags` compare exactly and case-sensitively.
 *
 * @category filters
 * @since 0.1.0
 */
export interface ServerFilter extends IncludeExclude {
  /** ToolHive's v1alpha1 spelling of the name globs. */
  readonly names?: IncludeExclude | null | undefined
  /** Tag lists: exact, case-sensitive equality; `include` is OR. */
  readonly tags?: IncludeExclude | null | undefined
}

/**
 * A validated filter, ready to apply. Obtain one with {@link validateFilter}.
 *
 * @category filters
 * @since 0.1.0
 */
export interface CompiledFilter {
  /** Discriminant so a compiled filter is never mistaken for a {@link ServerFilter}. */
  readonly _tag: 'CompiledFilter'
  /** Name globs of `include` and `names.include`; empty keeps every name. */
  readonly includeNames: ReadonlyArray<Glob>
  /** Name globs of `exclude` and `names.exclude`. */
  readonly excludeNames: ReadonlyArray<Glob>
  /** Tags of which a server needs at least one; empty keeps every server. */
  readonly includeTags: ReadonlySet<string>
  /** Tags that drop a server carrying any of them. */
  readonly excludeTags: ReadonlySet<string>
}

/**
 * One bad pattern in a filter, with its place (`include[2]`, `names.exclude[0]`).
 *
 * @category errors
 * @since 0.1.0
 */
export interface FilterProblem {
  /** Where the pattern is in the filter: `include[2]`, `names.exclude[0]`. */
  readonly path: string
  /** Why it does not compile. */
  readonly error: InvalidGlobError
}

/**
 * A filter with at least one invalid glob; lists every one.
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidFilterError extends Error {
  /** Stable error code. */
  readonly code = 'InvalidFilter'
  constructor(readonly problems: ReadonlyArray<FilterProblem>) {
    super(`Invalid filter: ${problems.map((p) => `${p.path}: ${p.error.message}`).join('; ')}`)
    this.name = 'InvalidFilterError'
  }
}

/**
 * What a filter looks at: a `server.json` object or an API `ServerResponse` (`{server, _meta}`).
 *
 * @category filters
 * @since 0.1.0
 */
export type FilterableServer = { readonly name: string; readonly _meta?: unknown } | { readonly server: { readonly name: string; readonly _meta?: unknown } }

const list = (xs: ReadonlyArray<string> | null | undefined): ReadonlyArray<string> => xs ?? []

/**
 * Checks every glob of a filter (pure; the operator uses it for `spec.filter`) and compiles it.
 * `undefined`/`null` gives the filter that keeps everything.
 *
 * @returns a Left {@link InvalidFilterError} naming every invalid pattern.
 * @category filters
 * @since 0.1.0
 */
export function validateFilter(filter: ServerFilter | null | undefined): E.Either<InvalidFilterError, CompiledFilter> {
  const problems: FilterProblem[] = []
  const compile = (path: string, patterns: ReadonlyArray<string>): Glob[] =>
    patterns.flatMap((p, i) => {
      const glob = compileGlob(p)
      if (E.isRight(glob)) return [glob.right]
      problems.push({ path: `${path}[${i}]`, error: glob.left })
      return []
    })
  const includeNames = [...compile('include', list(filter?.include)), ...compile('names.include', list(filter?.names?.include))]
  const excludeNames = [...compile('exclude', list(filter?.exclude)), ...compile('names.exclude', list(filter?.names?.exclude))]
  if (problems.length > 0) return E.left(new InvalidFilterError(problems))
  return E.right({
    _tag: 'CompiledFilter',
    includeNames,
    excludeNames,
    includeTags: new Set(list(filter?.tags?.include)),
    excludeTags: new Set(list(filter?.tags?.exclude)),
  })
}

/**
 * The tags of a server: the union of `tags` in its ToolHive extension blocks
 * (`_meta[publisher-provided]["io.github.stacklok"][*].tags`), as ToolHive's registry server reads them.
 *
 * @category filters
 * @since 0.1.0
 */
export function tagsOf(server: { readonly _meta?: unknown }): ReadonlyArray<string> {
  const tags = new Set<string>()
  for (const block of Object.values(toolHiveExtensionsOf(server._meta))) {
    const t = block['tags']
    if (Array.isArray(t)) for (const tag of t) if (typeof tag === 'string') tags.add(tag)
  }
  return [...tags]
}

const serverOf = (s: FilterableServer): { readonly name: string; readonly _meta?: unknown } => ('server' in s ? s.server : s)

/**
 * True iff a server passes a compiled filter: its name (the full upstream name, the part after the last `/`, or
 * the ToolHive key {@link toolHiveKeyOf}) is matched by no exclude glob and, when include globs exist, by one of them; then its tags contain
 * no exclude tag and, when include tags exist, at least one include tag.
 *
 * @category filters
 * @since 0.1.0
 */
export function matchesFilter(server: FilterableServer, filter: CompiledFilter): boolean {
  const s = serverOf(server)
  const names = [s.name, s.name.slice(s.name.lastIndexOf('/') + 1), toolHiveKeyOf(s.name)]
  const hit = (globs: ReadonlyArray<Glob>) => globs.some((g) => names.some((n) => g.matches(n)))
  if (hit(filter.excludeNames)) return false
  if (filter.includeNames.length > 0 && !hit(filter.includeNames)) return false
  if (filter.excludeTags.size === 0 && filter.includeTags.size === 0) return true
  const tags = tagsOf(s)
  if (tags.some((t) => filter.excludeTags.has(t))) return false
  return filter.includeTags.size === 0 || tags.some((t) => filter.includeTags.has(t))
}

/**
 * Keeps the servers that pass a compiled filter, in their original order.
 *
 * @category filters
 * @since 0.1.0
 */
export function applyFilter<T extends FilterableServer>(servers: ReadonlyArray<T>, filter: CompiledFilter): T[] {
  return servers.filter((s) => matchesFilter(s, filter))
}

/**
 * Validates `filter` and keeps the servers that pass it (see {@link matchesFilter}).
 *
 * @returns a Left {@link InvalidFilterError} when a glob is invalid; never a partial result.
 * @example
 * filterServers(servers, { include: ['io.github.*'], exclude: ['*-beta'], tags: { include: ['database'] } })
 * @category filters
 * @since 0.1.0
 */
export function filterServers<T extends FilterableServer>(
  servers: ReadonlyArray<T>,
  filter: ServerFilter | CompiledFilter | null | undefined,
): E.Either<InvalidFilterError, T[]> {
  const compiled = filter !== null && filter !== undefined && '_tag' in filter ? E.right(filter) : validateFilter(filter)
  return E.map((f: CompiledFilter) => applyFilter(servers, f))(compiled)
}
