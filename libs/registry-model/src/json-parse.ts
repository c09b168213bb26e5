/** Parsing raw registry bytes into JSON values without ever throwing; failures name the byte offset. */
import * as E from 'fp-ts/lib/Either.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Why raw input is not JSON: `offset` is the 0-based byte offset into the UTF-8 input (for a string input:
 * into its UTF-8 encoding), `line` and `column` are 1-based (column counted in characters).
 *
 * @category model
 * @since 0.1.0
 */
export interface JsonParseError {
  readonly _tag: 'JsonParseError'
  /** One line, e.g. `Invalid JSON at byte 17 (line 2, column 5): expected ',' or '}' after a property value`. */
  readonly message: string
  /** What was wrong, without the position: `unexpected character 'x'`, `unexpected end of input`. */
  readonly reason: string
  readonly offset: number
  readonly line: number
  readonly column: number
}

/**
 * Options of {@link parseJson}.
 *
 * @category model
 * @since 0.1.0
 */
export interface ParseJsonOptions {
  /** Reject objects that repeat a key (JSON.parse silently keeps the last one). Default `true`. */
  readonly rejectDuplicateKeys?: boolean
  /** Deepest allowed nesting of arrays and objects. Default 512. */
  readonly maxDepth?: number
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const DEFAULT_MAX_DEPTH = 512

/**
 * Parses raw JSON text or UTF-8 bytes. Never throws: invalid UTF-8, syntax errors, duplicate object keys,
 * too-deep nesting and empty input are a `Left` naming the byte offset, line and column. A leading UTF-8 BOM
 * is ignored. `__proto__` keys become ordinary own properties (as with `JSON.parse`), never prototypes.
 *
 * @example
 * parseJson('{"a": 1,}') // Left: Invalid JSON at byte 8 (line 1, column 9): expected a property name in double quotes
 *
 * @category constructors
 * @since 0.1.0
 */
export function parseJson(raw: string | Uint8Array, options: ParseJsonOptions = {}): E.Either<JsonParseError, unknown> {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH
  const rejectDuplicateKeys = options.rejectDuplicateKeys ?? true
  // Fast path for valid input: the engine's parser, then one light pass over the text for what JSON.parse does not
  // check (repeated keys, nesting depth). Whenever either says no, the validating scanner finds and describes the
  // first problem over the UTF-8 bytes, which are made from a string only then.
  let value: unknown = NOT_PARSED
  let text: string | undefined
  let engineError: unknown
  try {
    text = typeof raw === 'string'
      ? (raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw)
      : new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? raw.subarray(3) : raw)
    value = JSON.parse(text) as unknown
  } catch (cause) {
    engineError = cause
  }
  if (value !== NOT_PARSED && !mayHaveStructuralProblem(text as string, maxDepth, rejectDuplicateKeys)) return E.right(value)
  const bytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  const problem = scanJson(bytes, start, maxDepth, rejectDuplicateKeys)
  if (problem !== undefined) return E.left(toParseError(bytes, problem.offset, problem.reason))
  if (value !== NOT_PARSED) return E.right(value)
  // The scanner accepted the text, so only an engine limit (e.g. a string longer than V8 allows) lands here.
  const what = engineError instanceof Error ? engineError.message : String(engineError)
  return E.left(toParseError(bytes, 0, `input could not be parsed (${what})`))
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

interface Problem { readonly offset: number; readonly reason: string }

/** No value yet: JSON.parse threw (or did not run). */
const NOT_PARSED: unique symbol = Symbol('not parsed')

/** Object keys compared byte-wise before an object switches to a set of decoded keys. */
const LINEAR_KEY_LIMIT = 16

/**
 * The light pass over text that JSON.parse accepted: whether an object repeats a key or nesting goes deeper than
 * `maxDepth`. It trusts the syntax (strings are closed, brackets balance), so it only tracks brackets, commas, colons
 * and object keys. String values are skipped with `indexOf` (the engine's search, many times faster than a loop
 * here: most of a registry's text is descriptions). Keys without escapes are compared as text; an object with a key
 * that has an escape, or with many keys, compares decoded keys in a set. May say yes wrongly (never no wrongly): the
 * caller then asks {@link scanJson}, which decides and describes.
 */
function mayHaveStructuralProblem(text: string, maxDepth: number, rejectDuplicateKeys: boolean): boolean {
  const n = text.length
  const isObject: boolean[] = [false]
  // Key ranges of the open objects, innermost last: keyStart/keyEnd[keyBase[d] .. top) belong to the object at depth d.
  const keyStart: number[] = []
  const keyEnd: number[] = []
  const keyBase: number[] = [0]
  const keySets: Array<Set<string> | undefined> = [undefined]
  let top = 0
  let depth = 0
  let expectKey = false
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      if (!(expectKey && rejectDuplicateKeys)) {
        const end = closingQuote(text, i)
        if (end < 0) return true
        i = end
        continue
      }
      let j = i + 1
      let escaped = false
      for (;;) {
        const k = text.charCodeAt(j)
        if (k === 0x22) break
        if (Number.isNaN(k)) return true
        if (k === 0x5c) {
          escaped = true
          j += 2
        } else j++
      }
      let set = keySets[depth]
      const base = keyBase[depth] as number
      if (set === undefined && (escaped || top - base >= LINEAR_KEY_LIMIT)) {
        set = new Set<string>()
        for (let k = base; k < top; k++) set.add(decodeTextKey(text, keyStart[k] as number, keyEnd[k] as number))
        keySets[depth] = set
      }
      if (set !== undefined) {
        const key = decodeTextKey(text, i, j + 1)
        if (set.has(key)) return true
        set.add(key)
      } else {
        for (let k = base; k < top; k++) if (sameText(text, keyStart[k] as number, keyEnd[k] as number, i, j + 1)) return true
      }
      keyStart[top] = i
      keyEnd[top] = j + 1
      top++
      i = j
    } else if (c === 0x7b || c === 0x5b) {
      depth++
      if (depth > maxDepth) return true
      isObject[depth] = c === 0x7b
      expectKey = c === 0x7b
      keyBase[depth] = top
      keySets[depth] = undefined
    } else if (c === 0x7d || c === 0x5d) {
      top = keyBase[depth] as number
      depth--
      expectKey = false
    } else if (c === 0x2c) {
      expectKey = isObject[depth] === true
    } else if (c === 0x3a) {
      expectKey = false
    }
  }
  return false
}

/** Index of the quote that closes the string opened at `open`, or -1 when there is none. */
function closingQuote(text: string, open: number): number {
  let from = open + 1
  for (;;) {
    const q = text.indexOf('"', from)
    if (q < 0) return -1
    // The quote is escaped when an odd number of backslashes precede it.
    let backslashes = 0
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++
    if (backslashes % 2 === 0) return q
    from = q + 1
  }
}

/** Whether text [a, aEnd) equals text [b, bEnd). */
function sameText(text: string, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false
  for (let k = 0; k < aEnd - a; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false
  return true
}

/** The property name between `start` (opening quote) and `end` (after the closing quote), escapes resolved. */
function decodeTextKey(text: string, start: number, end: number): string {
  const quoted = text.slice(start, end)
  return quoted.includes('\\') ? (JSON.parse(quoted) as string) : quoted.slice(1, -1)
}

function toParseError(bytes: Uint8Array, offset: number, reason: string): JsonParseError {
  let line = 1
  let column = 1
  for (let i = 0; i < offset && i < bytes.length; i++) {
    const b = bytes[i] as number
    if (b === 0x0a) { line++; column = 1 } else if ((b & 0xc0) !== 0x80) column++
  }
  return { _tag: 'JsonParseError', message: `Invalid JSON at byte ${offset} (line ${line}, column ${column}): ${reason}`, reason, offset, line, column }
}

function describeByte(bytes: Uint8Array, i: number): string {
  if (i >= bytes.length) return 'unexpected end of input'
  const b = bytes[i] as number
  if (b >= 0x20 && b < 0x7f) return `unexpected character '${String.fromCharCode(b)}'`
  return `unexpected byte 0x${b.toString(16).padStart(2, '0')}`
}

const isWs = (b: number | undefined): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39
const isHex = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66))

/** Length of a valid UTF-8 sequence starting at `i`, or 0 when the bytes there are not valid UTF-8. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] as number
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = bytes[i + k]
    return b !== undefined && b >= lo && b <= hi
  }
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0
  return 0
}

/** The property name between `start` (opening quote) and `end` (after the closing quote), escapes resolved. */
function decodeKey(decoder: { decode(input: Uint8Array): string }, bytes: Uint8Array, start: number, end: number): string {
  // Fast path for the common short ASCII key without escapes: no decoder call.
  if (end - start <= 66) {
    let ascii = ''
    let k = start + 1
    for (; k < end - 1; k++) {
      const b = bytes[k] as number
      if (b >= 0x80 || b === 0x5c) break
      ascii += String.fromCharCode(b)
    }
    if (k === end - 1) return ascii
  }
  const inner = decoder.decode(bytes.subarray(start + 1, end - 1))
  return inner.includes('\\') ? (JSON.parse(`"${inner}"`) as string) : inner
}

type Frame = { readonly kind: 'array' } | { readonly kind: 'object'; readonly keys: Set<string> | undefined }

/**
 * An iterative (no recursion, so no stack overflow) RFC 8259 validator over bytes. Returns the first problem.
 * States: 'value' expects a value, 'afterValue' expects `,` or a closer, 'key' expects a property name.
 */
function scanJson(bytes: Uint8Array, start: number, maxDepth: number, rejectDuplicateKeys: boolean): Problem | undefined {
  const stack: Frame[] = []
  const decoder = new TextDecoder()
  let i = start
  let state: 'value' | 'afterValue' | 'key' | 'firstKey' | 'firstValue' = 'value'
  const skipWs = (): void => { while (isWs(bytes[i])) i++ }
  const fail = (reason: string, at = i): Problem => ({ offset: at, reason })

  // Scans a string starting at the opening quote; returns its end (after the closing quote) or a problem.
  const scanString = (): number | Problem => {
    const open = i
    let j = i + 1
    for (;;) {
      const b = bytes[j]
      if (b === undefined) return fail('unterminated string', open)
      if (b === 0x22) return j + 1
      if (b < 0x20) return fail(`control character 0x${b.toString(16).padStart(2, '0')} in a string must be escaped`, j)
      if (b === 0x5c) {
        const e = bytes[j + 1]
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) if (!isHex(bytes[j + k])) return fail('invalid \\u escape in a string', j)
          j += 6
        } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          j += 2
        } else return fail('invalid escape in a string', j)
      } else if (b < 0x80) j++
      else {
        const n = utf8SequenceLength(bytes, j)
        if (n === 0) return fail('invalid UTF-8', j)
        j += n
      }
    }
  }

  const scanNumber = (): number | Problem => {
    let j = i
    if (bytes[j] === 0x2d) j++
    if (bytes[j] === 0x30) j++
    else if (isDigit(bytes[j])) while (isDigit(bytes[j])) j++
    else return fail('invalid number', j)
    if (bytes[j] === 0x2e) {
      j++
      if (!isDigit(bytes[j])) return fail('invalid number: digit expected after the decimal point', j)
      while (isDigit(bytes[j])) j++
    }
    if (bytes[j] === 0x65 || bytes[j] === 0x45) {
      j++
      if (bytes[j] === 0x2b || bytes[j] === 0x2d) j++
      if (!isDigit(bytes[j])) return fail('invalid number: digit expected in the exponent', j)
      while (isDigit(bytes[j])) j++
    }
    return j
  }

  const literal = (word: string): boolean => {
    for (let k = 0; k < word.length; k++) if (bytes[i + k] !== word.charCodeAt(k)) return false
    return true
  }

  for (;;) {
    skipWs()
    if (state === 'value' || state === 'firstValue') {
      const b = bytes[i]
      if (state === 'firstValue' && b === 0x5d) { stack.pop(); i++; state = 'afterValue'; continue }
      if (b === 0x7b || b === 0x5b) {
        if (stack.length >= maxDepth) return fail(`nesting deeper than ${maxDepth} levels`)
        stack.push(b === 0x7b ? { kind: 'object', keys: rejectDuplicateKeys ? new Set() : undefined } : { kind: 'array' })
        i++
        state = b === 0x7b ? 'firstKey' : 'firstValue'
        continue
      }
      if (b === 0x22) {
        const end = scanString()
        if (typeof end !== 'number') return end
        i = end
      } else if (b === 0x2d || isDigit(b)) {
        const end = scanNumber()
        if (typeof end !== 'number') return end
        i = end
      } else if (literal('true')) i += 4
      else if (literal('false')) i += 5
      else if (literal('null')) i += 4
      else if (i >= bytes.length) return fail(stack.length === 0 ? 'empty input' : 'unexpected end of input')
      else return fail(`expected a value, found ${describeByte(bytes, i).replace(/^unexpected /, '')}`)
      state = 'afterValue'
      continue
    }
    if (state === 'key' || state === 'firstKey') {
      const b = bytes[i]
      if (state === 'firstKey' && b === 0x7d) { stack.pop(); i++; state = 'afterValue'; continue }
      if (b !== 0x22) return fail(i >= bytes.length ? 'unexpected end of input' : 'expected a property name in double quotes')
      const keyStart = i
      const end = scanString()
      if (typeof end !== 'number') return end
      const frame = stack[stack.length - 1]
      if (frame !== undefined && frame.kind === 'object' && frame.keys !== undefined) {
        const key = decodeKey(decoder, bytes, keyStart, end)
        if (frame.keys.has(key)) return fail(`duplicate key ${JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key)}`, keyStart)
        frame.keys.add(key)
      }
      i = end
      skipWs()
      if (bytes[i] !== 0x3a) return fail(bytes[i] === undefined ? 'unexpected end of input' : "expected ':' after a property name")
      i++
      state = 'value'
      continue
    }
    // afterValue
    const frame = stack[stack.length - 1]
    const b = bytes[i]
    if (frame === undefined) {
      if (b === undefined) return undefined
      return fail(`${describeByte(bytes, i)} after the end of the JSON value`)
    }
    if (b === 0x2c) { i++; state = frame.kind === 'object' ? 'key' : 'value'; continue }
    if ((frame.kind === 'object' && b === 0x7d) || (frame.kind === 'array' && b === 0x5d)) { stack.pop(); i++; continue }
    if (b === undefined) return fail('unexpected end of input')
    return fail(frame.kind === 'object' ? "expected ',' or '}' after a property value" : "expected ',' or ']' after an array element")
  }
}
