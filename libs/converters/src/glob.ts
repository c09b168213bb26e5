/** Name globs for registry filters: `*` (any run, including `/`), `?`, `[...]` classes and `\` escapes. */
import * as E from 'fp-ts/lib/Either.js'

/**
 * A glob pattern that cannot be compiled (an unclosed `[`, an empty class, a trailing `\`, a reversed range).
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidGlobError extends Error {
  /** Stable error code. */
  readonly code = 'InvalidGlob'
  constructor(
    /** The pattern as given. */
    readonly pattern: string,
    /** Zero-based index (in code points) in the pattern where the problem starts. */
    readonly position: number,
    /** Why the pattern is invalid, one short phrase. */
    readonly reason: string,
  ) {
    super(`Invalid glob ${JSON.stringify(pattern)} at position ${position}: ${reason}`)
    this.name = 'InvalidGlobError'
  }
}

/**
 * A compiled glob: `matches(name)` is true iff the whole name matches the pattern (case-sensitive).
 *
 * @category filters
 * @since 0.1.0
 */
export interface Glob {
  /** The source pattern. */
  readonly pattern: string
  /** True iff `name` matches the pattern as a whole. */
  readonly matches: (name: string) => boolean
}

// The regular expressions use the `u` flag, which allows identity escapes only for syntax characters.
const escapeLiteral = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')
const escapeClassChar = (c: string): string => c.replace(/[\\\][^-]/g, '\\$&')

/** Reads one class member (a character, possibly escaped) starting at `i`; returns [char, next index]. */
function readClassChar(pattern: readonly string[], i: number): [string, number] | undefined {
  const c = pattern[i]
  if (c === undefined) return undefined
  if (c === '\\') {
    const next = pattern[i + 1]
    return next === undefined ? undefined : [next, i + 2]
  }
  return [c, i + 1]
}

/**
 * Compiles a glob. Semantics: `*` matches any run of characters **including `/`** (so `io.github.*` matches
 * `io.github.x/y`), `?` exactly one character, `[abc]`, `[a-z]` and negated `[!a-z]` / `[^a-z]` one character of a
 * class, `\x` the literal `x`. Everything else is literal. Matching is case-sensitive and anchored at both ends.
 *
 * @returns a Left {@link InvalidGlobError} for an unclosed or empty class, a reversed range or a trailing `\`.
 * @example
 * pipe(compileGlob('io.github.*'), E.map((g) => g.matches('io.github.stacklok/fetch'))) // right(true)
 * @category filters
 * @since 0.1.0
 */
export function compileGlob(glob: string): E.Either<InvalidGlobError, Glob> {
  // Work on code points so that `?` and classes treat astral characters as one character.
  const pattern = Array.from(glob)
  const fail = (position: number, reason: string) => E.left(new InvalidGlobError(glob, position, reason))
  let source = ''
  let i = 0
  while (i < pattern.length) {
    const c = pattern[i] as string
    if (c === '*') {
      while (pattern[i] === '*') i++
      source += '[\\s\\S]*'
    } else if (c === '?') {
      source += '[\\s\\S]'
      i++
    } else if (c === '\\') {
      const next = pattern[i + 1]
      if (next === undefined) return fail(i, 'trailing escape character')
      source += escapeLiteral(next)
      i += 2
    } else if (c === '[') {
      const start = i
      i++
      let negated = false
      if (pattern[i] === '!' || pattern[i] === '^') {
        negated = true
        i++
      }
      let body = ''
      let members = 0
      let closed = false
      while (i < pattern.length) {
        if (pattern[i] === ']') {
          closed = true
          i++
          break
        }
        const lo = readClassChar(pattern, i)
        if (lo === undefined) return fail(i, 'trailing escape character')
        i = lo[1]
        if (pattern[i] === '-' && pattern[i + 1] !== undefined && pattern[i + 1] !== ']') {
          const hi = readClassChar(pattern, i + 1)
          if (hi === undefined) return fail(i + 1, 'trailing escape character')
          if ((hi[0].codePointAt(0) ?? 0) < (lo[0].codePointAt(0) ?? 0)) return fail(i - 1, `reversed range ${lo[0]}-${hi[0]}`)
          body += `${escapeClassChar(lo[0])}-${escapeClassChar(hi[0])}`
          i = hi[1]
        } else {
          body += escapeClassChar(lo[0])
        }
        members++
      }
      if (!closed) return fail(start, 'unclosed character class')
      if (members === 0) return fail(start, 'empty character class')
      source += `[${negated ? '^' : ''}${body}]`
    } else {
      source += escapeLiteral(c)
      i++
    }
  }
  const re = new RegExp(`^${source}$`, 'u')
  return E.right({ pattern: glob, matches: (name) => re.test(name) })
}
