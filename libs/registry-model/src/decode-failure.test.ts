import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { decodeFailure, decodeWith, describeValue, formatPathSegment } from './decode-failure.js'
import { strictStruct } from './struct.codec.js'

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
