/** Canonical JSON: one byte-stable serialisation per JSON value, used for hashing and storage. */
import * as E from 'fp-ts/lib/Either.js'

/**
 * A value handed to {@link canonicalJson} is not JSON (a function, `undefined` inside an array, `NaN`, a `Date`,
 * a `Map`, a `bigint`, a cycle…).
 *
 * @category errors
 * @since 0.1.0
 */
export class NonJsonValueError extends TypeError {
  /** Stable error code. */
  readonly code = 'NonJsonValue'
  constructor(
    /** JSON-pointer-like path of the offending value (`/servers/3/version`; `` for the root). */
    readonly path: string,
    /** What was found there (`undefined`, `function`, `NaN`, `Date`, `cycle`…). */
    readonly found: string,
  ) {
    super(`Value at ${path === '' ? '(root)' : path} is not JSON: ${found}`)
    this.name = 'NonJsonValueError'
  }
}

const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1')

const describe = (value: unknown): string => {
  if (value === null) return 'null'
  if (typeof value === 'number') return String(value)
  if (typeof value !== 'object') return typeof value
  const ctor = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name
  return ctor ?? 'object'
}

const isPlainObject = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function write(value: unknown, path: string, parents: Set<object>, out: string[]): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value))
      return
    case 'boolean':
      out.push(value ? 'true' : 'false')
      return
    case 'number':
      if (!Number.isFinite(value)) throw new NonJsonValueError(path, describe(value))
      // ECMAScript Number::toString is the shortest round-tripping form (what RFC 8785 prescribes); -0 becomes 0.
      out.push(JSON.stringify(value))
      return
    case 'object': {
      if (value === null) {
        out.push('null')
        return
      }
      if (parents.has(value)) throw new NonJsonValueError(path, 'cycle')
      parents.add(value)
      if (Array.isArray(value)) {
        out.push('[')
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',')
          if (!(i in value)) throw new NonJsonValueError(`${path}/${i}`, 'array hole')
          write(value[i], `${path}/${i}`, parents, out)
        }
        out.push(']')
      } else {
        if (!isPlainObject(value)) throw new NonJsonValueError(path, describe(value))
        const record = value as Record<string, unknown>
        // Default sort compares UTF-16 code units, the order RFC 8785 specifies.
        const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort()
        out.push('{')
        keys.forEach((key, i) => {
          if (i > 0) out.push(',')
          out.push(JSON.stringify(key), ':')
          write(record[key], `${path}/${escapePointer(key)}`, parents, out)
        })
        out.push('}')
      }
      parents.delete(value)
      return
    }
    default:
      throw new NonJsonValueError(path, describe(value))
  }
}

/**
 * Serialises a JSON value canonically: object keys sorted by UTF-16 code units, no whitespace, numbers in their
 * shortest round-tripping form (as RFC 8785). Equal JSON values give byte-identical strings.
 *
 * Object properties whose value is `undefined` are treated as absent (as `JSON.stringify` does), so optional
 * fields need no cleaning; anything else that is not JSON throws.
 *
 * @throws {NonJsonValueError} for `undefined` outside an object property, functions, symbols, bigints, `NaN`,
 *   infinities, non-plain objects (`Date`, `Map`, class instances), sparse arrays and cycles.
 * @example
 * canonicalJson({ b: [1, 2], a: 'x' }) // '{"a":"x","b":[1,2]}'
 * @category canonical JSON
 * @since 0.1.0
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = []
  write(value, '', new Set(), out)
  return out.join('')
}

/**
 * {@link canonicalJson} as an `Either`, for values that come from outside the program.
 *
 * @category canonical JSON
 * @since 0.1.0
 */
export function tryCanonicalJson(value: unknown): E.Either<NonJsonValueError, string> {
  try {
    return E.right(canonicalJson(value))
  } catch (err) {
    if (err instanceof NonJsonValueError) return E.left(err)
    throw err
  }
}
