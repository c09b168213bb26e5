/** Canonical JSON: one byte-stable serialisation per JSON value, used for hashing and storage. */
import { createHash } from 'node:crypto'
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

/**
 * A fresh object for a sorted copy that only `JSON.stringify` reads. Without a prototype it needs no care for a
 * `__proto__` key (no inherited setter: assignment makes an own data property), and V8 keeps it in dictionary mode:
 * objects with keys unique to them (a server's image name in its ToolHive extension) then cost a hash-table insert
 * each, where `{}` would create and cache a new hidden class per key, which made copying 10,000 servers several
 * times slower, most of all before the code is optimised.
 */
const sortedCopyTarget = (): Record<string, unknown> => Object.create(null) as Record<string, unknown>

/** Canonical array-index keys, which engines enumerate before other keys whatever the insertion order. */
const INDEX_KEY = /^(?:0|[1-9][0-9]{0,9})$/

/** What {@link quickSortedClone} returns for input that needs the careful path. */
const NOT_PLAIN_JSON: unique symbol = Symbol('not plain JSON')

/** Nesting depth up to which the quick path goes; deeper input (and any cycle) takes the careful path. */
const QUICK_MAX_DEPTH = 256

const isDigitCode = (c: number): boolean => c >= 0x30 && c <= 0x39

/**
 * The fast path of {@link canonicalJson} for the common case, ordinary JSON data: a value that `JSON.stringify`
 * writes canonically, without the {@link Writer}'s bookkeeping (no path stack, no cycle set). Parts that are
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
  // Keys and values in one call each (same order): no per-key property lookup, which is slow on objects of many shapes.
  const keys = Object.keys(value)
  const values: unknown[] = Object.values(value)
  let changed = false
  for (let i = 0; i < keys.length; i++) {
    const v = values[i]
    if (v === undefined) {
      changed = true
      continue
    }
    const key = keys[i] as string
    if (isDigitCode(key.charCodeAt(0)) && INDEX_KEY.test(key)) return NOT_PLAIN_JSON
    const c = quickSortedClone(v, depth + 1)
    if (c === NOT_PLAIN_JSON) return NOT_PLAIN_JSON
    if (c !== v) {
      changed = true
      values[i] = c
    } else if (!changed && i > 0 && (keys[i - 1] as string) > key) {
      changed = true
    }
  }
  if (!changed) return value
  const obj = sortedCopyTarget()
  for (const i of sortedIndexes(keys)) {
    const c = values[i]
    if (c !== undefined) obj[keys[i] as string] = c
  }
  return obj
}

/** Indexes of `keys` in the order of the keys (UTF-16 code units, as `Array.prototype.sort`); keys are distinct. */
function sortedIndexes(keys: readonly string[]): number[] {
  const n = keys.length
  const order = new Array<number>(n)
  if (n > 16) {
    for (let i = 0; i < n; i++) order[i] = i
    return order.sort((a, b) => ((keys[a] as string) < (keys[b] as string) ? -1 : 1))
  }
  // Insertion sort: most objects have a handful of keys.
  for (let i = 0; i < n; i++) {
    const key = keys[i] as string
    let j = i
    while (j > 0 && (keys[order[j - 1] as number] as string) > key) {
      order[j] = order[j - 1] as number
      j--
    }
    order[j] = i
  }
  return order
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
  // The careful path: anything the quick path declines (array-index-like keys, deep nesting, values that are not
  // JSON, which it reports with their path).
  const writer = new Writer()
  writer.write(value)
  return writer.out
}

/** Container levels that {@link writeCanonicalJson} writes itself; deeper values are serialised whole. */
const STREAMED_LEVELS = 2

/**
 * Pieces shorter than this (brackets, commas, keys) are joined and handed to the sink with the next long piece;
 * long pieces go to the sink as they are, since concatenating them costs more (the result must be flattened) than
 * the sink's per-call overhead.
 */
const SMALL_PIECE_CHARS = 1024

/** A sub-value of a streamed value is not plain JSON for the quick path: redo the whole value on the careful path. */
class CarefulPathNeeded extends Error {}

/**
 * Writes the text of {@link canonicalJson}`(value)` to `write`, in pieces (concatenated, they are exactly that text),
 * without building it or a sorted copy of the whole value at once: the top {@link STREAMED_LEVELS} container levels
 * are written here and each value below them is serialised on its own. For a large document of many small parts
 * (a snapshot of 10,000 servers) this allocates only short-lived memory, which a generational collector reclaims
 * cheaply, and lets a hash consume the text as it is produced ({@link canonicalSha256Hex}).
 *
 * @throws {NonJsonValueError} exactly as {@link canonicalJson} does (same path, same `found`); pieces written
 *   before the error are not taken back, so a caller that throws away its sink on error needs nothing else.
 * @example
 * const parts: string[] = []
 * writeCanonicalJson({ b: [1, 2], a: 'x' }, (chunk) => parts.push(chunk)) // parts.join('') === '{"a":"x","b":[1,2]}'
 * @category canonical JSON
 * @since 0.1.0
 */
export function writeCanonicalJson(value: unknown, write: (chunk: string) => void): void {
  let pending = ''
  const emit = (text: string): void => {
    if (text.length < SMALL_PIECE_CHARS) {
      pending += text
      if (pending.length >= SMALL_PIECE_CHARS) {
        write(pending)
        pending = ''
      }
      return
    }
    if (pending !== '') write(pending)
    pending = ''
    write(text)
  }
  try {
    streamValue(value, 0, new Set<object>(), emit)
  } catch (err) {
    if (!(err instanceof CarefulPathNeeded)) throw err
    // A part is not JSON or is on a cycle: canonicalJson over the whole value throws the error with the path from
    // the root. (Valid parts never get here: serialisePart writes them, whatever path they need.)
    canonicalJson(value)
    throw new Error('canonical JSON: careful path accepted a value the streaming writer could not write', { cause: err })
  }
  if (pending !== '') write(pending)
}

function streamValue(value: unknown, level: number, parents: Set<object>, emit: (text: string) => void): void {
  if (typeof value !== 'object' || value === null || level >= STREAMED_LEVELS) {
    emit(serialisePart(value))
    return
  }
  if (parents.has(value)) throw new CarefulPathNeeded()
  parents.add(value)
  if (Array.isArray(value)) {
    emit('[')
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new CarefulPathNeeded()
      if (i > 0) emit(',')
      streamValue(value[i], level + 1, parents, emit)
    }
    emit(']')
  } else {
    if (!isPlainObject(value)) throw new CarefulPathNeeded()
    const record = value as Record<string, unknown>
    let first = true
    emit('{')
    for (const key of Object.keys(record).sort()) {
      const v = record[key]
      if (v === undefined) continue
      emit(first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`)
      first = false
      streamValue(v, level + 1, parents, emit)
    }
    emit('}')
  }
  parents.delete(value)
}

/**
 * The canonical text of one part of a streamed value. Valid parts the quick path declines (array-index keys, deep
 * nesting) take the careful path on their own; a part that is not JSON (or is part of a cycle) makes the whole value
 * take the careful path, so that the error names the path from the root.
 */
function serialisePart(value: unknown): string {
  const quick = quickSortedClone(value, 0)
  if (quick !== NOT_PLAIN_JSON) return JSON.stringify(quick)
  try {
    return canonicalJson(value)
  } catch (err) {
    if (err instanceof NonJsonValueError) throw new CarefulPathNeeded()
    throw err
  }
}

/**
 * The SHA-256 (lower-case hex) of the UTF-8 bytes of {@link canonicalJson}`(value)`, computed from the pieces of
 * {@link writeCanonicalJson}: equal to `sha256Hex(canonicalJson(value))` without holding the whole text.
 *
 * @throws {NonJsonValueError} as {@link canonicalJson}.
 * @example
 * canonicalSha256Hex({ b: 1, a: 2 }) === sha256Hex('{"a":2,"b":1}') // true
 * @category canonical JSON
 * @since 0.1.0
 */
export function canonicalSha256Hex(value: unknown): string {
  const hash = createHash('sha256')
  writeCanonicalJson(value, (chunk) => hash.update(chunk, 'utf8'))
  return hash.digest('hex')
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
