import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { decodeWith } from './decode-failure.js'
import { openStruct, optional, strictPartial, strictStruct } from './struct.codec.js'
import { issuesOf } from '../test/support.js'

const PortCodec = strictStruct({ port: t.number, host: optional(t.string) }, 'Port')
const decodePort = decodeWith(PortCodec)
const OuterCodec = strictStruct({ inner: PortCodec, list: optional(t.array(PortCodec)) }, 'Outer')

describe('strictStruct', () => {
  const cases: ReadonlyArray<readonly [string, unknown, readonly string[]]> = [
    ['rejects an unknown key with its path', { port: 1, hots: 'x' }, ['hots: unknown field']],
    ['rejects every unknown key', { port: 1, a: 1, b: 2 }, ['a: unknown field', 'b: unknown field']],
    ['rejects a __proto__ key as unknown', JSON.parse('{"port": 1, "__proto__": {"x": 1}}'), ['__proto__: unknown field']],
    ['reports a missing required key', {}, ['port: is required']],
    ['reports a wrong type', { port: '80' }, ['port: expected number, got string "80"']],
    ['rejects null for an optional key', { port: 1, host: null }, ['host: expected string, got null']],
    ['rejects a non-object', 'port', ['expected object Port, got string "port"']],
    ['rejects an array', [], ['expected object Port, got array']],
  ]
  for (const [title, input, expected] of cases) it(title, () => expect(issuesOf(decodePort(input))).to.deep.equal(expected))

  it('nests paths through structs and io-ts arrays', () => {
    expect(issuesOf(decodeWith(OuterCodec)({ inner: { port: 1, x: 0 }, list: [{ port: 1 }, { port: 'a' }] }))).to.deep.equal([
      'inner/x: unknown field',
      'list/1/port: expected number, got string "a"',
    ])
  })

  it('treats an undefined optional value as absent and leaves it out of the result', () => {
    const r = decodePort({ port: 1, host: undefined })
    expect(r).to.deep.equal(E.right({ port: 1 }))
    expect(Object.keys((r as E.Right<object>).right)).to.deep.equal(['port'])
  })

  it('keeps the input key order', () => {
    const r = decodePort({ host: 'h', port: 1 })
    expect(Object.keys((r as E.Right<object>).right)).to.deep.equal(['host', 'port'])
  })

  it('guards with is() by the same rules', () => {
    expect(PortCodec.is({ port: 1 })).to.equal(true)
    expect(PortCodec.is({ port: 1, extra: true })).to.equal(false)
    expect(PortCodec.is(null)).to.equal(false)
  })

  it('encodes to an equal object that decodes to itself', () => {
    const value = { port: 8080, host: 'localhost' }
    expect(PortCodec.encode(value)).to.deep.equal(value)
    expect(decodePort(PortCodec.encode(value))).to.deep.equal(E.right(value))
  })
})

describe('strictPartial', () => {
  it('makes every key optional and still rejects unknown keys', () => {
    const decode = decodeWith(strictPartial({ a: t.string, b: t.number }, 'AB'))
    expect(decode({})).to.deep.equal(E.right({}))
    expect(issuesOf(decode({ c: 1 }))).to.deep.equal(['c: unknown field'])
  })
})

describe('openStruct', () => {
  it('keeps unknown keys verbatim, including __proto__ as an own data key', () => {
    const decode = decodeWith(openStruct({ a: t.string }, 'Open'))
    const input = JSON.parse('{"a": "x", "extra": [1], "__proto__": {"polluted": true}}') as object
    const r = decode(input)
    if (E.isLeft(r)) expect.fail(r.left.message)
    expect(Object.getOwnPropertyNames(r.right)).to.deep.equal(['a', 'extra', '__proto__'])
    expect(Object.getPrototypeOf(r.right)).to.equal(Object.prototype)
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined)
  })

  it('still validates known keys', () => {
    expect(issuesOf(decodeWith(openStruct({ a: t.string }, 'Open'))({ a: 1, b: 2 }))).to.deep.equal(['a: expected string, got number 1'])
  })
})
