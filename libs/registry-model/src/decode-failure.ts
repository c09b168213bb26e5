/** Decode failures: every offending path of an io-ts validation in one readable message, and `decodeWith`. */
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * One problem in a decoded document. `path` joins object keys and array indexes with `/`
 * (`servers/fetch/image`, `packages/0/transport/url`); keys that contain `/`, whitespace or control characters
 * are JSON-quoted (`_meta/"io.modelcontextprotocol.registry/official"/isLatest`), overlong keys are shortened.
 * The document root is the empty path.
 *
 * @category model
 * @since 0.1.0
 */
export interface DecodeIssue {
  readonly path: string
  readonly message: string
}

/**
 * A document that does not match its codec. `issues` lists every offending path (document order);
 * `message` says it in one line: `Invalid ToolHiveRegistry: servers/fetch/image: must match pattern …; …`.
 *
 * @category model
 * @since 0.1.0
 */
export interface DecodeFailure {
  readonly _tag: 'DecodeFailure'
  /** The codec's name, e.g. `ToolHiveRegistry`. */
  readonly codec: string
  readonly issues: ReadonlyArray<DecodeIssue>
  readonly message: string
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** How many issues `DecodeFailure.message` spells out before summarising the rest. */
const MESSAGE_ISSUE_LIMIT = 20

/**
 * Builds a {@link DecodeFailure} from issues (deduplicated, order kept).
 *
 * @category constructors
 * @since 0.1.0
 */
export function decodeFailure(codec: string, issues: ReadonlyArray<DecodeIssue>): DecodeFailure {
  const seen = new Set<string>()
  const unique = issues.filter((i) => {
    const k = `${i.path}\u0000${i.message}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
  const shown = unique.slice(0, MESSAGE_ISSUE_LIMIT).map(formatIssue).join('; ')
  const more = unique.length > MESSAGE_ISSUE_LIMIT ? `; … and ${unique.length - MESSAGE_ISSUE_LIMIT} more` : ''
  return { _tag: 'DecodeFailure', codec, issues: unique, message: `Invalid ${codec}: ${shown}${more}` }
}

/**
 * Turns io-ts validation errors into a {@link DecodeFailure}: one issue per error with its slash path.
 * Union and intersection member indexes are left out of paths; an error without its own message reads
 * `expected <Type>, got <value>` (values shortened, control characters escaped).
 *
 * @category constructors
 * @since 0.1.0
 */
export function fromValidationErrors(codec: string, errors: t.Errors): DecodeFailure {
  return decodeFailure(codec, errors.map(toIssue))
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * `decodeWith(codec)(u)`: validates `u` and returns the decoded value or a {@link DecodeFailure}.
 * Never throws, even for hostile non-JSON input (throwing getters, proxies): that becomes a root issue.
 *
 * @example
 * const decodeRegistry = decodeWith(ToolHiveRegistryCodec)
 * decodeRegistry({}) // Left: Invalid ToolHiveRegistry: version: is required; last_updated: is required; servers: is required
 *
 * @category utils
 * @since 0.1.0
 */
export function decodeWith<C extends t.Any>(codec: C): (u: unknown) => E.Either<DecodeFailure, t.TypeOf<C>> {
  return (u) => runDecode(codec, u, { key: '', type: codec, actual: u })
}

/** Root context entries of {@link decodeOwnedWith} runs; every nested context shares its root entry. */
const ownedRoots = new WeakSet<t.ContextEntry>()

/**
 * {@link decodeWith} for a value the caller hands over and does not use otherwise, such as the fresh result of
 * `JSON.parse`: the same checks, failures and decoded value (deep-equal to what {@link decodeWith} returns), but a
 * plain object or array whose every part is valid as it is comes back as it is instead of as a copy (a container
 * with a part that decoding changes or drops, such as an `undefined` property, is still copied). Decoding a large
 * document then allocates little beyond what parsing did, which matters for registries of thousands of servers.
 * The result shares objects with the input, so the input must not be changed afterwards. Never throws.
 *
 * @example
 * const decodeParsedRegistry = decodeOwnedWith(ToolHiveRegistryCodec)
 * pipe(parseJson(raw), E.chainW(decodeParsedRegistry)) // no copy of a valid parsed document
 *
 * @category utils
 * @since 0.1.0
 */
export function decodeOwnedWith<C extends t.Any>(codec: C): (u: unknown) => E.Either<DecodeFailure, t.TypeOf<C>> {
  return (u) => {
    const root: t.ContextEntry = { key: '', type: codec, actual: u }
    ownedRoots.add(root)
    return runDecode(codec, u, root)
  }
}

/**
 * Whether validation context `c` belongs to a {@link decodeOwnedWith} run, in which container codecs keep an input
 * container that needs no change (see there).
 *
 * @category utils
 * @since 0.1.0
 */
export function isOwnedInput(c: t.Context): boolean {
  const root = c[0]
  return root !== undefined && ownedRoots.has(root)
}

function runDecode<C extends t.Any>(codec: C, u: unknown, root: t.ContextEntry): E.Either<DecodeFailure, t.TypeOf<C>> {
  try {
    const result = codec.validate(u, [root]) as t.Validation<t.TypeOf<C>>
    return E.isRight(result) ? result : E.left(fromValidationErrors(codec.name, result.left))
  } catch (cause) {
    const what = cause instanceof Error ? cause.message : String(cause)
    return E.left(decodeFailure(codec.name, [{ path: '', message: `input could not be read (${shorten(what, 200)})` }]))
  }
}

/**
 * Formats one issue as `path: message` (or just the message at the root).
 *
 * @category utils
 * @since 0.1.0
 */
export function formatIssue(issue: DecodeIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`
}

/**
 * Formats a path segment: plain keys as they are, keys with `/`, quotes, whitespace or control characters
 * JSON-quoted, the empty key as `""`, keys over 80 characters shortened with `…`.
 *
 * @category utils
 * @since 0.1.0
 */
export function formatPathSegment(key: string): string {
  const short = shorten(key, 80)
  return short === '' || needsQuoting(short) ? JSON.stringify(short) : short
}

function needsQuoting(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    if (c <= 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0x2f || c === 0x22 || c === 0x5c || c === 0x2028 || c === 0x2029) return true
  }
  return /\s/u.test(key)
}

/**
 * A short human description of any value for messages: `number 5`, `string "abc…"`, `object`, `array`.
 *
 * @category utils
 * @since 0.1.0
 */
export function describeValue(u: unknown): string {
  if (u === undefined) return 'nothing'
  if (u === null) return 'null'
  if (Array.isArray(u)) return 'array'
  switch (typeof u) {
    case 'string': return `string ${JSON.stringify(shorten(u, 40))}`
    case 'number': return `number ${String(u)}`
    case 'boolean': return `boolean ${String(u)}`
    case 'object': return 'object'
    default: return typeof u
  }
}

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`
}

/** io-ts tags of combinators whose context entries are member indexes rather than document keys. */
const TRANSPARENT_TAGS: ReadonlySet<string> = new Set(['UnionType', 'IntersectionType'])

function toIssue(error: t.ValidationError): DecodeIssue {
  const segments: string[] = []
  const ctx = error.context
  for (let i = 1; i < ctx.length; i++) {
    const parent = ctx[i - 1]?.type as unknown as { _tag?: string }
    if (parent._tag !== undefined && TRANSPARENT_TAGS.has(parent._tag)) continue
    segments.push(formatPathSegment(ctx[i]?.key ?? ''))
  }
  const last = ctx[ctx.length - 1]
  const message = error.message ?? `expected ${last?.type.name ?? 'a valid value'}, got ${describeValue(error.value)}`
  return { path: segments.join('/'), message }
}
