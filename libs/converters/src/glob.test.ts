import { expect } from 'chai'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { compileGlob } from './glob.js'

const matches = (pattern: string, name: string): boolean => {
  const g = compileGlob(pattern)
  if (E.isLeft(g)) throw g.left
  return g.right.matches(name)
}

describe('compileGlob', () => {
  const cases: ReadonlyArray<[string, string, boolean]> = [
    ['*', 'io.github.stacklok/fetch', true],
    ['io.github.*/*', 'io.github.stacklok/fetch', true],
    ['io.github.*', 'io.github.stacklok/fetch', true],
    ['io.github.*/*', 'com.example/fetch', false],
    ['*/fetch', 'io.github.stacklok/fetch', true],
    ['fetch', 'io.github.stacklok/fetch', false],
    ['fe?ch', 'fetch', true],
    ['fe?ch', 'feetch', false],
    ['?', '€', true],
    ['?', '😀', true],
    ['[a-c]at', 'bat', true],
    ['[a-c]at', 'dat', false],
    ['[!a-c]at', 'dat', true],
    ['[^a-c]at', 'bat', false],
    ['[-x]', '-', true],
    ['[x-]', '-', true],
    ['[\\]]', ']', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['a.b', 'axb', false],
    ['(x)+{1}|$^', '(x)+{1}|$^', true],
    ['Fetch', 'fetch', false],
    ['', '', true],
    ['*-server*', 'production-server', true],
    ['**', 'a/b/c', true],
  ]
  for (const [pattern, name, expected] of cases) {
    it(`${expected ? 'matches' : 'does not match'} ${JSON.stringify(name)} with ${JSON.stringify(pattern)}`, () =>
      expect(matches(pattern, name)).to.equal(expected))
  }

  const invalid: ReadonlyArray<[string, number, string]> = [
    ['[', 0, 'unclosed character class'],
    ['abc[de', 3, 'unclosed character class'],
    ['[]', 0, 'empty character class'],
    ['[!]', 0, 'empty character class'],
    ['abc\\', 3, 'trailing escape character'],
    ['[z-a]', 1, 'reversed range z-a'],
  ]
  for (const [pattern, position, reason] of invalid) {
    it(`rejects ${JSON.stringify(pattern)}: ${reason}`, () => {
      const g = compileGlob(pattern)
      expect(E.isLeft(g) && { code: g.left.code, pattern: g.left.pattern, position: g.left.position, reason: g.left.reason })
        .to.deep.equal({ code: 'InvalidGlob', pattern, position, reason })
    })
  }

  it('matches any string literally when it has no special characters', () => {
    fc.assert(fc.property(fc.string().filter((s) => !/[*?[\\]/.test(s)), fc.string(), (lit, other) => {
      expect(matches(lit, lit)).to.equal(true)
      expect(matches(lit, other)).to.equal(lit === other)
    }))
  })

  it('never throws on arbitrary patterns', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (pattern, name) => {
      const g = compileGlob(pattern)
      if (E.isRight(g)) g.right.matches(name)
    }))
  })
})
