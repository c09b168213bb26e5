import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { arrayOf, recordOf } from './collection.codec.js'
import { decodeFailure, decodeOwnedWith, decodeWith, describeValue, formatPathSegment, isOwnedInput } from './decode-failure.js'
import { StringCodec } from './string.codec.js'
import { openStruct, optional, strictStruct } from './struct.codec.js'

describe('decodeFailure', () => {
  it('joins every issue into one message', () => {
    expect(decodeFailure('Doc', [{ path: 'a/b', message: 'is required' }, { path: '', message: 'bad root' }])).to.deep.equal({
      _tag: 'DecodeFailure',
      codec: 'Doc',
      issues: [{ path: 'a/b', message: 'is required' }, { path: '', message: 'bad root' }],
      message: 'Invalid Doc: a/b: is required; bad root',
    })
  })

  it('drops repeated issues', () => {
    expect(decodeFailure('Doc', [{ path: 'a', message: 'x' }, { path: 'a', message: 'x' }]).issues).to.have.length(1)
  })

  it('spells out the first 20 issues and counts the rest', () => {
    const issues = Array.from({ length: 25 }, (_, i) => ({ path: `k${i}`, message: 'unknown field' }))
    const f = decodeFailure('Doc', issues)
    expect(f.issues).to.have.length(25)
    expect(f.message.endsWith('k19: unknown field; … and 5 more')).to.equal(true)
  })
})

describe('decodeWith', () => {
  it('leaves io-ts union member indexes out of paths', () => {
    const C = strictStruct({ v: t.union([t.string, t.number]) }, 'U')
    const r = decodeWith(C)({ v: true })
    expect(E.isLeft(r) && r.left.issues.map((i) => i.path)).to.deep.equal(['v', 'v'])
  })

  it('turns a throwing getter into a root issue instead of throwing', () => {
    const hostile = Object.defineProperty({}, 'port', { enumerable: true, get: () => { throw new Error('boom') } })
    const r = decodeWith(strictStruct({ port: t.number }, 'Port'))(hostile)
    expect(r).to.deep.equal(E.left({
      _tag: 'DecodeFailure', codec: 'Port', issues: [{ path: '', message: 'input could not be read (boom)' }],
      message: 'Invalid Port: input could not be read (boom)',
    }))
  })
})

describe('decodeOwnedWith', () => {
  const Inner = strictStruct({ port: t.number, host: optional(StringCodec) }, 'Inner')
  const Doc = openStruct({ inner: Inner, list: arrayOf(Inner, 'List'), map: optional(recordOf(StringCodec, Inner, 'Map')) }, 'Doc')
  const parsed = (): Record<string, unknown> => JSON.parse('{"inner": {"port": 1}, "list": [{"port": 2, "host": "h"}], "map": {"a": {"port": 3}}, "extra": [1]}') as Record<string, unknown>

  it('returns a valid parsed document itself, not a copy', () => {
    const doc = parsed()
    const r = decodeOwnedWith(Doc)(doc)
    if (E.isLeft(r)) expect.fail(r.left.message)
    expect(r.right).to.equal(doc)
    expect(r.right.list).to.equal(doc['list'])
  })

  it('decodes to the same value as decodeWith, which copies', () => {
    const doc = parsed()
    const copied = decodeWith(Doc)(doc)
    if (E.isLeft(copied)) expect.fail(copied.left.message)
    expect(copied.right).to.not.equal(doc)
    expect(decodeOwnedWith(Doc)(parsed())).to.deep.equal(copied)
  })

  it('copies only the containers with a part that decoding drops, leaving the input as it was', () => {
    const doc = { inner: { port: 1, host: undefined }, list: [{ port: 2 }], map: { a: { port: 3 } } }
    const r = decodeOwnedWith(Doc)(doc)
    if (E.isLeft(r)) expect.fail(r.left.message)
    expect(r.right).to.deep.equal({ inner: { port: 1 }, list: [{ port: 2 }], map: { a: { port: 3 } } })
    expect([r.right === doc, r.right.inner === doc.inner, r.right.list === doc.list, r.right.map === doc.map]).to.deep.equal([false, false, true, true])
    expect(Object.keys(doc.inner)).to.deep.equal(['port', 'host'])
  })

  it('copies objects that are not plain, as decodeWith does', () => {
    const inner = Object.assign(Object.create(null) as object, { port: 1 })
    const r = decodeOwnedWith(Inner)(inner)
    if (E.isLeft(r)) expect.fail(r.left.message)
    expect([r.right === inner, Object.getPrototypeOf(r.right) === Object.prototype]).to.deep.equal([false, true])
  })

  it('reports failures exactly as decodeWith does', () => {
    const bad = { inner: { port: 'x', extra: 1 }, list: [{ port: 2 }, {}], map: { a: { port: 3, more: true } } }
    expect(decodeOwnedWith(Doc)(bad)).to.deep.equal(decodeWith(Doc)(bad))
  })

  it('marks only its own contexts as owned', () => {
    const seen: boolean[] = []
    const Probe = new t.Type<unknown>('Probe', (_u): _u is unknown => true, (u, c) => {
      seen.push(isOwnedInput(c))
      return t.success(u)
    }, t.identity)
    decodeOwnedWith(Probe)(1)
    decodeWith(Probe)(1)
    expect(seen).to.deep.equal([true, false])
  })
})

describe('formatPathSegment', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['fetch', 'fetch'],
    ['io.github.x/y', '"io.github.x/y"'],
    ['', '""'],
    ['a b', '"a b"'],
    ['tab\there', '"tab\\there"'],
    ['nul\u0000', '"nul\\u0000"'],
    ['x'.repeat(100), `${'x'.repeat(80)}…`],
  ]
  for (const [key, expected] of cases) it(`formats ${JSON.stringify(key.slice(0, 20))}`, () => expect(formatPathSegment(key)).to.equal(expected))
})

describe('describeValue', () => {
  const cases: ReadonlyArray<readonly [unknown, string]> = [
    [undefined, 'nothing'], [null, 'null'], [[1], 'array'], [{}, 'object'], [3, 'number 3'], [true, 'boolean true'],
    ['a"b', 'string "a\\"b"'], ['z'.repeat(50), `string "${'z'.repeat(40)}…"`], ['\u001b[31m', 'string "\\u001b[31m"'],
  ]
  for (const [value, expected] of cases) it(`describes ${expected}`, () => expect(describeValue(value)).to.equal(expected))
})
