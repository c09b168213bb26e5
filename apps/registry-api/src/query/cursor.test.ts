import { expect } from 'chai'
import fc from 'fast-check'
import { compareKeys, decodeCursor, encodeCursor } from './cursor.js'

describe('pagination cursors', () => {
  it('round-trips any name and version', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (name, version) => {
      expect(decodeCursor(encodeCursor({ name, version }))).to.deep.equal({ name, version })
    }))
  })

  it('is URL-safe', () => {
    expect(encodeCursor({ name: 'io.github.x/y', version: '1.0.0+build.7' })).to.match(/^[A-Za-z0-9_-]+$/)
  })

  const rejected: ReadonlyArray<[string, string]> = [
    ['the official name:version form', 'io.github.x/y:1.0.0'],
    ['base64 of non-JSON', Buffer.from('not json').toString('base64url')],
    ['base64 of a one-element array', Buffer.from('["a"]').toString('base64url')],
    ['base64 of numbers', Buffer.from('[1,2]').toString('base64url')],
    ['padding characters', 'WyJhIiwiYiJd=='],
  ]
  for (const [title, cursor] of rejected) it(`rejects ${title}`, () => expect(decodeCursor(cursor)).to.equal(undefined))

  it('orders by name, then version, in code-unit order', () => {
    const keys = [{ name: 'b', version: '1' }, { name: 'a', version: '1.0.2' }, { name: 'a', version: '1.0.10' }]
    expect([...keys].sort(compareKeys)).to.deep.equal([{ name: 'a', version: '1.0.10' }, { name: 'a', version: '1.0.2' }, { name: 'b', version: '1' }])
  })
})
