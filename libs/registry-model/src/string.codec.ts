/** Refined string and integer codecs with JSON-Schema-like constraints and readable failure messages. */
import * as t from 'io-ts'
import { describeValue } from './decode-failure.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Constraints of {@link boundedString}, with JSON Schema meaning: lengths count Unicode code points,
 * `pattern` is an ECMAScript regular expression source evaluated with the `u` flag.
 *
 * @category model
 * @since 0.1.0
 */
export interface StringConstraints {
  readonly minLength?: number
  readonly maxLength?: number
  readonly pattern?: string
  /** Extra rule: returns a message when the (otherwise valid) string is rejected. */
  readonly check?: (s: string) => string | undefined
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const leafCodecs = new WeakSet<t.Mixed>()

/** Registers `codec` as a leaf (see {@link isLeafCodec}) and returns it. */
function leafCodec<C extends t.Mixed>(codec: C): C {
  leafCodecs.add(codec)
  return codec
}

/**
 * Whether `codec` is one of this module's leaf codecs: `codec.is(u)` holds exactly when validation succeeds, and a
 * successful validation returns `u` itself. Container codecs use this to check such values without building an
 * io-ts context (which is only needed to describe a failure).
 *
 * @category utils
 * @since 0.1.0
 */
export function isLeafCodec(codec: t.Mixed): boolean {
  return leafCodecs.has(codec)
}

/**
 * A string codec with length bounds (code points, as JSON Schema counts them) and an optional pattern.
 * Lengths are checked before the pattern, so hostile megabyte strings fail fast on `maxLength`.
 *
 * @example
 * const ServerNameCodec = boundedString('ServerName', { minLength: 3, maxLength: 200, pattern: '^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$' })
 *
 * @category constructors
 * @since 0.1.0
 */
export function boundedString(name: string, constraints: StringConstraints): t.Type<string, string, unknown> {
  const re = constraints.pattern === undefined ? undefined : new RegExp(constraints.pattern, 'u')
  const problem = (s: string): string | undefined => {
    const { minLength, maxLength } = constraints
    // A string of n UTF-16 units has between n/2 and n code points: count them only when that range straddles a bound.
    if (minLength !== undefined && (s.length < minLength || (s.length < 2 * minLength && codePointLength(s) < minLength))) {
      return minLength === 1 ? 'must not be empty' : `must be at least ${minLength} characters long`
    }
    if (maxLength !== undefined && s.length > maxLength && codePointLength(s) > maxLength) {
      return `must be at most ${maxLength} characters long (got ${codePointLength(s)})`
    }
    if (re !== undefined && !re.test(s)) return `must match the pattern ${constraints.pattern ?? ''}, got ${describeValue(s)}`
    return constraints.check?.(s)
  }
  return leafCodec(new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && problem(u) === undefined,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, `expected string, got ${describeValue(u)}`)
      const p = problem(u)
      return p === undefined ? t.success(u) : t.failure(u, c, p)
    },
    t.identity,
  ))
}

/**
 * A union of string literals with the message `must be one of: a, b`.
 *
 * @category constructors
 * @since 0.1.0
 */
export function stringEnum<const V extends readonly [string, ...string[]]>(name: string, values: V): t.Type<V[number], V[number], unknown> {
  const set: ReadonlySet<string> = new Set(values)
  const is = (u: unknown): u is V[number] => typeof u === 'string' && set.has(u)
  return leafCodec(new t.Type<V[number], V[number], unknown>(
    name,
    is,
    (u, c) => (is(u) ? t.success(u) : t.failure(u, c, `must be one of: ${values.join(', ')}; got ${describeValue(u)}`)),
    t.identity,
  ))
}

/**
 * A string literal codec (`type: "stdio"`) with the message `must be "stdio"`.
 *
 * @category constructors
 * @since 0.1.0
 */
export function stringLiteral<const V extends string>(value: V): t.Type<V, V, unknown> {
  const is = (u: unknown): u is V => u === value
  return leafCodec(new t.Type<V, V, unknown>(
    JSON.stringify(value),
    is,
    (u, c) => (is(u) ? t.success(u) : t.failure(u, c, `must be ${JSON.stringify(value)}, got ${describeValue(u)}`)),
    t.identity,
  ))
}

/**
 * A number literal codec (`schemaVersion: 1`) with the message `must be 1`.
 *
 * @category constructors
 * @since 0.1.0
 */
export function numberLiteral<const N extends number>(value: N): t.Type<N, N, unknown> {
  const is = (u: unknown): u is N => u === value
  return leafCodec(new t.Type<N, N, unknown>(
    String(value),
    is,
    (u, c) => (is(u) ? t.success(u) : t.failure(u, c, `must be ${value}, got ${describeValue(u)}`)),
    t.identity,
  ))
}

/**
 * An integer codec with inclusive bounds (`1.0` is an integer, as in JSON Schema).
 *
 * @category constructors
 * @since 0.1.0
 */
export function integerRange(name: string, min: number, max: number = Number.MAX_SAFE_INTEGER): t.Type<number, number, unknown> {
  const is = (u: unknown): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `between ${min} and ${max}`
  return leafCodec(new t.Type<number, number, unknown>(
    name,
    is,
    (u, c) => (is(u) ? t.success(u) : t.failure(u, c, `must be an integer ${range}, got ${describeValue(u)}`)),
    t.identity,
  ))
}

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

/**
 * Any string, with the message `expected string, got …`.
 *
 * @category primitives
 * @since 0.1.0
 */
export const StringCodec: t.Type<string, string, unknown> = boundedString('string', {})

/**
 * A boolean, with the message `expected boolean, got …`.
 *
 * @category primitives
 * @since 0.1.0
 */
export const BooleanCodec: t.Type<boolean, boolean, unknown> = leafCodec(new t.Type<boolean, boolean, unknown>(
  'boolean',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => (typeof u === 'boolean' ? t.success(u) : t.failure(u, c, `expected boolean, got ${describeValue(u)}`)),
  t.identity,
))

/**
 * Any JSON object (free-form metadata); returned as given, never copied.
 *
 * @category primitives
 * @since 0.1.0
 */
export const JsonObjectCodec: t.Type<Record<string, unknown>, Record<string, unknown>, unknown> = leafCodec(new t.Type<
  Record<string, unknown>,
  Record<string, unknown>,
  unknown
>(
  'object',
  (u): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u),
  (u, c) => (typeof u === 'object' && u !== null && !Array.isArray(u)
    ? t.success(u as Record<string, unknown>)
    : t.failure(u, c, `expected object, got ${describeValue(u)}`)),
  t.identity,
))

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The number of Unicode code points in `s` (JSON Schema string length).
 *
 * @category utils
 * @since 0.1.0
 */
export function codePointLength(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) i++
    }
    n++
  }
  return n
}
