import { expect } from 'chai'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { canonicalJson, canonicalSha256Hex, NonJsonValueError, tryCanonicalJson, writeCanonicalJson } from './canonical-json.js'
import { rfc8785Vectors } from '../test/fixtures.js'
import { sha256Hex } from './sha256.js'

describe('canonicalJson', () => {
  const cases: ReadonlyArray<[string, unknown, string]> = [
    ['sorts keys and drops whitespace', { b: 1, a: [true, null, 'x'] }, '{"a":[true,null,"x"],"b":1}'],
    ['sorts nested keys by UTF-16 code units', { z: { b: 1, B: 2, a: 3 }, é: 0, e: 1 }, '{"e":1,"z":{"B":2,"a":3,"b":1},"é":0}'],
    ['writes numbers in shortest round-trip form', [1.5e21, 0.1, -0, 1e-7, 100], '[1.5e+21,0.1,0,1e-7,100]'],
    ['escapes strings as JSON', ['a"b\\c\n\u0001'], '["a\\"b\\\\c\\n\\u0001"]'],
    ['treats undefined properties as absent', { a: undefined, b: 2 }, '{"b":2}'],
    ['writes an empty object and array', { a: {}, b: [] }, '{"a":{},"b":[]}'],
    ['orders array-index-like keys as strings too', { b: 1, 10: 2, 9: 3, a: { 2: 0, 1: 0 } }, '{"10":2,"9":3,"a":{"1":0,"2":0},"b":1}'],
    ['keeps a __proto__ key as data', JSON.parse('{"b":1,"__proto__":{"x":1}}'), '{"__proto__":{"x":1},"b":1}'],
    ['accepts a null-prototype object', Object.assign(Object.create(null) as object, { k: 1 }), '{"k":1}'],
  ]
  for (const [title, input, expected] of cases) it(title, () => expect(canonicalJson(input)).to.equal(expected))

  const rejects: ReadonlyArray<[string, unknown, string, string]> = [
    ['rejects undefined at the root', undefined, '', 'undefined'],
    ['rejects NaN with its path', { a: [1, NaN] }, '/a/1', 'NaN'],
    ['rejects Infinity', { x: Infinity }, '/x', 'Infinity'],
    ['rejects a function', { f: () => 1 }, '/f', 'function'],
    ['rejects a bigint', [1n], '/0', 'bigint'],
    ['rejects a Date', { 'a/b': new Date(0) }, '/a~1b', 'Date'],
    ['rejects a Map', { m: new Map() }, '/m', 'Map'],
    ['rejects undefined in an array', [undefined], '/0', 'undefined'],
    ['rejects a sparse array', { s: [1, , 3] }, '/s/1', 'array hole'], // eslint-disable-line no-sparse-arrays
  ]
  for (const [title, input, path, found] of rejects) {
    it(title, () => {
      const r = tryCanonicalJson(input)
      expect(E.isLeft(r) && { path: r.left.path, found: r.left.found, code: r.left.code }).to.deep.equal({ path, found, code: 'NonJsonValue' })
    })
  }

  it('rejects a cycle', () => {
    const a: Record<string, unknown> = {}
    a['self'] = { back: a }
    expect(() => canonicalJson(a)).to.throw(NonJsonValueError, 'Value at /self/back is not JSON: cycle')
  })

  it('accepts a shared (non-cyclic) reference twice', () => {
    const shared = { x: 1 }
    expect(canonicalJson({ a: shared, b: shared })).to.equal('{"a":{"x":1},"b":{"x":1}}')
  })

  it('parses back to an equal value for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(JSON.parse(canonicalJson(v))).to.deep.equal(JSON.parse(JSON.stringify(v)))
    }))
  })

  it('is insensitive to key order', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (o) => {
      const reversed = Object.fromEntries(Object.entries(o).reverse())
      expect(canonicalJson(reversed)).to.equal(canonicalJson(o))
    }))
  })

  it('is a fixpoint: canonical JSON re-serialised is unchanged', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const once = canonicalJson(v)
      expect(canonicalJson(JSON.parse(once))).to.equal(once)
    }))
  })
})

describe('writeCanonicalJson', () => {
  const pieces = (v: unknown): string[] => {
    const out: string[] = []
    writeCanonicalJson(v, (chunk) => out.push(chunk))
    return out
  }
  /** What a call throws, as `path found`, or `ok`. */
  const thrown = (f: () => unknown): string => {
    try {
      f()
      return 'ok'
    } catch (err) {
      return err instanceof NonJsonValueError ? `${err.path} ${err.found}` : String(err)
    }
  }

  it('writes the canonical JSON of any value, in pieces', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(pieces(v).join('')).to.equal(canonicalJson(v))
    }))
  })

  it('writes large documents of many parts in several pieces', () => {
    const doc = { servers: Array.from({ length: 300 }, (_, i) => ({ name: `s${i}`, description: 'x'.repeat(100), b: { z: 1, a: [i] } })) }
    const out = pieces(doc)
    expect([out.length > 1, out.join('') === canonicalJson(doc)]).to.deep.equal([true, true])
  })

  const cyclic: Record<string, unknown> = { servers: [] }
  ;(cyclic['servers'] as unknown[]).push({ x: { up: cyclic } })
  const awkward: ReadonlyArray<[string, unknown]> = [
    ['a NaN at the top', { a: [1, NaN] }],
    ['a Date deep down', { x: { y: { z: new Date(0) } } }],
    ['a hole at the top', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['a hole deep down', { s: { t: [1, , 3] } }], // eslint-disable-line no-sparse-arrays
    ['a cycle back to the root', cyclic],
    ['undefined', undefined],
    ['array-index keys at every level', { 10: 1, 9: { 2: 0, 1: [{ 3: 1, 20: 2 }] } }],
    ['nesting deeper than the quick path goes', { a: Array.from({ length: 300 }).reduce((inner: unknown) => ({ d: inner }), 1) }],
  ]
  for (const [title, value] of awkward) {
    it(`agrees with canonicalJson on ${title}`, () => {
      expect(thrown(() => pieces(value).join(''))).to.equal(thrown(() => canonicalJson(value)))
      if (thrown(() => canonicalJson(value)) === 'ok') expect(pieces(value).join('')).to.equal(canonicalJson(value))
    })
  }
})

describe('RFC 8785 test vectors', () => {
  const vectors = rfc8785Vectors()
  it('are all present (six files of cyberphone/json-canonicalization)', () =>
    expect(vectors.map((v) => v.name)).to.deep.equal(['arrays.json', 'french.json', 'structures.json', 'unicode.json', 'values.json', 'weird.json']))
  for (const { name, input, output } of vectors) {
    it(`canonicalJson writes ${name} byte for byte as the RFC's reference output`, () => {
      expect(Buffer.from(canonicalJson(JSON.parse(input)), 'utf8').equals(output), canonicalJson(JSON.parse(input))).to.equal(true)
    })
    it(`writeCanonicalJson and canonicalSha256Hex agree on ${name}`, () => {
      const parts: string[] = []
      writeCanonicalJson(JSON.parse(input), (chunk) => parts.push(chunk))
      expect(Buffer.from(parts.join(''), 'utf8').equals(output)).to.equal(true)
      expect(canonicalSha256Hex(JSON.parse(input))).to.equal(sha256Hex(output))
    })
  }
})

describe('canonicalSha256Hex', () => {
  it('is the sha256 of the canonical JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(canonicalSha256Hex(v)).to.equal(sha256Hex(canonicalJson(v)))
    }))
  })
})

describe('sha256Hex', () => {
  it('hashes the empty string to the known digest', () =>
    expect(sha256Hex('')).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'))
  it('hashes strings as UTF-8, equal to their bytes', () =>
    expect(sha256Hex('é')).to.equal(sha256Hex(Uint8Array.of(0xc3, 0xa9))))
  it('hashes "abc" to the FIPS 180-2 test vector', () =>
    expect(sha256Hex('abc')).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'))
})
