import { expect } from 'chai'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { parseJson } from './json-parse.js'

/** The position part of a parse result: [offset, line, column, reason] or 'ok'. */
function where(raw: string | Uint8Array): readonly [number, number, number, string] | 'ok' {
  const r = parseJson(raw)
  return E.isRight(r) ? 'ok' : [r.left.offset, r.left.line, r.left.column, r.left.reason]
}

/** `"k0":0,"k1":1,…` with `n` distinct keys. */
const manyKeys = (n: number): string => Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')

describe('parseJson', () => {
  const invalid: ReadonlyArray<readonly [string, string | Uint8Array, readonly [number, number, number, string]]> = [
    ['reports a trailing comma in an object', '{"a": 1,}', [8, 1, 9, 'expected a property name in double quotes']],
    ['reports a missing comma on the second line', '[1,\n  2 x]', [8, 2, 5, "expected ',' or ']' after an array element"]],
    ['reports a bare word', '{"a": yes}', [6, 1, 7, "expected a value, found character 'y'"]],
    ['reports a truncated document', '{"servers": {"a": ', [18, 1, 19, 'unexpected end of input']],
    ['reports empty input', '', [0, 1, 1, 'empty input']],
    ['reports whitespace-only input', ' \n ', [3, 2, 2, 'empty input']],
    ['reports a second value after the document', '{} {}', [3, 1, 4, "unexpected character '{' after the end of the JSON value"]],
    ['reports a single-quoted string', "{'a': 1}", [1, 1, 2, 'expected a property name in double quotes']],
    ['reports an unterminated string at its opening quote', '["abc', [1, 1, 2, 'unterminated string']],
    ['reports a raw control character in a string', '["a\u0001"]', [3, 1, 4, 'control character 0x01 in a string must be escaped']],
    ['reports an invalid escape', '["\\x41"]', [2, 1, 3, 'invalid escape in a string']],
    ['reports a short \\u escape', '["\\u12"]', [2, 1, 3, 'invalid \\u escape in a string']],
    ['reports a leading zero', '[01]', [2, 1, 3, "expected ',' or ']' after an array element"]],
    ['reports a bare decimal point', '[1.]', [3, 1, 4, 'invalid number: digit expected after the decimal point']],
    ['reports NaN', '[NaN]', [1, 1, 2, "expected a value, found character 'N'"]],
    ['reports a duplicate key at the repeated key', '{"a": 1, "a": 2}', [9, 1, 10, 'duplicate key "a"']],
    ['reports a duplicate key written with an escape', '{"a": 1, "\\u0061": 2}', [9, 1, 10, 'duplicate key "a"']],
    ['counts bytes, not characters, for the offset', '{"é😀": x}', [11, 1, 8, "expected a value, found character 'x'"]],
    ['reports invalid UTF-8 in bytes', new Uint8Array([0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d]), [2, 1, 3, 'invalid UTF-8']],
    ['reports an overlong UTF-8 encoding', new Uint8Array([0x22, 0xc0, 0xaf, 0x22]), [1, 1, 2, 'invalid UTF-8']],
    ['reports UTF-8 encoded surrogates', new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]), [1, 1, 2, 'invalid UTF-8']],
    ['reports nesting deeper than 512 levels', '['.repeat(513) + ']'.repeat(513), [512, 1, 513, 'nesting deeper than 512 levels']],
    ['reports nesting too deep inside objects', '{"a":'.repeat(513) + '1' + '}'.repeat(513), [2560, 1, 2561, 'nesting deeper than 512 levels']],
    ['reports a duplicate key after many keys', `{${manyKeys(40)},"k7":0}`, [341, 1, 342, 'duplicate key "k7"']],
    ['reports a duplicate key written with an escape after many keys', `{${manyKeys(40)},"\\u006b7":0}`, [341, 1, 342, 'duplicate key "k7"']],
    ['reports a duplicate non-ASCII key', '{"é":1,"x":{"é":1},"é":2}', [21, 1, 20, 'duplicate key "é"']],
    ['reports a second byte order mark', '\uFEFF\uFEFF[1]', [3, 1, 2, 'expected a value, found byte 0xef']],
  ]
  for (const [title, raw, expected] of invalid) it(title, () => expect(where(raw)).to.deep.equal(expected))

  it('says where in one message', () => {
    const r = parseJson('{\n  "a": 1,\n}')
    expect(r).to.deep.equal(E.left({
      _tag: 'JsonParseError',
      message: 'Invalid JSON at byte 12 (line 3, column 1): expected a property name in double quotes',
      reason: 'expected a property name in double quotes',
      offset: 12,
      line: 3,
      column: 1,
    }))
  })

  it('parses valid JSON from a string and from bytes', () => {
    const text = '{"a": [1, 2.5e3, -0, true, false, null, "x\\n\\u00e9"], "b": {}}'
    const value = { a: [1, 2500, -0, true, false, null, 'x\né'], b: {} }
    expect(parseJson(text)).to.deep.equal(E.right(value))
    expect(parseJson(new TextEncoder().encode(text))).to.deep.equal(E.right(value))
  })

  it('ignores a leading UTF-8 byte order mark', () => {
    expect(parseJson(new Uint8Array([0xef, 0xbb, 0xbf, 0x5b, 0x31, 0x5d]))).to.deep.equal(E.right([1]))
    expect(parseJson('\uFEFF[1]')).to.deep.equal(E.right([1]))
  })

  it('accepts duplicate keys when asked to, keeping the last value as JSON.parse does', () => {
    expect(parseJson('{"a": 1, "a": 2}', { rejectDuplicateKeys: false })).to.deep.equal(E.right({ a: 2 }))
  })

  it('allows deeper nesting when asked to', () => {
    expect(parseJson('['.repeat(2000) + ']'.repeat(2000), { maxDepth: 5000 })._tag).to.equal('Right')
  })

  it('keeps __proto__ as an own key without touching any prototype', () => {
    const r = parseJson('{"__proto__": {"polluted": true}}')
    if (E.isLeft(r)) expect.fail(r.left.message)
    expect(Object.getOwnPropertyNames(r.right)).to.deep.equal(['__proto__'])
    expect(Object.getPrototypeOf(r.right)).to.equal(Object.prototype)
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined)
  })

  it('parses a one-megabyte string value', () => {
    const big = 'z'.repeat(1_000_000)
    expect(parseJson(JSON.stringify({ big }))).to.deep.equal(E.right({ big }))
  })

  it('never throws and agrees with JSON.parse on arbitrary text', () => {
    // JSON-ish fragments find far more near-misses than uniformly random text.
    const fragment = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'a', '1', '-', '.', 'e', '0', 'true', 'null', ' ', '\n', 'é', '\ud800', '\u0001', 'u00')
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.array(fragment, { maxLength: 30 }).map((xs) => xs.join('')))
    fc.assert(fc.property(text, (s) => {
      let expected: 'ok' | 'error'
      try { JSON.parse(s); expected = 'ok' } catch { expected = 'error' }
      const r = parseJson(s, { rejectDuplicateKeys: false })
      expect(E.isRight(r) ? 'ok' : 'error').to.equal(s.trim() === '' ? 'error' : expected)
    }), { numRuns: 1000 })
  })

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      const r = parseJson(bytes)
      if (E.isLeft(r)) expect(r.left.offset).to.be.within(0, bytes.length)
    }), { numRuns: 1000 })
  })

  it('accepts the same key in different objects, and distinct keys written with escapes', () => {
    const text = `{"a":{"a":1,"b":[{"a":2}]},"b":{"a":{"a":3}},"c\\"":1,"c":2,"\\u00e9":3,"e":4,${manyKeys(20)}}`
    expect(parseJson(text)).to.deep.equal(E.right(JSON.parse(text)))
  })

  it('skips string values whatever they hold: escaped quotes, trailing backslashes, text that looks like keys', () => {
    const values = ['x\\"', '\\', '\\\\', '","a":1,"', '{"a":1,"a":2}', '😀\\"é']
    for (const value of values) {
      const unique = `{"a":${JSON.stringify(value)},"b":[${JSON.stringify(value)},{"a":0}],"c":1}`
      expect(parseJson(unique), unique).to.deep.equal(E.right(JSON.parse(unique)))
      const head = `{"a":${JSON.stringify(value)},"b":${JSON.stringify(value)},`
      expect(where(`${head}"a":2}`), head).to.deep.equal([Buffer.byteLength(head), 1, Array.from(head).length + 1, 'duplicate key "a"'])
    }
  })

  it('rejects every object that repeats a key, at the repeated key, however the key is written', () => {
    const key = fc.constantFrom('a', 'b', 'é', 'k1', 'k10', '😀', 'a"b', '')
    // Escaped: every UTF-16 code unit as \uXXXX (a surrogate pair as two escapes).
    const spelling = (k: string, escaped: boolean): string =>
      escaped ? `"${Array.from({ length: k.length }, (_, i) => `\\u${k.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')}"` : JSON.stringify(k)
    fc.assert(fc.property(fc.uniqueArray(key, { minLength: 1, maxLength: 8 }), fc.nat(), fc.nat(30), fc.boolean(), (keys, pick, filler, escaped) => {
      const repeated = keys[pick % keys.length] as string
      const head = `{${[...keys.map((k) => JSON.stringify(k)), ...Array.from({ length: filler }, (_, i) => `"f${i}"`)].map((k) => `${k}:[{"a":1,"a2":{}}]`).join(',')},`
      const text = `${head}${spelling(repeated, escaped)}:0}`
      expect(where(text)).to.deep.equal([Buffer.byteLength(head), 1, Array.from(head).length + 1, `duplicate key ${JSON.stringify(repeated)}`])
    }), { numRuns: 300 })
  })

  it('round-trips every JSON value through JSON.stringify', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(parseJson(JSON.stringify(v), { rejectDuplicateKeys: false })).to.deep.equal(E.right(JSON.parse(JSON.stringify(v))))
    }), { numRuns: 300 })
  })
})
