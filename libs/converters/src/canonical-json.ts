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

const escapePointer = (key: string | number): string => String(key).replace(/~/g, '~0').replace(/\//g, '~1')

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

/** Writes one value. `keys` is the path to it (built only when an error needs it); `parents` detects cycles. */
class Writer {
  out = ''
  readonly keys: Array<string | number> = []
  readonly parents = new Set<object>()

  fail(found: string): never {
    throw new NonJsonValueError(this.keys.map((k) => `/${escapePointer(k)}`).join(''), found)
  }

  write(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.out += JSON.stringify(value)
        return
      case 'boolean':
        this.out += value ? 'true' : 'false'
        return
      case 'number':
        if (!Number.isFinite(value)) this.fail(describe(value))
        // ECMAScript Number::toString is the shortest round-tripping form (what RFC 8785 prescribes); -0 becomes 0.
        this.out += JSON.stringify(value)
        return
      case 'object':
        if (value === null) this.out += 'null'
        else this.writeObject(value)
        return
      default:
        this.fail(describe(value))
    }
  }

  writeObject(value: object): void {
    if (this.parents.has(value)) this.fail('cycle')
    this.parents.add(value)
    if (Array.isArray(value)) {
      this.out += '['
      for (let i = 0; i < value.length; i++) {
        if (i > 0) this.out += ','
        this.keys.push(i)
        if (!(i in value)) this.fail('array hole')
        this.write(value[i])
        this.keys.pop()
      }
      this.out += ']'
    } else {
      if (!isPlainObject(value)) this.fail(describe(value))
      const record = value as Record<string, unknown>
      // Default sort compares UTF-16 code units, the order RFC 8785 specifies.
      const keys = Object.keys(record).sort()
      this.out += '{'
      let first = true
      for (const key of keys) {
        const v = record[key]
        if (v === undefined) continue
        this.out += first ? JSON.stringify(key) + ':' : ',' + JSON.stringify(key) + ':'
        first = false
        this.keys.push(key)
        this.write(v)
        this.keys.pop()
      }
      this.out += '}'
    }
    this.parents.delete(value)
  }
}

/** Canonical array-index keys, which engines enumerate before other keys whatever the insertion order. */
const INDEX_KEY = /^(?:0|[1-9][0-9]{0,9})$/

/**
 * A copy of a JSON value with object keys inserted in sorted order, so that `JSON.stringify` (native, much faster
 * than a hand-written writer) emits canonical text. Sets `indexKeys` when an object has array-index-like keys,
 * whose enumeration order engines fix, and which therefore need the hand-written {@link Writer}.
 */
class SortedCloner {
  indexKeys = false
  readonly keys: Array<string | number> = []
  readonly parents = new Set<object>()

  fail(found: string): never {
    throw new NonJsonValueError(this.keys.map((k) => `/${escapePointer(k)}`).join(''), found)
  }

  clone(value: unknown): unknown {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value
      case 'number':
        if (!Number.isFinite(value)) this.fail(describe(value))
        return value
      case 'object': {
        if (value === null) return null
        if (this.parents.has(value)) this.fail('cycle')
        this.parents.add(value)
        let out: unknown
        if (Array.isArray(value)) {
          const arr = new Array<unknown>(value.length)
          for (let i = 0; i < value.length; i++) {
            this.keys.push(i)
            if (!(i in value)) this.fail('array hole')
            arr[i] = this.clone(value[i])
            this.keys.pop()
          }
          out = arr
        } else {
          if (!isPlainObject(value)) this.fail(describe(value))
          const record = value as Record<string, unknown>
          const obj: Record<string, unknown> = {}
          for (const key of Object.keys(record).sort()) {
            const v = record[key]
            if (v === undefined) continue
            if (INDEX_KEY.test(key)) this.indexKeys = true
            this.keys.push(key)
            const c = this.clone(v)
            // Plain assignment is fast; defineProperty keeps a `__proto__` key an own data property.
            if (key === '__proto__') Object.defineProperty(obj, key, { value: c, enumerable: true, writable: true, configurable: true })
            else obj[key] = c
            this.keys.pop()
          }
          out = obj
        }
        this.parents.delete(value)
        return out
      }
      default:
        return this.fail(describe(value))
    }
  }
}

/** What {@link quickSortedClone} returns for input that needs the careful path. */
const NOT_PLAIN_JSON: unique symbol = Symbol('not plain JSON')

/** Nesting depth up to which the quick path goes; deeper input (and any cycle) takes the careful path. */
const QUICK_MAX_DEPTH = 256

const isDigitCode = (c: number): boolean => c >= 0x30 && c <= 0x39

/**
 * The fast path of {@link canonicalJson} for the common case, ordinary JSON data: a value that `JSON.stringify`
 * writes canonically, without {@link SortedCloner}'s bookkeeping (no path stack, no cycle set). Parts that are
 * already canonical (keys in sorted order, no `undefined` values, canonical children) are returned as they are, so
 * only the out-of-order objects and their ancestors are copied. Returns {@link NOT_PLAIN_JSON} at the first thing
 * it does not handle (a value that is not JSON, an array hole, an array-index-like key, a `toJSON` on an array,
 * nesting deeper than {@link QUICK_MAX_DEPTH}, which every cycle reaches); the caller then redoes the whole value on
 * the careful path, which reports the exact problem and path.
 */
function quickSortedClone(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return Number.isFinite(value) ? value : NOT_PLAIN_JSON
    case 'object':
      if (value === null) return null
      if (depth >= QUICK_MAX_DEPTH) return NOT_PLAIN_JSON
      return Array.isArray(value) ? quickArray(value, depth) : quickObject(value, depth)
    default:
      return NOT_PLAIN_JSON
  }
}

function quickArray(value: readonly unknown[], depth: number): unknown {
  if ('toJSON' in value) return NOT_PLAIN_JSON
  let copy: unknown[] | undefined
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) return NOT_PLAIN_JSON
    const item = value[i]
    const c = quickSortedClone(item, depth + 1)
    if (c === NOT_PLAIN_JSON) return NOT_PLAIN_JSON
    if (copy === undefined && c !== item) copy = value.slice(0, i)
    copy?.push(c)
  }
  return copy ?? value
}

function quickObject(value: object, depth: number): unknown {
  if (!isPlainObject(value)) return NOT_PLAIN_JSON
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  let changed = false
  for (let i = 1; i < keys.length && !changed; i++) changed = (keys[i - 1] as string) > (keys[i] as string)
  if (changed) keys.sort()
  const values = new Array<unknown>(keys.length)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    const v = record[key]
    if (v === undefined) {
      changed = true
      continue
    }
    if (isDigitCode(key.charCodeAt(0)) && INDEX_KEY.test(key)) return NOT_PLAIN_JSON
    const c = quickSortedClone(v, depth + 1)
    if (c === NOT_PLAIN_JSON) return NOT_PLAIN_JSON
    if (c !== v) changed = true
    values[i] = c
  }
  if (!changed) return record
  const obj: Record<string, unknown> = {}
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    const c = values[i]
    if (c === undefined) continue
    // Plain assignment is fast; defineProperty keeps a `__proto__` key an own data property.
    if (key === '__proto__') Object.defineProperty(obj, key, { value: c, enumerable: true, writable: true, configurable: true })
    else obj[key] = c
  }
  return obj
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
  const quick = quickSortedClone(value, 0)
  if (quick !== NOT_PLAIN_JSON) return JSON.stringify(quick)
  const cloner = new SortedCloner()
  const sorted = cloner.clone(value)
  if (!cloner.indexKeys) return JSON.stringify(sorted)
  const writer = new Writer()
  writer.write(value)
  return writer.out
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
